"""Demo equipment: each studio's own kit and a shared pool, with reservations around
today (one to hand out today, one upcoming, one returned and one overdue), so the kit
pages and the desk show something. Re-runnable: items are keyed by their Chinese name
and studio; reservations are added only when there are none."""

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Role
from app.models.base import utcnow
from app.models.kits import EquipmentItem, KitReservation, KitStatus
from app.models.studios import Studio
from app.services import clock
from seeds.loader import SeedReport, create, local_time, users

STUDIO_KIT = (  # name_zh, name_en, category, units
    ("直播手机", "Streaming phone", "phone", 2),
    ("环形补光灯", "Ring light", "ring_light", 2),
    ("领夹麦克风", "Lavalier microphone", "microphone", 2),
)
SHARED_POOL = (
    ("外置声卡", "External sound card", "sound_card", 3),
    ("落地三脚架", "Floor tripod", "tripod", 4),
    ("美妆样品套装", "Cosmetics sample set", "sample_stock", 10),
    ("备用手机", "Spare phone", "phone", 3),
)


def _item(session, report, spec, studio_id):
    name_zh, name_en, category, units = spec
    found = session.exec(
        select(EquipmentItem).where(
            EquipmentItem.name_zh == name_zh, EquipmentItem.studio_id == studio_id
        )
    ).first()
    if found is not None:
        return found
    row = EquipmentItem(
        name_zh=name_zh, name_en=name_en, category=category, quantity_total=units,
        studio_id=studio_id,
    )  # fmt: skip
    return create(session, row, report)


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """Items per studio and in the shared pool, and a few reservations around today."""
    studios = list(session.exec(select(Studio).order_by(Studio.id).limit(3)).all())
    students = users(session, Role.student, active_only=True, limit=4)
    teachers = users(session, Role.teacher, active_only=True, limit=1)
    if not studios or len(students) < 3 or not teachers:
        return
    own = [_item(session, report, spec, studio.id) for studio in studios for spec in STUDIO_KIT]
    pool = [_item(session, report, spec, None) for spec in SHARED_POOL]
    if session.exec(select(func.count()).select_from(KitReservation)).one():
        return
    now = utcnow()
    today = clock.local_date(now)
    desk = teachers[0]
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    rows = [
        KitReservation(  # to hand out today
            item_id=own[0].id, user_id=students[0].id, quantity=1,
            starts_at=local_time(today, "19:00"), ends_at=local_time(today, "21:00"),
        ),
        KitReservation(  # upcoming, from the shared pool
            item_id=pool[0].id, user_id=students[0].id, quantity=1,
            starts_at=local_time(tomorrow, "14:00"), ends_at=local_time(tomorrow, "16:00"),
        ),
        KitReservation(  # returned yesterday, with its condition notes
            item_id=own[1].id, user_id=students[1].id, quantity=1, status=KitStatus.returned,
            starts_at=local_time(yesterday, "10:00"), ends_at=local_time(yesterday, "12:00"),
            checked_out_at=local_time(yesterday, "09:50"), checked_out_by_id=desk.id,
            checkout_note="配件齐全", due_at=local_time(yesterday, "12:00"),
            returned_at=local_time(yesterday, "12:05"), returned_by_id=desk.id,
            return_note="灯罩有轻微划痕", damaged=True,
        ),
        KitReservation(  # out since yesterday and not back: overdue
            item_id=pool[2].id, user_id=students[2].id, quantity=2,
            status=KitStatus.checked_out,
            starts_at=local_time(yesterday, "15:00"), ends_at=local_time(yesterday, "17:00"),
            checked_out_at=local_time(yesterday, "14:55"), checked_out_by_id=desk.id,
            checkout_note="两套，包装完好", due_at=local_time(yesterday, "17:00"),
        ),
    ]  # fmt: skip
    for row in rows:
        create(session, row, report)

"""Demo studios and a realistic fortnight of bookings around today (python -m app seed --demo).

Re-runnable: studios are keyed by name, and a studio that already has bookings gets no
new demo bookings.
"""

import random
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import (
    Booking,
    BookingRefusal,
    BookingStatus,
    Studio,
    StudioBlackout,
    StudioHours,
    WaitlistEntry,
)
from app.services import clock

EVERY_DAY = {d: (8 * 60, 22 * 60) for d in range(7)}
STUDIOS = [
    {
        "name": "直播间 A（抖音）",
        "location": "实训楼 3 楼 301",
        "capacity": 6,
        "equipment": "环形补光灯 ×2\n声卡 + 电容麦克风\n4K 摄像机\n绿幕\n提词器",
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 180,
        "advance_days": 14,
        "buffer_minutes": 0,
        "requires_approval": False,
        "hours": EVERY_DAY,
    },
    {
        "name": "直播间 B（淘宝）",
        "location": "实训楼 3 楼 302",
        "capacity": 6,
        "equipment": "柔光箱 ×2\n直播一体机\n货架与样品台\n无线领夹麦",
        "slot_minutes": 30,
        "min_minutes": 60,
        "max_minutes": 180,
        "advance_days": 14,
        "buffer_minutes": 30,
        "requires_approval": False,
        "hours": EVERY_DAY,
    },
    {
        "name": "多功能演播厅",
        "location": "创新创业中心 1 楼",
        "capacity": 24,
        "equipment": "导播台\n三机位摄像机\nLED 大屏\n调音台\n专业灯光组",
        "slot_minutes": 60,
        "min_minutes": 60,
        "max_minutes": 240,
        "advance_days": 21,
        "buffer_minutes": 0,
        "requires_approval": True,
        "hours": {**{d: (9 * 60, 21 * 60) for d in range(5)}, 5: (9 * 60, 17 * 60)},
    },
]
TITLES = {
    "course": ["直播运营实务", "直播销售话术训练", "短视频创推实训"],
    "competition": ["电商三创赛直播赛项集训", "“互联网+”路演排练"],
    "live_session": ["助农直播：瓯柑专场", "鞋服新品直播", "校园文创直播"],
    "personal": ["主播镜头感练习", "场控配合练习", ""],
}


def seed_catalogue(session: Session, report) -> None:
    """Studios have no catalogue data."""


def _users(session: Session, role: Role, limit: int) -> list[User]:
    query = select(User).where(User.role == role, User.is_active == True)  # noqa: E712
    return list(session.exec(query.order_by(User.id).limit(limit)).all())


def _studio(session: Session, report, spec: dict, approver: User | None) -> Studio:
    studio = session.exec(select(Studio).where(Studio.name == spec["name"])).first()
    if studio is not None:
        return studio
    values = {k: v for k, v in spec.items() if k != "hours"}
    studio = Studio(
        **values, approver_id=approver.id if approver and values["requires_approval"] else None
    )
    session.add(studio)
    session.flush()
    for weekday, (opens, closes) in spec["hours"].items():
        session.add(StudioHours(studio_id=studio.id, weekday=weekday, opens=opens, closes=closes))
    report.count("created", "studio")
    return studio


def seed_demo(session: Session, report, *, scale: int = 1) -> None:
    """Three studios with equipment, and two weeks of bookings around today."""
    rng = random.Random(20261123)
    students = _users(session, Role.student, 30 * scale)
    teachers = _users(session, Role.teacher, 4 * scale)
    if not students or not teachers:
        return
    studios = [_studio(session, report, spec, teachers[0]) for spec in STUDIOS]
    session.flush()
    now = utcnow()
    today = clock.local_date(now)
    for index, studio in enumerate(studios):
        has_bookings = session.exec(
            select(func.count()).select_from(Booking).where(Booking.studio_id == studio.id)
        ).one()
        if has_bookings:
            continue
        hours = {h.weekday: h for h in session.exec(
            select(StudioHours).where(StudioHours.studio_id == studio.id)
        ).all()}  # fmt: skip
        for offset in range(-7, 8):
            day = today + timedelta(days=offset)
            row = hours.get(day.weekday())
            if row is None:
                continue
            minute = row.opens + studio.slot_minutes * rng.randint(0, 2)
            while minute < row.closes:
                length = studio.min_minutes + studio.slot_minutes * rng.randint(0, 2)
                if minute + length > row.closes or rng.random() < 0.35:
                    minute += studio.slot_minutes * rng.randint(1, 3)
                    continue
                _demo_booking(session, rng, studio, day, minute, length, students, teachers, now)
                report.count("created", "booking")
                minute += length + studio.buffer_minutes + studio.slot_minutes * rng.randint(0, 3)
                minute += (row.opens - minute) % studio.slot_minutes
        if index == 1:
            day = today + timedelta(days=9)
            session.add(
                StudioBlackout(
                    studio_id=studio.id,
                    starts_at=clock.local_instant(day, 8 * 60),
                    ends_at=clock.local_instant(day, 22 * 60),
                    reason="设备年检",
                )
            )
    _demo_demand(session, rng, studios, students, today)
    session.flush()


def _demo_booking(session, rng, studio, day, minute, length, students, teachers, now):
    starts_at = clock.local_instant(day, minute)
    if starts_at is None:
        return
    ends_at = starts_at + timedelta(minutes=length)
    purpose = rng.choice(["course", "competition", "live_session", "personal", "personal"])
    user = rng.choice(teachers) if purpose == "course" else rng.choice(students)
    if ends_at <= now:
        status = rng.choices(
            [BookingStatus.completed, BookingStatus.no_show, BookingStatus.cancelled],
            weights=[8, 1, 1],
        )[0]
    elif starts_at <= now:
        status = BookingStatus.checked_in
    elif studio.requires_approval and user.role == Role.student and rng.random() < 0.5:
        status = BookingStatus.pending
    else:
        status = BookingStatus.approved
    booking = Booking(
        studio_id=studio.id,
        user_id=user.id,
        purpose=purpose,
        title=rng.choice(TITLES[purpose]),
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=studio.buffer_minutes),
        status=status,
        created_at=starts_at - timedelta(days=rng.randint(1, 6)),
    )
    if status in (BookingStatus.completed, BookingStatus.checked_in):
        booking.checked_in_at = starts_at + timedelta(minutes=rng.randint(-8, 10))
        booking.checked_in_by_id = user.id
    if status == BookingStatus.cancelled:
        booking.cancelled_at, booking.cancelled_by_id = starts_at - timedelta(days=1), user.id
    session.add(booking)
    session.flush()


def _demo_demand(session, rng, studios, students, today) -> None:
    """Some refused and waitlisted requests, so the report shows unmet demand."""
    queued = set()  # one waiting entry per person, studio and start (a unique index)
    for n in range(12):
        studio = studios[n % 2]
        day = today + timedelta(days=rng.randint(-6, 6))
        start = clock.local_instant(day, 19 * 60)
        if start is None:
            continue
        end = start + timedelta(hours=1)
        user = rng.choice(students)
        session.add(
            BookingRefusal(
                studio_id=studio.id, user_id=user.id, rule="taken", starts_at=start, ends_at=end
            )
        )
        if n % 3 == 0 and day > today and (studio.id, user.id, start) not in queued:
            queued.add((studio.id, user.id, start))
            session.add(
                WaitlistEntry(
                    studio_id=studio.id,
                    user_id=user.id,
                    purpose="personal",
                    starts_at=start,
                    ends_at=end,
                )
            )

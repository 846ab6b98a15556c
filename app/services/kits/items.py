"""Equipment items (administrators), and how many units of each are free for a time.

Units are held by reserved and checked-out reservations over ``[starts_at, ends_at)``;
a kit not yet returned keeps holding its units until it is, so an overdue microphone
is not lent again. The busiest instant of a range is its start or the start of a holder
inside it: the units free are the total less the units held then (the database's
trigger, created in the migration, counts the same way).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.base import utcnow
from app.models.kits import HOLDING_STATUSES, EquipmentItem, ItemCategory, KitReservation, KitStatus
from app.models.studios import Studio
from app.schemas.base import FormValues
from app.schemas.kits import ItemForm
from app.services import clock

HORIZON_DAYS = 3650  # "from now on", for the units an item must keep

CATEGORY_LABELS = {
    ItemCategory.phone: N_("Mobile phone"),
    ItemCategory.ring_light: N_("Ring light"),
    ItemCategory.microphone: N_("Microphone"),
    ItemCategory.sound_card: N_("Sound card"),
    ItemCategory.tripod: N_("Tripod"),
    ItemCategory.sample_stock: N_("Sample stock"),
    ItemCategory.other: N_("Other equipment"),
}


@dataclass
class ItemAvailability:
    item: EquipmentItem
    studio: Studio | None  # None: the shared pool
    free: int


def holds_until(reservation: KitReservation, now: datetime) -> datetime:
    """Until when a reservation holds its units: a kit out past its end holds them still."""
    if reservation.status == KitStatus.checked_out:
        return max(reservation.ends_at, now)
    return reservation.ends_at


def units_held(
    holders: list[KitReservation], starts_at: datetime, ends_at: datetime, now: datetime
) -> int:
    """The most units ``holders`` hold at any one instant of ``[starts_at, ends_at)``."""
    points = {starts_at} | {r.starts_at for r in holders if starts_at < r.starts_at < ends_at}
    return max(
        sum(r.quantity for r in holders if r.starts_at <= p < holds_until(r, now)) for p in points
    )


def holders_of(
    session: Session,
    *,
    item_ids: list[int],
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
) -> dict[int, list[KitReservation]]:
    """Reservations that may hold units of these items during the range, by item."""
    if not item_ids:
        return {}
    query = select(KitReservation).where(
        KitReservation.item_id.in_(item_ids),  # type: ignore[attr-defined]
        KitReservation.status.in_(HOLDING_STATUSES),  # type: ignore[attr-defined]
        KitReservation.starts_at < ends_at,
        or_(KitReservation.ends_at > starts_at, KitReservation.status == KitStatus.checked_out),
    )
    if exclude_id is not None:
        query = query.where(KitReservation.id != exclude_id)
    by_item: dict[int, list[KitReservation]] = defaultdict(list)
    for reservation in session.exec(query).all():
        by_item[reservation.item_id].append(reservation)
    return by_item


def span_to_show(
    *, day: date, minute: int | None, minutes: int, now: datetime | None = None
) -> tuple[datetime, datetime, int]:
    """The UTC range the kits page shows, and its local start minute: without a start
    time, the next whole hour today (09:00 on another day); a skipped local time starts
    when the gap ends."""
    now = now or utcnow()
    if minute is None:
        if day == clock.today(now):
            minute = min(clock.local_minute(now) // 60 * 60 + 60, 23 * 60)
        else:
            minute = 9 * 60
    starts_at = clock.local_instant(day, minute) or clock.boundary_instant(day, minute)
    return starts_at, starts_at + timedelta(minutes=minutes), minute


def availability(
    session: Session,
    *,
    starts_at: datetime,
    ends_at: datetime,
    studio_id: int | None = None,
    now: datetime | None = None,
) -> list[ItemAvailability]:
    """Active items with their free units for the range: the shared pool first, then by
    studio; with ``studio_id``, only that studio's items and the shared pool."""
    now = now or utcnow()
    query = (
        select(EquipmentItem, Studio)
        .join(Studio, Studio.id == EquipmentItem.studio_id, isouter=True)  # type: ignore[arg-type]
        .where(EquipmentItem.is_active == True)  # noqa: E712
        .order_by(Studio.name.nulls_first(), EquipmentItem.category, EquipmentItem.id)  # type: ignore[union-attr]
    )
    if studio_id is not None:
        query = query.where(
            or_(EquipmentItem.studio_id == studio_id, EquipmentItem.studio_id.is_(None))  # type: ignore[union-attr]
        )
    rows = session.exec(query).all()
    held = holders_of(
        session, item_ids=[item.id for item, _ in rows], starts_at=starts_at, ends_at=ends_at
    )
    return [
        ItemAvailability(
            item=item, studio=studio, free=free_units(item, held, starts_at, ends_at, now)
        )
        for item, studio in rows
    ]


def free_units(
    item: EquipmentItem,
    held: dict[int, list[KitReservation]],
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> int:
    """Units of ``item`` nobody holds at any instant of the range."""
    holders = held.get(item.id, [])  # type: ignore[arg-type]
    busy = units_held(holders, starts_at, ends_at, now) if holders else 0
    return max(0, item.quantity_total - busy)


# Built once: the booking form (and every refused press in a rush) lists these.
_OFFERED_WITH_STUDIO = (
    select(EquipmentItem)
    .where(
        EquipmentItem.is_active == True,  # noqa: E712
        or_(
            EquipmentItem.studio_id == bindparam("studio_id"),
            EquipmentItem.studio_id.is_(None),  # type: ignore[union-attr]
        ),
    )
    .order_by(EquipmentItem.studio_id.nulls_last(), EquipmentItem.category, EquipmentItem.id)  # type: ignore[union-attr]
)


def offered_with_studio(session: Session, *, studio_id: int) -> list[EquipmentItem]:
    """Active items lent with a booking of the studio: its own and the shared pool's."""
    return list(session.exec(_OFFERED_WITH_STUDIO, params={"studio_id": studio_id}).all())


def get_item(session: Session, *, item_id: int) -> EquipmentItem:
    item = session.get(EquipmentItem, item_id)
    if item is None:
        raise NotFound("This item does not exist.")
    return item


def list_items(session: Session) -> list[tuple[EquipmentItem, Studio | None]]:
    """Every item, active or not, for the administrators' list."""
    query = (
        select(EquipmentItem, Studio)
        .join(Studio, Studio.id == EquipmentItem.studio_id, isouter=True)  # type: ignore[arg-type]
        .order_by(Studio.name.nulls_first(), EquipmentItem.category, EquipmentItem.id)  # type: ignore[union-attr]
    )
    return list(session.exec(query).all())


def studio_choices(session: Session) -> list[Studio]:
    return list(session.exec(select(Studio).order_by(Studio.name)).all())


def item_form(item: EquipmentItem | None = None) -> FormValues:
    if item is None:
        return ItemForm.initial(category=ItemCategory.phone, quantity_total=1, is_active="1")
    return ItemForm.initial(
        name_zh=item.name_zh,
        name_en=item.name_en,
        category=item.category,
        quantity_total=item.quantity_total,
        studio_id=item.studio_id,
        is_active="1" if item.is_active else "",
    )


def _most_held_from(session: Session, item_id: int, now: datetime) -> int:
    """The most units of the item held at any one instant from now on."""
    horizon = now + timedelta(days=HORIZON_DAYS)
    holders = holders_of(session, item_ids=[item_id], starts_at=now, ends_at=horizon)
    found = holders.get(item_id, [])
    return units_held(found, now, horizon, now) if found else 0


def save_item(
    session: Session, *, form: ItemForm, item_id: int | None = None, now: datetime | None = None
) -> EquipmentItem:
    """Create or update an item; fewer units than are already promised are refused."""
    now = now or utcnow()
    if form.studio_id is not None and session.get(Studio, form.studio_id) is None:
        raise FormErrors({"studio_id": _l("Choose a studio from the list.")})
    item = EquipmentItem(category=form.category, quantity_total=0) if item_id is None else None
    if item is None:
        item = session.exec(
            select(EquipmentItem).where(EquipmentItem.id == item_id).with_for_update()
        ).first()
        if item is None:
            raise NotFound("This item does not exist.")
        held = _most_held_from(session, item.id, now)
        if form.quantity_total < held:
            raise FormErrors(
                {
                    "quantity_total": _l(
                        "%(n)s units are already reserved at one time: keep at least that many.",
                        n=held,
                    )
                }
            )
    item.name_zh = form.name_zh
    item.name_en = form.name_en
    item.category = form.category
    item.quantity_total = form.quantity_total
    item.studio_id = form.studio_id
    item.is_active = form.is_active
    session.add(item)
    session.flush()
    return item


def delete_item(session: Session, *, item_id: int) -> None:
    """Delete an item that was never reserved (one with a history is deactivated)."""
    item = get_item(session, item_id=item_id)
    used = session.exec(select(KitReservation.id).where(KitReservation.item_id == item.id)).first()
    if used is not None:
        raise Conflict("This item has reservations: make it inactive instead of deleting it.")
    session.delete(item)
    session.flush()

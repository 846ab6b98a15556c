"""Reserving kits: alone for a time, or with a studio booking in the same transaction.

The item rows are locked in id order (PostgreSQL: SELECT ... FOR UPDATE; SQLite's write
transaction is already BEGIN IMMEDIATE), the free units counted, and the insert made under
a savepoint; the database's trigger refuses what a check missed, and that refusal reads
like the check's: a message beside the quantity asked for.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.kits import EquipmentItem, KitReservation, KitStatus
from app.models.studios import Booking
from app.schemas.kits import KitChoicesForm, KitReserveForm
from app.services.kits.items import free_units, holders_of
from app.services.pagination import Page, paginate

MAX_HOURS = 12  # a kit goes out for a session, not for the week
ADVANCE_DAYS = 30
OVER_MESSAGE = "kit reservation exceeds the units of the item"
STATUS_LABELS = {
    KitStatus.reserved: N_("Reserved"),
    KitStatus.checked_out: N_("Checked out"),
    KitStatus.returned: N_("Returned"),
    KitStatus.cancelled: N_("Cancelled"),
}
OVERDUE_LABEL = N_("Overdue")
STAFF = (Role.admin, Role.teacher)


@dataclass
class ReservationRow:
    reservation: KitReservation
    item: EquipmentItem
    user: User | None = None

    def status_label(self, now: datetime) -> str:
        if is_overdue(self.reservation, now):
            return OVERDUE_LABEL
        return STATUS_LABELS[KitStatus(self.reservation.status)]


def is_overdue(reservation: KitReservation, now: datetime) -> bool:
    return (
        reservation.status == KitStatus.checked_out
        and reservation.due_at is not None
        and reservation.due_at < now
    )


def is_over_allocation(exc: IntegrityError) -> bool:
    return OVER_MESSAGE in str(exc.orig)


def _not_enough(item: EquipmentItem, free: int) -> object:
    """The refusal shown beside the quantity asked for."""
    if free == 0:
        return _l("None of this item is free at that time.")
    return _l("Only %(n)s of this item are free at that time.", n=free)


def _locked_items(session: Session, item_ids: list[int]) -> dict[int, EquipmentItem]:
    query = (
        select(EquipmentItem)
        .where(EquipmentItem.id.in_(sorted(item_ids)))  # type: ignore[union-attr]
        .order_by(EquipmentItem.id)
        .with_for_update()
    )
    return {item.id: item for item in session.exec(query).all()}  # type: ignore[misc]


def _check_span(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if starts_at < now - timedelta(minutes=5):
        raise FormErrors({"time": _l("This time has passed: choose a later one.")})
    if ends_at - starts_at > timedelta(hours=MAX_HOURS):
        raise FormErrors({"minutes": _l("A kit is lent for at most %(n)s hours.", n=MAX_HOURS)})
    if starts_at > now + timedelta(days=ADVANCE_DAYS):
        raise FormErrors(
            {"date": _l("Kits can be reserved at most %(n)s days ahead.", n=ADVANCE_DAYS)}
        )


def reserve_items(
    session: Session,
    *,
    actor: User,
    wanted: dict[int, int],
    starts_at: datetime,
    ends_at: datetime,
    now: datetime | None = None,
    booking: Booking | None = None,
    field: str | None = None,
) -> list[KitReservation]:
    """Reserve units of each item for the range, all or none (FormErrors on a refusal,
    keyed ``field`` or ``kit_<item id>``)."""
    now = now or utcnow()
    items = _locked_items(session, list(wanted))
    held = holders_of(session, item_ids=list(items), starts_at=starts_at, ends_at=ends_at)
    problems: dict[str, object] = {}
    for item_id, quantity in sorted(wanted.items()):
        key = field or f"kit_{item_id}"
        item = items.get(item_id)
        if item is None or not item.is_active:
            problems[key] = _l("This item cannot be reserved.")
        elif booking is not None and item.studio_id not in (None, booking.studio_id):
            problems[key] = _l("This item is kept in another studio.")
        else:
            free = free_units(item, held, starts_at, ends_at, now)
            if quantity > free:
                problems[key] = _not_enough(item, free)
    if problems:
        raise FormErrors(problems)
    made = []
    for item_id, quantity in sorted(wanted.items()):
        reservation = KitReservation(
            item_id=item_id,
            user_id=actor.id,  # type: ignore[arg-type]
            quantity=quantity,
            starts_at=starts_at,
            ends_at=ends_at,
            booking_id=booking.id if booking is not None else None,
        )
        try:
            with session.begin_nested():
                session.add(reservation)
        except IntegrityError as exc:
            if not is_over_allocation(exc):
                raise
            # the database counted another request's units that the check could not see
            raise FormErrors({field or f"kit_{item_id}": _not_enough(items[item_id], 0)}) from exc
        made.append(reservation)
    return made


def reserve_from_form(
    session: Session, *, actor: User, form: KitReserveForm, now: datetime | None = None
) -> KitReservation:
    """Reserve one item for the form's time, without a studio."""
    now = now or utcnow()
    starts_at, ends_at = form.span()
    _check_span(starts_at, ends_at, now)
    made = reserve_items(
        session,
        actor=actor,
        wanted={form.item_id: form.quantity},
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        field="quantity",
    )
    return made[0]


def reserve_with_booking(
    session: Session,
    *,
    actor: User,
    booking: Booking,
    choices: KitChoicesForm,
    now: datetime | None = None,
) -> list[KitReservation]:
    """The kits asked for with a studio booking, for the booking's own time. Call it in
    the booking's transaction and roll both back on FormErrors: all or nothing."""
    wanted = choices.wanted()
    if not wanted:
        return []
    return reserve_items(
        session,
        actor=actor,
        wanted=wanted,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        now=now,
        booking=booking,
    )


def _row_query():
    return (
        select(KitReservation, EquipmentItem, User)
        .join(
            EquipmentItem,
            EquipmentItem.id == KitReservation.item_id,  # type: ignore[arg-type]
        )
        .join(User, User.id == KitReservation.user_id)
    )  # type: ignore[arg-type]


def get_reservation(session: Session, *, reservation_id: int, viewer: User) -> KitReservation:
    """A reservation its owner or staff may act on; anyone else is told it does not exist."""
    reservation = session.get(KitReservation, reservation_id)
    if reservation is None or (reservation.user_id != viewer.id and viewer.role not in STAFF):
        raise NotFound("This kit reservation does not exist.")
    return reservation


def cancel_reservation(
    session: Session, *, reservation_id: int, actor: User, now: datetime | None = None
) -> KitReservation:
    """Cancel a reservation not yet handed out (its owner, or staff)."""
    reservation = get_reservation(session, reservation_id=reservation_id, viewer=actor)
    if reservation.status != KitStatus.reserved:
        raise Conflict("Only a kit not yet handed out can be cancelled.")
    reservation.status = KitStatus.cancelled
    reservation.cancelled_at = now or utcnow()
    session.add(reservation)
    session.flush()
    return reservation


def my_reservations(
    session: Session, *, user: User, page: int, per_page: int
) -> Page[ReservationRow]:
    """The user's kit reservations, latest start first."""
    query = (
        _row_query()
        .where(KitReservation.user_id == user.id)
        .order_by(KitReservation.starts_at.desc(), KitReservation.id.desc())  # type: ignore[attr-defined]
    )
    rows, total = paginate(session, query, page=page, per_page=per_page)
    items = [ReservationRow(r, item, owner) for r, item, owner in rows]
    return Page(items=items, total=total, number=page, per_page=per_page, base_path="/kits/mine")

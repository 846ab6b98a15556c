"""The kit desk (teachers and administrators): a day's handouts and returns, with the
condition of each kit as it leaves and comes back, and the kits out past their due time."""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session

from app.errors import Conflict
from app.models import User
from app.models.base import utcnow
from app.models.kits import KitReservation, KitStatus
from app.services import clock
from app.services.kits.reservations import ReservationRow, _row_query, get_reservation
from app.services.pagination import Page, paginate

CHECKOUT_LEAD = timedelta(hours=1)  # a kit may be collected up to an hour before its time


def desk_day(session: Session, *, day: date) -> list[ReservationRow]:
    """Kits to hand out on the local day, and every kit still out."""
    starts, ends = clock.day_start(day), clock.day_start(day + timedelta(days=1))
    query = (
        _row_query()
        .where(
            or_(
                and_(
                    KitReservation.status == KitStatus.reserved,
                    KitReservation.starts_at < ends,
                    KitReservation.ends_at > starts,
                ),
                KitReservation.status == KitStatus.checked_out,
                and_(
                    KitReservation.status == KitStatus.returned,
                    KitReservation.returned_at >= starts,  # type: ignore[operator]
                    KitReservation.returned_at < ends,  # type: ignore[operator]
                ),
            )
        )
        .order_by(KitReservation.starts_at, KitReservation.id)
    )
    return [ReservationRow(r, item, user) for r, item, user in session.exec(query).all()]


def check_out(
    session: Session, *, reservation_id: int, actor: User, note: str, now: datetime | None = None
) -> KitReservation:
    """Hand a reserved kit out, noting its condition; it is due back at its end."""
    now = now or utcnow()
    reservation = get_reservation(session, reservation_id=reservation_id, viewer=actor)
    if reservation.status != KitStatus.reserved:
        raise Conflict("Only a reserved kit can be handed out.")
    if now < reservation.starts_at - CHECKOUT_LEAD:
        raise Conflict("This kit can be handed out from an hour before its time.")
    if now >= reservation.ends_at:
        raise Conflict("This reservation has ended: reserve the kit again.")
    reservation.status = KitStatus.checked_out
    reservation.checked_out_at = now
    reservation.checked_out_by_id = actor.id
    reservation.checkout_note = note
    reservation.due_at = reservation.ends_at
    session.add(reservation)
    session.flush()
    return reservation


def return_kit(
    session: Session,
    *,
    reservation_id: int,
    actor: User,
    note: str,
    damaged: bool,
    now: datetime | None = None,
) -> KitReservation:
    """Take a kit back, noting its condition and whether it came back damaged."""
    reservation = get_reservation(session, reservation_id=reservation_id, viewer=actor)
    if reservation.status != KitStatus.checked_out:
        raise Conflict("Only a kit that is out can be returned.")
    reservation.status = KitStatus.returned
    reservation.returned_at = now or utcnow()
    reservation.returned_by_id = actor.id
    reservation.return_note = note
    reservation.damaged = damaged
    session.add(reservation)
    session.flush()
    return reservation


def overdue(
    session: Session, *, page: int, per_page: int, now: datetime | None = None
) -> Page[ReservationRow]:
    """Kits out past their due time and not returned, longest overdue first."""
    now = now or utcnow()
    query = (
        _row_query()
        .where(
            KitReservation.status == KitStatus.checked_out,
            KitReservation.due_at < now,  # type: ignore[operator]
        )
        .order_by(KitReservation.due_at, KitReservation.id)
    )
    rows, total = paginate(session, query, page=page, per_page=per_page)
    items = [ReservationRow(r, item, user) for r, item, user in rows]
    return Page(items=items, total=total, number=page, per_page=per_page, base_path="/kits/overdue")

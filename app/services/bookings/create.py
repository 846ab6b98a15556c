"""Making a booking: every rule in ``rules`` must allow it; the insert itself is guarded
by the database's overlap constraint. On SQLite the request's write session starts with
BEGIN IMMEDIATE, so the overlap check and the insert are one serialised transaction.
A refusal may suggest the next free slot, and refusals that show unmet demand are kept
for the utilisation report.
"""

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingRefusal, BookingStatus, Studio
from app.schemas.bookings import BookingForm
from app.services.bookings import offers
from app.services.bookings.rules import (
    DEMAND_RULES,
    BookingRefused,
    apply_due_statuses,
    check_purpose,
    check_rules,
    check_team,
    may_decide,
    taken_refusal,
)
from app.services.bookings.slots import next_free_slot
from app.services.studios import get_studio, studio_hours

NEXT_FREE_RULES = frozenset({"taken", "buffer", "blackout", "closed", "past"})


def _is_overlap_error(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23P01" or "overlaps an active booking" in str(orig)


def insert_booking(session: Session, booking: Booking, studio: Studio) -> Booking:
    """Insert under a savepoint; the database's overlap guard becomes a 'taken' refusal."""
    try:
        with session.begin_nested():
            session.add(booking)
    except IntegrityError as exc:
        if not _is_overlap_error(exc):
            raise
        raise taken_refusal(studio, booking.starts_at, booking.ends_at, None) from exc
    return booking


def create_booking(
    session: Session,
    *,
    actor: User,
    studio_id: int,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    title: str = "",
    now: datetime | None = None,
    series_id: int | None = None,
    check_quota: bool = True,
    suggest: bool = True,
    team_id: int | None = None,
) -> Booking:
    """Book a studio if every rule allows; pending when the studio needs approval."""
    now = now or utcnow()
    studio = get_studio(session, studio_id=studio_id)
    check_team(session, user=actor, purpose=purpose, team_id=team_id)
    apply_due_statuses(session, now=now, studio_id=studio.id)  # a no-show frees its room
    offers.release_due_offers(session, now=now, studio_id=studio.id)  # so does a lapsed offer
    hours = studio_hours(session, studio_id=studio.id)
    try:
        check_rules(
            session,
            studio=studio,
            user=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            now=now,
            hours=hours,
            check_quota=check_quota,
            team_id=team_id,
        )
        needs_approval = studio.requires_approval and not may_decide(actor, studio)
        booking = Booking(
            studio_id=studio.id,
            user_id=actor.id,
            purpose=purpose,
            title=title.strip()[:200],
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=ends_at + timedelta(minutes=studio.buffer_minutes),
            status=BookingStatus.pending if needs_approval else BookingStatus.approved,
            series_id=series_id,
            team_id=team_id,
            decided_by_id=None if needs_approval else actor.id,
            decided_at=None if needs_approval else now,
        )
        return insert_booking(session, booking, studio)
    except BookingRefused as refusal:
        if suggest and refusal.rule in NEXT_FREE_RULES:
            refusal.next_free = next_free_slot(
                session,
                studio=studio,
                hours=hours,
                after=max(starts_at, now),
                minutes=round((ends_at - starts_at).total_seconds() / 60),
                now=now,
            )
        raise


def book_from_form(
    session: Session, *, actor: User, studio_id: int, form: BookingForm, now: datetime | None = None
) -> Booking:
    """Book what the form asks for (FormErrors or BookingRefused on failure)."""
    studio = get_studio(session, studio_id=studio_id)
    check_purpose(actor, form.purpose)
    starts_at, ends_at = form.span()
    return create_booking(
        session,
        actor=actor,
        studio_id=studio.id,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=form.purpose,
        title=form.title,
        now=now,
        team_id=form.team_id,
    )


def record_refusal(session: Session, *, refusal: BookingRefused, user: User) -> None:
    """Keep a refusal that shows unmet demand (call after rolling the booking back)."""
    if refusal.rule not in DEMAND_RULES:
        return
    session.add(
        BookingRefusal(
            studio_id=refusal.studio_id,
            user_id=user.id,
            rule=refusal.rule,
            starts_at=refusal.starts_at,
            ends_at=refusal.ends_at,
        )
    )
    session.flush()

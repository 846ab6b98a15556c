"""The waitlist: queue for a taken slot; when it frees up, the first in line whose rules
still allow it gets an offer held for them (``offers``)."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, NotFound
from app.i18n import N_
from app.models import User
from app.models.base import utcnow
from app.models.studios import WaitlistEntry, WaitlistStatus
from app.schemas.bookings import BookingForm
from app.services.bookings import offers
from app.services.bookings import rules as booking_service
from app.services.studios import get_studio

ALREADY_WAITING = N_("You are already on the waitlist for this time.")
# The partial unique index, as PostgreSQL and SQLite name it in their errors.
WAITING_ONCE = "ix_booking_waitlist_waiting_once"
SQLITE_WAITING_ONCE = "booking_waitlist.user_id, booking_waitlist.studio_id"


def join_waitlist(
    session: Session, *, actor: User, studio_id: int, form: BookingForm, now=None
) -> WaitlistEntry:
    """Queue for a slot that is taken; refused when it is free or another rule forbids it."""
    now = now or utcnow()
    studio = get_studio(session, studio_id=studio_id)
    booking_service.check_purpose(actor, form.purpose)
    (starts_at, ends_at), purpose, team_id = form.span(), form.purpose, form.team_id
    booking_service.check_team(session, user=actor, purpose=purpose, team_id=team_id)
    booking_service.apply_due_statuses(session, now=now, studio_id=studio.id)
    offers.release_due_offers(session, now=now, studio_id=studio.id)
    try:
        booking_service.check_rules(
            session,
            studio=studio,
            user=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            now=now,
            team_id=team_id,
        )
    except booking_service.BookingRefused as refusal:
        if not refusal.waitable:
            raise
    else:
        raise Conflict("This time is free: book it instead of queueing.")
    duplicate = session.exec(
        select(WaitlistEntry.status).where(
            WaitlistEntry.user_id == actor.id,
            WaitlistEntry.studio_id == studio.id,
            WaitlistEntry.starts_at == starts_at,
            WaitlistEntry.status.in_((WaitlistStatus.waiting, WaitlistStatus.offered)),
        )
    ).first()
    if duplicate == WaitlistStatus.offered:
        raise Conflict("This time is already held for you: accept the offer in My bookings.")
    if duplicate is not None:
        raise Conflict(ALREADY_WAITING)
    entry = WaitlistEntry(
        studio_id=studio.id,
        user_id=actor.id,
        purpose=purpose,
        title=form.title,
        starts_at=starts_at,
        ends_at=ends_at,
        team_id=team_id,
    )
    try:
        with session.begin_nested():  # a request racing this one may have queued first
            session.add(entry)
    except IntegrityError as exc:
        if WAITING_ONCE not in str(exc.orig) and SQLITE_WAITING_ONCE not in str(exc.orig):
            raise
        raise Conflict(ALREADY_WAITING) from exc
    return entry


def leave_waitlist(session: Session, *, entry_id: int, actor: User, now=None) -> None:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound("This waitlist entry does not exist.")
    if entry.user_id != actor.id:
        raise Forbidden("This waitlist entry is not yours.")
    if entry.status != WaitlistStatus.waiting:
        raise Conflict("You are no longer waiting for this time.")
    entry.status, entry.resolved_at = WaitlistStatus.left, now or utcnow()
    session.add(entry)
    session.flush()


def expire_waitlist(session: Session, *, now: datetime | None = None) -> int:
    """Entries whose slot has started without freeing up (written by `tick`)."""
    now = now or utcnow()
    result = session.exec(
        update(WaitlistEntry)
        .where(WaitlistEntry.status == WaitlistStatus.waiting, WaitlistEntry.starts_at <= now)
        .values(status=WaitlistStatus.expired, resolved_at=now)
    )
    return result.rowcount or 0


def effective_waitlist_status(entry: WaitlistEntry, now: datetime | None = None) -> str:
    now = now or utcnow()
    if entry.status == WaitlistStatus.waiting and entry.starts_at <= now:
        return WaitlistStatus.expired
    return entry.status

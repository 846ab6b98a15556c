"""Waitlist offers: when a slot frees up, the first in line whose rules allow it gets the
time held for them, and nobody else may take it until they accept, decline or the hold ends.

An offer is a booking in status "offered" that counts as active, so the database's overlap
guard (the PostgreSQL exclusion constraint, the SQLite trigger) refuses anyone else the
time, whatever Python checked. The hold lasts the studio's ``offer_hold_minutes`` but ends
at the latest when check-in opens (``booking_checkin_before_minutes`` before the start), so
an accepted booking can still be checked in on time; with under ``MIN_HOLD`` left, no
offer is made and the time is simply free. Accepting checks the student's rules again and
turns the hold into their booking (approved, or pending where the studio needs approval).
Declining, or a hold running out, deletes the hold (it never was a booking: the waitlist
entry keeps the history) and offers the time to the next in line.

Nothing needs cron: pages leave out holds whose time is up, every booking, waitlist and
offer action first releases the studio's holds that are due (``release_due_offers``),
and `tick` releases them all.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.config import settings
from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingStatus, Studio, WaitlistEntry, WaitlistStatus
from app.services import notifications as notification_service
from app.services.bookings import create
from app.services.bookings import rules as booking_rules

MIN_HOLD = timedelta(minutes=5)  # a shorter offer could not be acted on


def offer_deadline(studio: Studio, starts_at: datetime, now: datetime) -> datetime | None:
    """When an offer made ``now`` ends: the studio's hold, but no later than check-in opens;
    None when less than ``MIN_HOLD`` would be left."""
    latest = starts_at - timedelta(minutes=settings.booking_checkin_before_minutes)
    deadline = min(now + timedelta(minutes=studio.offer_hold_minutes), latest)
    return deadline if deadline - now >= MIN_HOLD else None


def make_offer(
    session: Session, *, studio: Studio, entry: WaitlistEntry, user: User, now: datetime
) -> Booking | None:
    """Hold the entry's time for its user, if their rules allow it and there is time to
    answer, and tell them (the one place an offer is made)."""
    deadline = offer_deadline(studio, entry.starts_at, now)
    if deadline is None or not user.is_active:
        return None
    try:
        booking_rules.check_team(session, user=user, purpose=entry.purpose, team_id=entry.team_id)
        booking_rules.check_rules(
            session,
            studio=studio,
            user=user,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            purpose=entry.purpose,
            now=now,
            team_id=entry.team_id,
        )
        booking = Booking(
            studio_id=studio.id,
            user_id=user.id,
            purpose=entry.purpose,
            title=entry.title,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            blocked_until=entry.ends_at + timedelta(minutes=studio.buffer_minutes),
            status=BookingStatus.offered,
            team_id=entry.team_id,
            offer_expires_at=deadline,
        )
        create.insert_booking(session, booking, studio)
    except (booking_rules.BookingRefused, FormErrors):
        return None  # their rules no longer allow it (or the time is still partly taken)
    entry.status, entry.booking_id, entry.offered_at = WaitlistStatus.offered, booking.id, now
    session.add(entry)
    session.flush()
    notification_service.waitlist_offered(
        session, user_id=user.id, studio=studio, starts_at=entry.starts_at, expires_at=deadline
    )
    return booking


def offer_freed(
    session: Session,
    *,
    studio: Studio,
    starts_at: datetime,
    blocked_until: datetime,
    now: datetime | None = None,
) -> list[Booking]:
    """Offer a freed range to its waitlist, first come first served; returns the offers."""
    now = now or utcnow()
    entries = session.exec(
        select(WaitlistEntry, User)
        .join(User, User.id == WaitlistEntry.user_id)
        .where(
            WaitlistEntry.studio_id == studio.id,
            WaitlistEntry.status == WaitlistStatus.waiting,
            WaitlistEntry.starts_at < blocked_until,
            WaitlistEntry.ends_at > starts_at,
            WaitlistEntry.starts_at > now,
        )
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    offers = []
    for entry, user in entries:
        offer = make_offer(session, studio=studio, entry=entry, user=user, now=now)
        if offer is not None:
            offers.append(offer)
    return offers


def _release(
    session: Session, *, entry: WaitlistEntry, hold: Booking, studio: Studio, outcome, now
) -> None:
    """End an offer (declined or lapsed) and offer its time to the next in line."""
    starts_at, blocked_until = hold.starts_at, hold.blocked_until
    entry.status, entry.booking_id, entry.resolved_at = outcome, None, now
    session.add(entry)
    session.delete(hold)
    session.flush()
    offer_freed(session, studio=studio, starts_at=starts_at, blocked_until=blocked_until, now=now)


_DUE = (
    select(WaitlistEntry, Booking, Studio)
    .join(Booking, Booking.id == WaitlistEntry.booking_id)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(WaitlistEntry.status == WaitlistStatus.offered, Booking.status == BookingStatus.offered)
    .order_by(Booking.offer_expires_at, Booking.id)
)


def release_due_offers(
    session: Session, *, now: datetime | None = None, studio_id: int | None = None
) -> int:
    """Let the offers whose hold has ended lapse, passing each time on; how many lapsed."""
    now = now or utcnow()
    query = _DUE.where(Booking.offer_expires_at <= now)
    if studio_id is not None:
        query = query.where(Booking.studio_id == studio_id)
    rows = session.exec(query).all()
    for entry, hold, studio in rows:
        _release(
            session, entry=entry, hold=hold, studio=studio, outcome=WaitlistStatus.lapsed, now=now
        )
    return len(rows)


def _open_offer(session: Session, *, entry_id: int, actor: User, now: datetime):
    """The actor's offer that is still open: (entry, hold, studio), or a domain error."""
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound("This waitlist entry does not exist.")
    if entry.user_id != actor.id:
        raise Forbidden("This waitlist entry is not yours.")
    release_due_offers(session, now=now, studio_id=entry.studio_id)
    if entry.status == WaitlistStatus.lapsed:
        raise Conflict("The hold on this offer ended; the time went to the next in line.")
    if entry.status != WaitlistStatus.offered or entry.booking_id is None:
        raise Conflict("This offer is no longer open.")
    hold = session.get(Booking, entry.booking_id)
    return entry, hold, session.get(Studio, entry.studio_id)


def accept_offer(
    session: Session, *, entry_id: int, actor: User, now: datetime | None = None
) -> Booking:
    """Take an offer: the student's rules are checked again, then the hold is their booking."""
    now = now or utcnow()
    entry, hold, studio = _open_offer(session, entry_id=entry_id, actor=actor, now=now)
    booking_rules.check_team(session, user=actor, purpose=hold.purpose, team_id=hold.team_id)
    needs_approval = studio.requires_approval and not booking_rules.may_decide(actor, studio)
    with session.begin_nested():  # a refusal rolls back to the hold, still offered
        hold.status = BookingStatus.cancelled  # out of the way of its own checks (clash, quota)
        session.add(hold)
        session.flush()
        booking_rules.check_rules(
            session,
            studio=studio,
            user=actor,
            starts_at=hold.starts_at,
            ends_at=hold.ends_at,
            purpose=hold.purpose,
            now=now,
            team_id=hold.team_id,
        )
        hold.status = BookingStatus.pending if needs_approval else BookingStatus.approved
        hold.decided_by_id = None if needs_approval else actor.id
        hold.decided_at = None if needs_approval else now
        hold.offer_expires_at = None
        session.add(hold)
        session.flush()
    entry.status, entry.resolved_at = WaitlistStatus.accepted, now
    session.add(entry)
    session.flush()
    return hold


def decline_offer(
    session: Session, *, entry_id: int, actor: User, now: datetime | None = None
) -> None:
    """Turn an offer down: the time goes to the next in line at once."""
    now = now or utcnow()
    entry, hold, studio = _open_offer(session, entry_id=entry_id, actor=actor, now=now)
    _release(
        session, entry=entry, hold=hold, studio=studio, outcome=WaitlistStatus.declined, now=now
    )

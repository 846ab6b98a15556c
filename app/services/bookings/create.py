"""Making a booking: every rule in ``rules`` must allow it; the insert itself is guarded
by the database's overlap constraint. On SQLite the request's write session starts with
BEGIN IMMEDIATE, so the overlap check and the insert are one serialised transaction.
A refusal may suggest the next free slot, and refusals that show unmet demand are kept
for the utilisation report.
"""

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.config import settings
from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingRefusal, BookingStatus, Studio
from app.schemas.bookings import BookingForm
from app.services.bookings import kept, offers
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
# Refusals that writing the due statuses or lapsing offers cannot change: decided on a
# read snapshot, they need no write lock (see foresee_refusal). "taken" and "buffer"
# only while the clashing booking still holds the room as of now.
CERTAIN_RULES = frozenset(
    {"inactive", "purpose", "suspended", "past", "length", "advance", "closed", "closed_day"}
    | {"hours", "grid", "blackout", "taken", "buffer"}
)


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
    press: kept.KeptPress | None = None,
) -> Booking:
    """Book a studio if every rule allows; pending when the studio needs approval.
    ``press``: the studio's kept press, read in this transaction (``kept.kept_press``)."""
    now = now or utcnow()
    studio = get_studio(session, studio_id=studio_id) if press is None else press.studio
    check_team(session, user=actor, purpose=purpose, team_id=team_id)
    apply_due_statuses(session, now=now, studio_id=studio.id)  # a no-show frees its room
    offers.release_due_offers(session, now=now, studio_id=studio.id)  # so does a lapsed offer
    hours = studio_hours(session, studio_id=studio.id) if press is None else press.hours
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
            strikes_since=None if press is None else press.term_start,
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


def foresee_refusal(
    session: Session,
    *,
    actor: User,
    studio_id: int,
    form: BookingForm,
    now: datetime | None = None,
    press: kept.KeptPress | None = None,
) -> BookingRefused | None:
    """The refusal a booking would certainly meet, read without writing; None when it may
    succeed or the answer depends on what the write path changes first.

    When a week's booking opens, hundreds press at once for the same few slots and most
    are refused. On SQLite every booking attempt holds the database's one write lock from
    its first statement to its commit; deciding the certain refusals on a read session
    leaves the lock to the attempts that can succeed (each checks everything again).
    What is the same for every press of the studio (``press``: the studio, its hours, the
    term, the next free times) is kept (``kept.kept_press``); the booker's own rows, and
    the teams the form showing the refusal lists (``press.teams``), are read in one
    statement (``check_rules``)."""
    now = now or utcnow()
    press = press or kept.kept_press(session, studio_id=studio_id, now=now)
    studio, hours, teams = press.studio, press.hours, []
    check_purpose(actor, form.purpose)
    (starts_at, ends_at), purpose, team_id = form.span(), form.purpose, form.team_id
    check_team(session, user=actor, purpose=purpose, team_id=team_id)
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
            team_id=team_id,
            strikes_since=press.term_start,
            team_choices=teams,
        )
    except BookingRefused as refusal:
        press.teams = teams  # the form showing the refusal lists them
        if refusal.rule not in CERTAIN_RULES:
            return None
        if refusal.rule in ("taken", "buffer") and not _clash_holds(refusal.near, now):
            return None  # the clash is due to end (a no-show, a lapsed offer): write first
        if refusal.rule in NEXT_FREE_RULES:
            refusal.next_free = press.next_free_slot(
                session,
                after=max(starts_at, now),
                minutes=round((ends_at - starts_at).total_seconds() / 60),
                now=now,
            )
        return refusal
    return None


def _clash_holds(near: list, now: datetime) -> bool:
    """Whether every booking near the time (as the clash check read them) still holds the
    room as of ``now``: none is a no-show, an expired request or a lapsed offer that is
    not written yet."""
    cutoff = now - timedelta(minutes=settings.booking_checkin_after_minutes)
    for booking in near:
        if booking.status == BookingStatus.approved and booking.starts_at < cutoff:
            return False
        if booking.status == BookingStatus.pending and booking.starts_at <= now:
            return False
        if booking.status == BookingStatus.offered and (booking.offer_expires_at or now) <= now:
            return False
    return True


def book_from_form(
    session: Session, *, actor: User, studio_id: int, form: BookingForm, now: datetime | None = None
) -> Booking:
    """Book what the form asks for (FormErrors or BookingRefused on failure).

    The studio, its hours and the term come from the kept press, its token read in this
    transaction (on SQLite, under the write lock): three statements fewer per press."""
    now = now or utcnow()
    press = kept.kept_press(session, studio_id=studio_id, now=now)
    studio = press.studio
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
        press=press,
    )


def record_refusal(session: Session, *, refusal: BookingRefused, user: User) -> None:
    """Keep a refusal that shows unmet demand (call after rolling the booking back)."""
    if refusal.rule not in DEMAND_RULES:
        return
    # A plain INSERT, not a flushed object: in a rush hundreds are written, each while
    # holding SQLite's write lock.
    session.exec(
        _RECORD_REFUSAL,
        params={
            "studio_id": refusal.studio_id,
            "user_id": user.id,
            "rule": refusal.rule,
            "starts_at": refusal.starts_at,
            "ends_at": refusal.ends_at,
            "created_at": utcnow(),
        },
    )


_RECORD_REFUSAL = insert(BookingRefusal)

"""A booking's life: pending → approved / rejected → checked-in → completed; cancelled;
no-show when nobody checks in by the end of the check-in window.

Who may do what is checked here: the booker cancels their own booking until it starts;
an administrator cancels any, any time, with a reason; the studio's approver (or an
administrator) approves and rejects; the booker or the approver checks in.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.config import settings
from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import Booking, BookingStatus, Studio
from app.models.teams import LiveSession, Team, TeamMember
from app.services import notifications as notification_service
from app.services.bookings import door_codes, offers
from app.services.bookings import waitlist as waitlist_service
from app.services.bookings.rules import apply_due_statuses, effective_status, may_decide


@dataclass
class BookingView:
    """A booking with its studio and booker, its status as of now and what the viewer may do."""

    booking: Booking
    studio: Studio
    booker: User
    status: str
    can_cancel: bool = False
    can_check_in: bool = False
    can_decide: bool = False
    needs_door_code: bool = False  # the booker checks in by scanning the code at the door
    needs_reason: bool = False  # an administrator cancelling someone else's booking
    team: Team | None = None
    live_session: LiveSession | None = None


def checkin_window(booking: Booking) -> tuple[datetime, datetime]:
    return (
        booking.starts_at - timedelta(minutes=settings.booking_checkin_before_minutes),
        booking.starts_at + timedelta(minutes=settings.booking_checkin_after_minutes),
    )


def describe(booking: Booking, studio: Studio, booker: User, viewer: User, now=None) -> BookingView:
    """What ``viewer`` sees of a booking and may do with it."""
    now = now or utcnow()
    status = effective_status(booking, now)
    own = booking.user_id == viewer.id
    admin = viewer.role == Role.admin
    decider = may_decide(viewer, studio)
    opens, closes = checkin_window(booking)
    view = BookingView(booking, studio, booker, status)
    if status in (BookingStatus.pending, BookingStatus.approved):
        view.can_cancel = admin or (own and now < booking.starts_at)
        view.needs_reason = admin and not own
    view.can_check_in = (
        status == BookingStatus.approved and (own or decider) and opens <= now <= closes
    )
    view.needs_door_code = not decider
    view.can_decide = status == BookingStatus.pending and decider
    return view


def _load(session: Session, booking_id: int) -> tuple[Booking, Studio, User]:
    row = session.exec(
        select(Booking, Studio, User)
        .join(Studio, Studio.id == Booking.studio_id)
        .join(User, User.id == Booking.user_id)
        .where(Booking.id == booking_id)
    ).first()
    if row is None:
        raise NotFound("This booking does not exist.")
    return row


def _in_team(session: Session, team_id: int | None, viewer: User) -> bool:
    if team_id is None:
        return False
    return (
        session.exec(
            select(TeamMember.id).where(
                TeamMember.team_id == team_id,
                TeamMember.user_id == viewer.id,
                TeamMember.left_on.is_(None),  # type: ignore[union-attr]
            )
        ).first()
        is not None
    )


def get_booking(session: Session, *, booking_id: int, viewer: User, now=None) -> BookingView:
    """A booking its booker, a current member of its team, staff or its approver may see."""
    booking, studio, booker = _load(session, booking_id)
    if not (
        booking.user_id == viewer.id
        or viewer.role == Role.admin
        or may_decide(viewer, studio)
        or viewer.role == Role.teacher
        or _in_team(session, booking.team_id, viewer)
    ):
        raise Forbidden("This booking is not yours.")
    view = describe(booking, studio, booker, viewer, now)
    if booking.team_id is not None:
        view.team = session.get(Team, booking.team_id)
    if booking.live_session_id is not None:
        view.live_session = session.get(LiveSession, booking.live_session_id)
    return view


def cancel_booking(
    session: Session, *, booking_id: int, actor: User, reason: str = "", now=None
) -> Booking:
    """Cancel: the booker until the start, an administrator any time with a reason."""
    now = now or utcnow()
    booking, studio, booker = _load(session, booking_id)
    if booking.user_id != actor.id and actor.role != Role.admin:
        raise Forbidden("This booking is not yours.")
    view = describe(booking, studio, booker, actor, now)
    if not view.can_cancel:
        if view.status in (BookingStatus.pending, BookingStatus.approved):
            raise Conflict("A booking can be cancelled only until it starts.")
        raise Conflict("This booking can no longer be cancelled.")
    reason = reason.strip()
    if view.needs_reason and not reason:
        raise FormErrors({"reason": _l("Give a reason: the booker will see it.")})
    booking.status = BookingStatus.cancelled
    booking.cancelled_by_id = actor.id
    booking.cancelled_at = now
    booking.cancel_reason = reason
    session.add(booking)
    session.flush()
    notification_service.booking_changed(session, booking=booking, studio=studio, actor=actor)
    _offer_to_waitlist(session, studio, booking, now)
    return booking


def _offer_to_waitlist(session: Session, studio: Studio, freed: Booking, now) -> None:
    offers.offer_freed(
        session,
        studio=studio,
        starts_at=freed.starts_at,
        blocked_until=freed.blocked_until,
        now=now,
    )


def approve_booking(session: Session, *, booking_id: int, actor: User, now=None) -> Booking:
    now = now or utcnow()
    booking, studio, booker = _load(session, booking_id)
    view = describe(booking, studio, booker, actor, now)
    if not may_decide(actor, studio):
        raise Forbidden("Only the studio's approver or an administrator decides on bookings.")
    if not view.can_decide:
        raise Conflict("This booking is no longer waiting for a decision.")
    booking.status = BookingStatus.approved
    booking.decided_by_id, booking.decided_at = actor.id, now
    session.add(booking)
    session.flush()
    notification_service.booking_changed(session, booking=booking, studio=studio, actor=actor)
    return booking


def reject_booking(
    session: Session, *, booking_id: int, actor: User, reason: str, now=None
) -> Booking:
    now = now or utcnow()
    booking, studio, booker = _load(session, booking_id)
    view = describe(booking, studio, booker, actor, now)
    if not may_decide(actor, studio):
        raise Forbidden("Only the studio's approver or an administrator decides on bookings.")
    if not view.can_decide:
        raise Conflict("This booking is no longer waiting for a decision.")
    reason = reason.strip()
    if not reason:
        raise FormErrors({"reason": _l("Give a reason: the booker will see it.")})
    booking.status = BookingStatus.rejected
    booking.decided_by_id, booking.decided_at = actor.id, now
    booking.decision_reason = reason
    session.add(booking)
    session.flush()
    notification_service.booking_changed(session, booking=booking, studio=studio, actor=actor)
    _offer_to_waitlist(session, studio, booking, now)
    return booking


def check_in(
    session: Session, *, booking_id: int, actor: User, door_code: str | None = None, now=None
) -> Booking:
    """Check in from 10 minutes before to 15 after the start: the booker with the code of
    the studio's door (scanned from its QR), or the studio's approver or an administrator
    for anyone, without one."""
    now = now or utcnow()
    booking, studio, booker = _load(session, booking_id)
    staff = may_decide(actor, studio)
    if booking.user_id != actor.id and not staff:
        raise Forbidden("This booking is not yours.")
    if not staff and not door_codes.is_valid(studio.id, door_code, now):
        raise Forbidden(
            "Check in by scanning the QR code at the studio's door: it proves you are there."
        )
    view = describe(booking, studio, booker, actor, now)
    if view.status != BookingStatus.approved:
        raise Conflict("Only an approved booking can be checked in.")
    if not view.can_check_in:
        before = settings.booking_checkin_before_minutes
        after = settings.booking_checkin_after_minutes
        raise Conflict(
            "Check-in is open from %(before)s minutes before to %(after)s minutes after the start.",
            before=before,
            after=after,
        )
    booking.status = BookingStatus.checked_in
    booking.checked_in_at, booking.checked_in_by_id = now, actor.id
    session.add(booking)
    session.flush()
    return booking


def current_booking_for_checkin(
    session: Session, *, studio_id: int, user: User, now=None
) -> BookingView | None:
    """The scanning user's own booking of this studio whose check-in window is open now."""
    now = now or utcnow()
    studio = session.get(Studio, studio_id)
    if studio is None:
        raise NotFound("This studio does not exist.")
    before = timedelta(minutes=settings.booking_checkin_before_minutes)
    after = timedelta(minutes=settings.booking_checkin_after_minutes)
    rows = session.exec(
        select(Booking)
        .where(
            Booking.studio_id == studio_id,
            Booking.user_id == user.id,
            Booking.status.in_((BookingStatus.approved, BookingStatus.checked_in)),
            Booking.starts_at <= now + before,
            Booking.ends_at > now,
        )
        .order_by(Booking.starts_at)
    ).all()
    for booking in rows:
        if booking.status == BookingStatus.checked_in or booking.starts_at + after >= now:
            return describe(booking, studio, user, user, now)
    return None


def tick(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Write what time has decided (offers whose hold ended pass on; no-shows, completed,
    expired requests and waitlists)."""
    now = now or utcnow()
    return {
        "offers": offers.release_due_offers(session, now=now),
        "bookings": apply_due_statuses(session, now=now),
        "waitlist": waitlist_service.expire_waitlist(session, now=now),
    }

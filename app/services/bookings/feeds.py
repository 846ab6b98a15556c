"""ICS feeds (RFC 5545): one per user, studio and team, each by a secret token.

Times are written in the college's zone with its VTIMEZONE, so a calendar shows 10:00 as
10:00 wherever the phone is; every event keeps one UID for life and raises its SEQUENCE
when it changes; a cancelled or refused booking stays in the feed as STATUS:CANCELLED so
that subscribed calendars drop it instead of keeping a stale copy. A user's feed also
carries the live sessions of their teams; a team's feed its sessions and bookings.

A studio's feed has two addresses. Staff get one with each booking's purpose and note;
students get one that shows only when the studio is busy, never what others booked it
for (the same as the week page shows them)."""

import secrets
from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import and_, delete, or_
from sqlmodel import Session, select

from app.config import settings
from app.errors import NotFound
from app.i18n import gettext, locale_active
from app.models import User
from app.models.base import utcnow
from app.models.studios import ACTIVE_STATUSES, Booking, BookingStatus, CalendarFeed, Studio
from app.models.teams import LiveSession, SessionStatus, Team, TeamMember
from app.services import clock
from app.services.bookings import grid
from app.services.bookings.rules import PURPOSE_LABELS

PAST_DAYS, FUTURE_DAYS = 60, 200
CALLED_OFF = (BookingStatus.rejected, BookingStatus.cancelled)
ICS_STATUS = {
    BookingStatus.pending: "TENTATIVE",
    BookingStatus.offered: "TENTATIVE",  # held for its booker until they accept
    BookingStatus.rejected: "CANCELLED",
    BookingStatus.cancelled: "CANCELLED",
}


def _owner(user_id: int | None, studio_id: int | None, team_id: int | None):
    if user_id is not None:
        return CalendarFeed.user_id == user_id
    if team_id is not None:
        return CalendarFeed.team_id == team_id
    return CalendarFeed.studio_id == studio_id


def feed_for(
    session: Session,
    *,
    user_id: int | None = None,
    studio_id: int | None = None,
    team_id: int | None = None,
):
    """The feed row of a user, a studio or a team, or None while none has been made."""
    return session.exec(select(CalendarFeed).where(_owner(user_id, studio_id, team_id))).first()


def studio_feed_token(session: Session, *, studio_id: int, viewer: User) -> str | None:
    """The studio feed's address token this viewer may see: staff the detailed one,
    students the busy/free one; None while the studio has no feed."""
    feed = feed_for(session, studio_id=studio_id)
    if feed is None:
        return None
    return feed.token if grid.shows_names(viewer) else feed.busy_token


def studio_feeds(session: Session) -> dict[int, str]:
    rows = session.exec(select(CalendarFeed).where(CalendarFeed.studio_id.is_not(None))).all()
    return {row.studio_id: row.token for row in rows}


def regenerate_feed(
    session: Session,
    *,
    user_id: int | None = None,
    studio_id: int | None = None,
    team_id: int | None = None,
) -> CalendarFeed:
    """Make a new secret address; the old one stops working at once."""
    session.exec(delete(CalendarFeed).where(_owner(user_id, studio_id, team_id)))
    feed = CalendarFeed(
        token=secrets.token_urlsafe(32),
        busy_token=secrets.token_urlsafe(32) if studio_id is not None else None,
        user_id=user_id,
        studio_id=studio_id,
        team_id=team_id,
    )
    session.add(feed)
    session.flush()
    return feed


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Chanjiao//Studio bookings//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _finished(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()  # the VTIMEZONE of the college's zone
    return calendar.to_ical()


def _event(booking: Booking, studio: Studio, summary: str, stamp, *, note: bool = True) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.id}@chanjiao")
    event.add("dtstamp", stamp)
    event.add("sequence", booking.sequence)
    event.add("dtstart", clock.to_local(booking.starts_at))
    event.add("dtend", clock.to_local(booking.ends_at))
    event.add("summary", summary)
    event.add("location", " ".join(x for x in (studio.name, studio.location) if x))
    event.add("status", ICS_STATUS.get(booking.status, "CONFIRMED"))
    if note and booking.title:
        event.add("description", booking.title)
    return event


def _rows(session: Session, query, now):
    return session.exec(
        query.where(
            Booking.starts_at >= now - timedelta(days=PAST_DAYS),
            Booking.starts_at < now + timedelta(days=FUTURE_DAYS),
        ).order_by(Booking.starts_at)
    ).all()


def _by_token(session: Session, token: str) -> tuple[CalendarFeed, bool]:
    """The feed a token opens, and whether it is a studio's busy/free address."""
    feed = session.exec(
        select(CalendarFeed).where(
            or_(CalendarFeed.token == token, CalendarFeed.busy_token == token)
        )
    ).first()
    if feed is None or len(token) < 20:
        raise NotFound("This calendar address is not valid (it may have been renewed).")
    return feed, feed.busy_token == token


def feed_ics(session: Session, *, token: str, now=None) -> bytes:
    """The ICS text of the feed a token opens (bookings from 60 days ago to 200 ahead)."""
    feed, busy_only = _by_token(session, token)
    now = now or utcnow()
    stamp = now.replace(microsecond=0)
    if feed.user_id is not None:
        user = session.get(User, feed.user_id)
        with locale_active(user.locale or settings.default_locale):
            calendar = _user_calendar(session, user, now, stamp)
    elif feed.team_id is not None:
        with locale_active(settings.default_locale):
            calendar = _team_calendar(session, feed.team_id, now, stamp)
    else:
        with locale_active(settings.default_locale):
            calendar = _studio_calendar(session, feed.studio_id, busy_only, now, stamp)
    return _finished(calendar)


def _user_calendar(session: Session, user: User, now, stamp):
    calendar = _calendar(gettext("Studio bookings of %(name)s", name=user.full_name))
    query = select(Booking, Studio).join(Studio, Studio.id == Booking.studio_id)
    for booking, studio in _rows(session, query.where(Booking.user_id == user.id), now):
        summary = f"{studio.name} · {gettext(PURPOSE_LABELS[booking.purpose])}"
        calendar.add_component(_event(booking, studio, summary, stamp))
    for live, team in _live_sessions(session, user, now):
        calendar.add_component(_live_event(live, team, stamp))
    return calendar


def _live_sessions(session: Session, user: User, now):
    """The live sessions of the teams ``user`` is a member of on each session's date."""
    on_date = and_(
        TeamMember.team_id == LiveSession.team_id,
        TeamMember.user_id == user.id,
        TeamMember.joined_on <= LiveSession.session_date,
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > LiveSession.session_date),  # type: ignore[union-attr,operator]
    )
    return session.exec(
        select(LiveSession, Team)
        .join(TeamMember, on_date)
        .join(Team, Team.id == LiveSession.team_id)
        .where(
            LiveSession.planned_start >= now - timedelta(days=PAST_DAYS),
            LiveSession.planned_start < now + timedelta(days=FUTURE_DAYS),
        )
        .order_by(LiveSession.planned_start)
    ).all()


def _live_event(live: LiveSession, team: Team, stamp) -> Event:
    """A team's broadcast: as planned, or as it went once its result is recorded."""
    start = live.actual_start or live.planned_start
    end = live.actual_end or live.planned_start + timedelta(minutes=live.planned_minutes)
    event = Event()
    event.add("uid", f"live-session-{live.id}@chanjiao")
    event.add("dtstamp", stamp)
    event.add("sequence", live.sequence)
    event.add("dtstart", clock.to_local(start))
    event.add("dtend", clock.to_local(end))
    event.add("summary", gettext("Live: %(theme)s · %(team)s", theme=live.theme, team=team.name))
    cancelled = live.status == SessionStatus.cancelled.value
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _studio_calendar(session: Session, studio_id: int, busy_only: bool, now, stamp):
    studio = session.get(Studio, studio_id)
    calendar = _calendar(gettext("Bookings of %(studio)s", studio=studio.name))
    query = select(Booking, Studio).join(Studio, Studio.id == Booking.studio_id)
    shown = (*ACTIVE_STATUSES, *CALLED_OFF)  # called-off ones as CANCELLED, to be dropped
    query = query.where(Booking.studio_id == studio.id, Booking.status.in_(shown))
    for booking, studio_ in _rows(session, query, now):
        label = "Booked" if busy_only else PURPOSE_LABELS[booking.purpose]
        summary = gettext(label)
        event = _event(booking, studio_, summary, stamp, note=not busy_only)
        calendar.add_component(event)
    return calendar


def _team_calendar(session: Session, team_id: int, now, stamp):
    """A team's live sessions and the studio bookings made for the team."""
    team = session.get(Team, team_id)
    calendar = _calendar(gettext("Live sessions of %(team)s", team=team.name))
    query = select(Booking, Studio).join(Studio, Studio.id == Booking.studio_id)
    for booking, studio in _rows(session, query.where(Booking.team_id == team.id), now):
        summary = f"{studio.name} · {gettext(PURPOSE_LABELS[booking.purpose])}"
        calendar.add_component(_event(booking, studio, summary, stamp))
    lives = session.exec(
        select(LiveSession).where(
            LiveSession.team_id == team.id,
            LiveSession.planned_start >= now - timedelta(days=PAST_DAYS),
            LiveSession.planned_start < now + timedelta(days=FUTURE_DAYS),
        )
    ).all()
    for live in lives:
        calendar.add_component(_live_event(live, team, stamp))
    return calendar

"""The booking rules as checks on data already loaded: each returns the refusal, or None.

``rules.check_rules`` loads what a booking needs and raises the first refusal; the week
calendar (``grid``) asks the same checks of every free cell, so a cell shown as free is
one a booking of the studio's shortest length may take, and one that is not says which
rule stands in the way. One place for each rule.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from app.config import settings
from app.errors import DomainError
from app.i18n import N_
from app.models import Role, User
from app.models.studios import Booking, BookingStatus, Studio, StudioBlackout, StudioHours
from app.services import clock
from app.services.bookings.slots import check_grid

RULE_NAMES = {
    "inactive": N_("Studio in service"),
    "purpose": N_("Purpose allowed for your role"),
    "length": N_("Booking length"),
    "past": N_("Not in the past"),
    "advance": N_("Advance booking window"),
    "closed": N_("Opening hours and slot grid"),
    "blackout": N_("Blackout period"),
    "quota": N_("Weekly hour quota"),
    "team_quota": N_("Weekly hour quota per team"),
    "taken": N_("No double booking"),
    "buffer": N_("Time to reset the room between bookings"),
    "suspended": N_("Booking suspended after missed check-ins"),
}

# Refusals a waitlist entry may wait out: the time frees up when the other booking goes.
WAITLIST_RULES = frozenset({"taken", "buffer"})


class BookingRefused(DomainError):
    """A rule refused the booking: ``rule`` names it, ``next_free`` suggests a slot."""

    def __init__(
        self,
        rule: str,
        message: str,
        *,
        studio_id: int,
        starts_at: datetime,
        ends_at: datetime,
        status_code: int = 409,
        **params: Any,
    ) -> None:
        super().__init__(message, **params)
        self.rule = rule
        self.rule_name = RULE_NAMES[rule]
        self.status_code = status_code
        self.studio_id = studio_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        # "taken" and "buffer": the studio's active bookings near the time, as read
        self.near: list = []
        self.next_free: clock.Slot | None = None

    @property
    def waitable(self) -> bool:
        """Whether joining the waitlist may get this time (another booking is in the way)."""
        return self.rule in WAITLIST_RULES


def refuse(rule: str, message: str, studio: Studio, starts_at, ends_at, **kw) -> BookingRefused:
    return BookingRefused(
        rule, message, studio_id=studio.id, starts_at=starts_at, ends_at=ends_at, **kw
    )


def fmt(instant: datetime) -> str:
    return clock.to_local(instant).strftime("%Y-%m-%d %H:%M")


def is_staff(user: User) -> bool:
    return user.role in (Role.admin, Role.teacher)


def time_refusal(
    studio: Studio,
    hours: dict[int, StudioHours],
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> BookingRefused | None:
    """The rules of time: length, not in the past, the advance window, opening hours and
    the slot grid."""
    minutes = round((ends_at - starts_at).total_seconds() / 60)
    if minutes % studio.slot_minutes or not studio.min_minutes <= minutes <= studio.max_minutes:
        return refuse(
            "length",
            N_("Book from %(min)s to %(max)s minutes, in steps of %(slot)s minutes."),
            studio,
            starts_at,
            ends_at,
            status_code=422,
            min=studio.min_minutes,
            max=studio.max_minutes,
            slot=studio.slot_minutes,
        )
    if starts_at < now:
        message = N_("This time has already begun or passed.")
        return refuse("past", message, studio, starts_at, ends_at, status_code=422)
    advance = settings.booking_staff_advance_days if is_staff(user) else studio.advance_days
    if clock.local_date(starts_at) > clock.local_date(now) + timedelta(days=advance):
        return refuse(
            "advance",
            N_("Bookings open %(days)s days ahead; this is later."),
            studio,
            starts_at,
            ends_at,
            days=advance,
        )
    problem = check_grid(studio, hours, starts_at, ends_at)
    messages = {
        "closed_day": (N_("The studio is closed on that day."), {}),
        "hours": (N_("The studio is not open for all of that time."), {}),
        "grid": (
            N_("Bookings start on the studio's %(slot)s-minute grid."),
            {"slot": studio.slot_minutes},
        ),
    }
    if problem is not None:
        message, params = messages[problem]
        return refuse("closed", message, studio, starts_at, ends_at, status_code=422, **params)
    return None


def blackout_refusal(
    studio: Studio, blackouts: Iterable[StudioBlackout], starts_at: datetime, ends_at: datetime
) -> BookingRefused | None:
    """No part of the booking in one of the studio's blackouts."""
    for blackout in blackouts:
        if blackout.studio_id != studio.id:
            continue
        if blackout.starts_at < ends_at and blackout.ends_at > starts_at:
            return refuse(
                "blackout",
                N_("The studio is closed from %(start)s to %(end)s: %(reason)s"),
                studio,
                starts_at,
                ends_at,
                start=fmt(blackout.starts_at),
                end=fmt(blackout.ends_at),
                reason=blackout.reason,
            )
    return None


def suspension_refusal(
    studio: Studio, summary, starts_at: datetime, ends_at: datetime
) -> BookingRefused | None:
    """A student suspended for missed check-ins (``strikes.StrikeSummary``) books nothing."""
    if not summary.suspended:
        return None
    return refuse(
        "suspended",
        N_(
            "You cannot book studios or join a waitlist until %(until)s: you missed "
            "%(count)s check-ins this term (the limit is %(limit)s)."
        ),
        studio,
        starts_at,
        ends_at,
        status_code=403,
        until=fmt(summary.suspended_until),
        count=summary.count,
        limit=summary.limit,
    )


def quota_refusal(
    studio: Studio, user: User, used: float, starts_at: datetime, ends_at: datetime
) -> BookingRefused | None:
    """A student's hours in the booking's week (``used`` so far) stay within the quota."""
    if user.role != Role.student:
        return None
    quota = settings.booking_student_weekly_hours
    if used + (ends_at - starts_at).total_seconds() / 3600 > quota + 1e-9:
        return refuse(
            "quota",
            N_("Students may book %(quota)s hours a week; you have %(used)s in that week."),
            studio,
            starts_at,
            ends_at,
            quota=quota,
            used=f"{used:g}",
        )
    return None


def clash_refusal(
    studio: Studio, active: Iterable[Booking], starts_at: datetime, ends_at: datetime
) -> BookingRefused | None:
    """No overlap with an active booking of the studio, nor with the time the room needs to
    be reset after it (or after this booking, before the next one)."""
    blocked_until = ends_at + timedelta(minutes=studio.buffer_minutes)
    near = None
    for booking in active:
        if booking.studio_id != studio.id:
            continue
        if booking.starts_at < ends_at and booking.ends_at > starts_at:
            return taken_refusal(studio, starts_at, ends_at, booking)
        touches = booking.starts_at < blocked_until and booking.blocked_until > starts_at
        if near is None and touches:
            near = booking
    if near is None:
        return None
    return refuse(
        "buffer",
        N_(
            "The room needs %(n)s minutes to be reset between bookings, and the booking "
            "from %(start)s to %(end)s is too close."
        ),
        studio,
        starts_at,
        ends_at,
        n=studio.buffer_minutes,
        start=fmt(near.starts_at),
        end=clock.to_local(near.ends_at).strftime("%H:%M"),
    )


def taken_refusal(studio: Studio, starts_at, ends_at, clash: Booking | None) -> BookingRefused:
    if clash is None:
        message, params = N_("Someone else booked this time a moment ago."), {}
    elif clash.status == BookingStatus.offered and clash.offer_expires_at is not None:
        message = N_(
            "This time is held for the next person on its waitlist until %(until)s; "
            "join the waitlist to be offered it if they do not take it."
        )
        params = {"until": clock.to_local(clash.offer_expires_at).strftime("%H:%M")}
    else:
        message = N_("This time is already booked (%(start)s to %(end)s).")
        params = {
            "start": fmt(clash.starts_at),
            "end": clock.to_local(clash.ends_at).strftime("%H:%M"),
        }
    return refuse("taken", message, studio, starts_at, ends_at, **params)

"""Recurring bookings for teachers: pick weekdays, a time and a date range; preview every
occurrence with its conflicts; commit all free occurrences or none."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.errors import Conflict, FormErrors, Invalid
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingSeries, Studio
from app.schemas.bookings import RecurringForm
from app.services import clock
from app.services.bookings import create
from app.services.bookings import rules as booking_service
from app.services.studios import studio_hours

SERIES_CHANGED = N_(
    "Some occurrences were taken since the preview; nothing was booked. Check the new preview."
)


@dataclass
class Occurrence:
    day: date
    starts_at: datetime
    ends_at: datetime
    refusal: booking_service.BookingRefused | None = None

    @property
    def free(self) -> bool:
        return self.refusal is None

    @property
    def key(self) -> str:
        return self.starts_at.isoformat()


@dataclass
class Preview:
    studio: Studio
    occurrences: list[Occurrence]

    @property
    def free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.free]

    @property
    def conflicts(self) -> list[Occurrence]:
        return [o for o in self.occurrences if not o.free]


def series_studio(session: Session, form: RecurringForm | Any, actor: User) -> Studio:
    """The series' studio, once the purpose and the team pass the booker's rules; every
    problem beside its field at once."""
    errors: dict = {}
    studio = session.get(Studio, form.studio_id)
    if studio is None:
        errors["studio_id"] = _l("Choose a studio.")
    try:
        booking_service.check_purpose(actor, form.purpose)
    except FormErrors as exc:
        errors.update(exc.errors)
    try:
        booking_service.check_team(session, user=actor, purpose=form.purpose, team_id=form.team_id)
    except FormErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FormErrors(errors)
    return studio  # type: ignore[return-value]


def check_occurrences(
    session: Session,
    *,
    studio: Studio,
    actor: User,
    occurrences: list[Occurrence],
    purpose: str,
    team_id: int | None,
    now: datetime,
    hours: dict | None = None,
) -> None:
    """Mark each occurrence free or with the rule that refuses it; a team's quota counts
    the series' own earlier free occurrences in the same week."""
    hours = studio_hours(session, studio_id=studio.id) if hours is None else hours
    team_hours_by_week: dict[date, float] = {}
    for occurrence in occurrences:
        minutes = (occurrence.ends_at - occurrence.starts_at).total_seconds() / 60
        week = clock.monday_of(clock.local_date(occurrence.starts_at))
        try:
            booking_service.check_rules(
                session,
                studio=studio,
                user=actor,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                purpose=purpose,
                now=now,
                hours=hours,
                team_id=team_id,
                planned_team_hours=team_hours_by_week.get(week, 0.0),
            )
        except booking_service.BookingRefused as refusal:
            occurrence.refusal = refusal
        else:
            occurrence.refusal = None
            team_hours_by_week[week] = team_hours_by_week.get(week, 0.0) + minutes / 60


def preview_series(
    session: Session, *, actor: User, form: RecurringForm, now: datetime | None = None
) -> Preview:
    """Every occurrence of the series, each free or with the rule that refuses it."""
    now = now or utcnow()
    studio = series_studio(session, form, actor)
    weekdays, minute, minutes = form.days(), form.time, form.minutes
    booking_service.apply_due_statuses(session, now=now, studio_id=studio.id)
    hours = studio_hours(session, studio_id=studio.id)
    occurrences = []
    day = form.first_date
    while day <= form.last_date:
        if day.weekday() in weekdays:
            starts_at = clock.local_instant(day, minute)
            if starts_at is not None:
                occurrences.append(
                    Occurrence(day, starts_at, starts_at + timedelta(minutes=minutes))
                )
        day += timedelta(days=1)
    check_occurrences(
        session,
        studio=studio,
        actor=actor,
        occurrences=occurrences,
        purpose=form.purpose,
        team_id=form.team_id,
        now=now,
        hours=hours,
    )
    return Preview(studio, occurrences)


class SeriesChanged(Conflict):
    """Something changed since the preview: nothing was booked."""


def commit_series(
    session: Session,
    *,
    actor: User,
    form: RecurringForm,
    expected: list[str],
    now: datetime | None = None,
) -> tuple[BookingSeries, list[Booking]]:
    """Book every free occurrence the teacher saw in the preview, or none of them."""
    now = now or utcnow()
    preview = preview_series(session, actor=actor, form=form, now=now)
    chosen = chosen_free(
        preview,
        expected,
        nothing_free=N_("No free occurrence to book: change the days, time or dates."),
    )
    series = new_series(
        session,
        actor=actor,
        studio_id=preview.studio.id,
        form=form,
        first_date=form.first_date.isoformat(),
        last_date=form.last_date.isoformat(),
    )
    bookings = book_occurrences(
        session, actor=actor, series=series, occurrences=chosen, team_id=form.team_id, now=now
    )
    return series, bookings


def chosen_free(preview, expected: list[str], *, nothing_free: str) -> list:
    """The free occurrences of ``preview`` the teacher saw and chose (``expected`` keys):
    Invalid when there are none, SeriesChanged when one is no longer free."""
    free = {o.key for o in preview.free}
    if not expected or not free:
        raise Invalid(nothing_free)
    if not set(expected) <= free:
        raise SeriesChanged(SERIES_CHANGED)
    return [o for o in preview.free if o.key in expected]


def new_series(
    session: Session, *, actor: User, studio_id: int, form, first_date: str, last_date: str
) -> BookingSeries:
    """The series row of a recurring booking (weekdays, time and length from ``form``)."""
    series = BookingSeries(
        studio_id=studio_id,
        user_id=actor.id,
        purpose=form.purpose,
        title=form.title,
        weekdays=",".join(str(d) for d in form.days()),
        start_minute=form.time,
        minutes=form.minutes,
        first_date=first_date,
        last_date=last_date,
    )
    session.add(series)
    session.flush()
    return series


def book_occurrences(
    session: Session,
    *,
    actor: User,
    series: BookingSeries,
    occurrences: list[Occurrence],
    team_id: int | None,
    now: datetime,
) -> list[Booking]:
    """Book each occurrence for the series; any refusal means the series changed."""
    bookings = []
    for occurrence in occurrences:
        try:
            bookings.append(
                create.create_booking(
                    session,
                    actor=actor,
                    studio_id=series.studio_id,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    purpose=series.purpose,
                    title=series.title,
                    now=now,
                    series_id=series.id,
                    suggest=False,
                    team_id=team_id,
                )
            )
        except booking_service.BookingRefused as refusal:
            raise SeriesChanged(SERIES_CHANGED) from refusal
    return bookings

"""Recurring bookings for teachers: pick weekdays, a time and a date range; preview every
occurrence with its conflicts; commit all free occurrences or none."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from app.errors import Conflict, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingSeries, Purpose, Studio
from app.services import clock
from app.services.bookings import rules as booking_service
from app.services.studios import get_studio, studio_hours

MAX_WEEKS = 26
SERIES_CHANGED = N_(
    "Some occurrences were taken since the preview; nothing was booked. Check the new preview."
)


@dataclass
class RecurringForm:
    studio_id: str = ""
    weekdays: list[str] = field(default_factory=list)
    time: str = ""
    minutes: str = "90"
    first_date: str = ""
    last_date: str = ""
    title: str = ""
    purpose: str = Purpose.course.value
    team_id: str = ""


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


def _parse(session: Session, form: RecurringForm, actor: User):
    errors: dict = {}
    studio = None
    try:
        studio = get_studio(session, studio_id=int(form.studio_id))
    except (ValueError, NotFound):
        errors["studio_id"] = _l("Choose a studio.")
    weekdays = sorted({int(d) for d in form.weekdays if d.isdigit() and 0 <= int(d) <= 6})
    if not weekdays:
        errors["weekdays"] = _l("Choose at least one weekday.")
    minute = clock.parse_hhmm(form.time)
    if minute is None or minute >= 24 * 60:
        errors["time"] = _l("Enter a start time as HH:MM.")
    try:
        minutes = int(form.minutes)
        if not 1 <= minutes <= 24 * 60:
            raise ValueError
    except ValueError:
        errors["minutes"] = _l("Choose a length.")
        minutes = 0
    first, last = clock.parse_date(form.first_date), clock.parse_date(form.last_date)
    if first is None:
        errors["first_date"] = _l("Enter a date as YYYY-MM-DD.")
    if last is None:
        errors["last_date"] = _l("Enter a date as YYYY-MM-DD.")
    elif first is not None and last < first:
        errors["last_date"] = _l("The last date must not be before the first.")
    elif first is not None and (last - first).days > MAX_WEEKS * 7:
        errors["last_date"] = _l("A series may cover at most %(n)s weeks.", n=MAX_WEEKS)
    if form.purpose not in booking_service.purposes_for(actor):
        errors["purpose"] = _l("Choose a purpose.")
    if len(form.title) > 200:
        errors["title"] = _l("Use at most %(n)s characters.", n=200)
    team_id = None
    try:
        team_id = booking_service.parse_team_id(form.team_id)
        booking_service.check_team(session, user=actor, purpose=form.purpose, team_id=team_id)
    except FormErrors as exc:
        errors.update(exc.errors)
    if errors:
        raise FormErrors(errors)
    return studio, weekdays, minute, minutes, first, last, team_id


def preview_series(
    session: Session, *, actor: User, form: RecurringForm, now: datetime | None = None
) -> Preview:
    """Every occurrence of the series, each free or with the rule that refuses it."""
    now = now or utcnow()
    studio, weekdays, minute, minutes, first, last, team_id = _parse(session, form, actor)
    booking_service.apply_due_statuses(session, now=now, studio_id=studio.id)
    hours = studio_hours(session, studio_id=studio.id)
    occurrences = []
    team_hours_by_week: dict[date, float] = {}  # this series' free occurrences so far
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            starts_at = clock.local_instant(day, minute)
            if starts_at is not None:
                ends_at = starts_at + timedelta(minutes=minutes)
                occurrence = Occurrence(day, starts_at, ends_at)
                week = clock.monday_of(clock.local_date(starts_at))
                try:
                    booking_service.check_rules(
                        session,
                        studio=studio,
                        user=actor,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        purpose=form.purpose,
                        now=now,
                        hours=hours,
                        team_id=team_id,
                        planned_team_hours=team_hours_by_week.get(week, 0.0),
                    )
                except booking_service.BookingRefused as refusal:
                    occurrence.refusal = refusal
                else:
                    team_hours_by_week[week] = team_hours_by_week.get(week, 0.0) + minutes / 60
                occurrences.append(occurrence)
        day += timedelta(days=1)
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
    free = {o.key for o in preview.free}
    if not expected or not free:
        raise Invalid("No free occurrence to book: change the days, time or dates.")
    if not set(expected) <= free:
        raise SeriesChanged(SERIES_CHANGED)
    studio, weekdays, minute, minutes, first, last, team_id = _parse(session, form, actor)
    series = BookingSeries(
        studio_id=studio.id,
        user_id=actor.id,
        purpose=form.purpose,
        title=form.title.strip()[:200],
        weekdays=",".join(str(d) for d in weekdays),
        start_minute=minute,
        minutes=minutes,
        first_date=first.isoformat(),
        last_date=last.isoformat(),
    )
    session.add(series)
    session.flush()
    bookings = []
    for occurrence in preview.free:
        if occurrence.key not in expected:
            continue
        try:
            bookings.append(
                booking_service.create_booking(
                    session,
                    actor=actor,
                    studio_id=studio.id,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    purpose=form.purpose,
                    title=form.title,
                    now=now,
                    series_id=series.id,
                    suggest=False,
                    team_id=team_id,
                )
            )
        except booking_service.BookingRefused as refusal:
            raise SeriesChanged(SERIES_CHANGED) from refusal
    return series, bookings

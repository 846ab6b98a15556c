"""One term series: its page, cancelling or moving one occurrence, and editing it.

An occurrence is named by its own date. Cancelling or moving one records an exception of
the series on that date. Editing the series (time, length, title, weeks, weekdays)
regenerates its future occurrences only:

- past occurrences (started before now) stay exactly as they were: they are the record of
  what happened;
- a date with an exception (cancelled or moved), or whose booking was cancelled or
  refused, keeps it: a moved occurrence stays where it was moved;
- every other future date of the new pattern is booked at the new time (the booking of an
  unchanged date is updated in place, so calendars see it change, not vanish); a future
  occurrence the new pattern drops is cancelled and leaves the series.

Like booking, an edit happens whole or not at all: if any new occurrence is refused,
nothing changes and the refusals are listed.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import ACTIVE_STATUSES, Booking, BookingSeries, BookingStatus, Studio
from app.models.terms import ExceptionKind, SeriesException, Term, TermSeries
from app.schemas.terms import MoveForm, SeriesEditForm, parse_weeks, weeks_text
from app.services import clock
from app.services.bookings import create, lifecycle, recurring
from app.services.bookings import rules as booking_rules
from app.services.terms import calendar
from app.services.terms.series import Skipped, TermOccurrence, plan_dates

EXCEPTION_LABELS = {ExceptionKind.cancelled: N_("Cancelled"), ExceptionKind.moved: N_("Moved")}


@dataclass
class SeriesView:
    series: BookingSeries
    term_series: TermSeries
    term: Term
    studio: Studio
    bookings: list[Booking]
    exceptions: dict[date, SeriesException]
    skipped: list[Skipped]
    now: datetime

    def occurs_on(self, booking: Booking) -> date:
        """The date of the occurrence a booking stands for (a moved one: its old date)."""
        for day, exception in self.exceptions.items():
            if exception.booking_id == booking.id:
                return day
        return clock.local_date(booking.starts_at)

    def may_change(self, booking: Booking) -> bool:
        return booking.status in ACTIVE_STATUSES and booking.starts_at > self.now

    @property
    def weekdays(self) -> list[int]:
        return [int(d) for d in self.series.weekdays.split(",") if d]


def _owned(session: Session, *, series_id: int, actor: User) -> tuple[BookingSeries, TermSeries]:
    series = session.get(BookingSeries, series_id)
    term_series = session.get(TermSeries, series_id)
    if series is None or term_series is None:
        raise NotFound("This series does not exist.")
    if series.user_id != actor.id and actor.role != Role.admin:
        raise Forbidden("This series is not yours.")
    return series, term_series


def _exceptions(session: Session, series_id: int) -> dict[date, SeriesException]:
    query = select(SeriesException).where(SeriesException.series_id == series_id)
    return {e.occurs_on: e for e in session.exec(query).all()}


def _bookings(session: Session, series_id: int) -> list[Booking]:
    query = select(Booking).where(Booking.series_id == series_id)
    return list(session.exec(query.order_by(col(Booking.starts_at))).all())


def series_view(
    session: Session, *, series_id: int, actor: User, now: datetime | None = None
) -> SeriesView:
    """A term series with its occurrences, exceptions and the dates it skips."""
    now = now or utcnow()
    series, term_series = _owned(session, series_id=series_id, actor=actor)
    term = calendar.get_term(session, term_id=term_series.term_id)
    studio = session.get(Studio, series.studio_id)
    weekdays = [int(d) for d in series.weekdays.split(",") if d]
    weeks = _weeks(term_series)
    _, skipped = plan_dates(
        session,
        term=term,
        weeks=[w for w in weeks if w <= calendar.week_count(term)],
        weekdays=weekdays,
        minute=series.start_minute,
        minutes=series.minutes,
    )
    bookings = _bookings(session, series.id)
    exceptions = _exceptions(session, series.id)
    return SeriesView(series, term_series, term, studio, bookings, exceptions, skipped, now)  # type: ignore[arg-type]


def _weeks(term_series: TermSeries) -> list[int]:
    return parse_weeks(term_series.weeks)


def edit_form_values(view: SeriesView):
    return SeriesEditForm.initial(
        time=clock.hhmm(view.series.start_minute),
        minutes=view.series.minutes,
        title=view.series.title,
        weeks=view.term_series.weeks,
        weekdays=[str(d) for d in view.weekdays],
    )


def _series_booking(session: Session, series: BookingSeries, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.series_id != series.id:
        raise NotFound("This occurrence is not part of the series.")
    return booking


def _record(
    session: Session, *, series: BookingSeries, day: date, kind: str, booking: Booking, actor: User
) -> SeriesException:
    exception = session.exec(
        select(SeriesException).where(
            SeriesException.series_id == series.id, SeriesException.occurs_on == day
        )
    ).first()
    if exception is None:
        exception = SeriesException(series_id=series.id, occurs_on=day, kind=kind)
    exception.kind, exception.booking_id, exception.created_by_id = kind, booking.id, actor.id
    session.add(exception)
    session.flush()
    return exception


def cancel_occurrence(
    session: Session,
    *,
    series_id: int,
    booking_id: int,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
) -> SeriesException:
    """Cancel one occurrence; the series remembers it, so an edit never books it again."""
    now = now or utcnow()
    series, _term_series = _owned(session, series_id=series_id, actor=actor)
    booking = _series_booking(session, series, booking_id)
    day = _occurs_on(session, series, booking)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=actor, reason=reason, now=now)
    return _record(
        session, series=series, day=day, kind=ExceptionKind.cancelled, booking=booking, actor=actor
    )


def _occurs_on(session: Session, series: BookingSeries, booking: Booking) -> date:
    for day, exception in _exceptions(session, series.id).items():
        if exception.booking_id == booking.id:
            return day
    return clock.local_date(booking.starts_at)


def move_occurrence(
    session: Session,
    *,
    series_id: int,
    booking_id: int,
    actor: User,
    form: MoveForm,
    now: datetime | None = None,
) -> Booking:
    """Move one occurrence to another day or time (same length), under every booking rule;
    the series remembers where it went."""
    now = now or utcnow()
    series, term_series = _owned(session, series_id=series_id, actor=actor)
    booking = _series_booking(session, series, booking_id)
    starts_at = clock.local_instant(form.date, form.time)
    if starts_at is None:
        raise FormErrors({"time": _l("This local time does not exist (clocks change).")})
    ends_at = starts_at + (booking.ends_at - booking.starts_at)
    day = _occurs_on(session, series, booking)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=actor, now=now)
    moved = create.create_booking(
        session,
        actor=actor,
        studio_id=series.studio_id,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=series.purpose,
        title=booking.title,
        now=now,
        series_id=series.id,
        team_id=booking.team_id,
    )
    _record(session, series=series, day=day, kind=ExceptionKind.moved, booking=moved, actor=actor)
    return moved


class SeriesEditRefused(Conflict):
    """Some new occurrences are refused: the series is unchanged."""

    def __init__(self, refused: list[TermOccurrence]) -> None:
        super().__init__(
            N_("Nothing was changed: %(n)s new occurrences are refused (%(dates)s)."),
            n=len(refused),
            dates=", ".join(o.day.isoformat() for o in refused[:6]),
        )
        self.refused = refused


def edit_series(
    session: Session,
    *,
    series_id: int,
    actor: User,
    form: SeriesEditForm,
    now: datetime | None = None,
) -> int:
    """Apply a new pattern to the series' future occurrences (see the module's docstring);
    returns how many future occurrences it now has."""
    now = now or utcnow()
    series, term_series = _owned(session, series_id=series_id, actor=actor)
    term = calendar.get_term(session, term_id=term_series.term_id)
    studio = session.get(Studio, series.studio_id)
    occurrences, _skipped = plan_dates(
        session,
        term=term,
        weeks=form.weeks,
        weekdays=form.days(),
        minute=form.time,
        minutes=form.minutes,
    )
    exceptions = _exceptions(session, series.id)
    moved = {e.booking_id for e in exceptions.values() if e.booking_id is not None}
    kept: set[date] = set(exceptions)  # exceptions, past and called-off dates stay as they are
    open_rows: dict[date, Booking] = {}
    for booking in _bookings(session, series.id):
        if booking.id in moved:
            continue
        day = clock.local_date(booking.starts_at)
        if booking.starts_at <= now or booking.status not in ACTIVE_STATUSES:
            kept.add(day)
        else:
            open_rows[day] = booking
    statuses = {b.id: b.status for b in open_rows.values()}
    for booking in open_rows.values():  # out of the rules' way while the new times are checked
        booking.status = BookingStatus.cancelled
        session.add(booking)
    session.flush()
    todo = [o for o in occurrences if o.starts_at > now and o.day not in kept]
    booking_rules.apply_due_statuses(session, now=now, studio_id=series.studio_id)
    recurring.check_occurrences(
        session,
        studio=studio,  # type: ignore[arg-type]
        actor=actor,
        occurrences=todo,  # type: ignore[arg-type]
        purpose=series.purpose,
        team_id=term_series.team_id,
        now=now,
    )
    refused = [o for o in todo if not o.free]
    if refused:
        raise SeriesEditRefused(refused)
    series.title, series.start_minute, series.minutes = form.title, form.time, form.minutes
    series.weekdays = ",".join(str(d) for d in form.days())
    term_series.weeks = weeks_text(form.weeks)
    fresh = []
    for occurrence in todo:
        row = open_rows.pop(occurrence.day, None)
        if row is None:
            fresh.append(occurrence)
            continue
        row.starts_at, row.ends_at = occurrence.starts_at, occurrence.ends_at
        row.blocked_until = occurrence.ends_at + timedelta(minutes=studio.buffer_minutes)  # type: ignore[union-attr]
        row.title, row.status = form.title, statuses[row.id]
        session.add(row)
    for row in open_rows.values():  # dropped by the new pattern: cancelled, out of the series
        row.cancelled_by_id, row.cancelled_at, row.series_id = actor.id, now, None
        session.add(row)
    session.add(series)
    session.add(term_series)
    session.flush()
    recurring.book_occurrences(
        session,
        actor=actor,
        series=series,
        occurrences=fresh,  # type: ignore[arg-type]
        team_id=term_series.team_id,
        now=now,
    )
    days = [o.day for o in occurrences] or [term.starts_on]
    series.first_date, series.last_date = min(days).isoformat(), max(days).isoformat()
    session.add(series)
    session.flush()
    return len(todo)

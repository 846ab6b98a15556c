"""Term series: a teacher's recurring booking by teaching week. Holidays and exam weeks are
skipped by themselves, and the preview lists what was skipped and why; booking keeps the
weekly series' rule: every free occurrence the preview showed, or none. One series, its
exceptions and its edits: ``changes``."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.errors import FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.studios import Booking, BookingSeries, Studio
from app.models.terms import PeriodKind, Term, TermSeries
from app.schemas.terms import TermSeriesForm, weeks_text
from app.services import clock
from app.services.bookings import recurring
from app.services.bookings import rules as booking_rules
from app.services.terms import calendar


@dataclass
class TermOccurrence(recurring.Occurrence):
    week: int = 0


@dataclass
class Skipped:
    """A date of the pattern that was not booked, and why (a msgid with its params)."""

    day: date
    week: int
    reason: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class TermPreview:
    studio: Studio
    term: Term
    occurrences: list[TermOccurrence]
    skipped: list[Skipped]

    @property
    def free(self) -> list[TermOccurrence]:
        return [o for o in self.occurrences if o.free]

    @property
    def conflicts(self) -> list[TermOccurrence]:
        return [o for o in self.occurrences if not o.free]


def plan_dates(
    session: Session,
    *,
    term: Term,
    weeks: list[int],
    weekdays: list[int],
    minute: int,
    minutes: int,
) -> tuple[list[TermOccurrence], list[Skipped]]:
    """The pattern's occurrences in the term, and the dates skipped (holidays, exam weeks,
    days outside the term, local times the clocks skip). Weeks past the term's last are a
    problem beside the weeks field."""
    last = calendar.week_count(term)
    if weeks and weeks[-1] > last:
        raise FormErrors({"weeks": _l("This term has %(n)s teaching weeks.", n=last)})
    cal = calendar.term_calendar(session, term=term)
    occurrences, skipped = [], []
    for week in weeks:
        monday, _sunday = calendar.week_dates(term, week)
        for weekday in sorted(set(weekdays)):
            day = monday + timedelta(days=weekday)
            period = cal.period_on(day)
            starts_at = clock.local_instant(day, minute)
            if not term.starts_on <= day <= term.ends_on:
                skipped.append(Skipped(day, week, N_("Outside the term")))
            elif period is not None and period.kind == PeriodKind.holiday:
                skipped.append(Skipped(day, week, N_("Holiday: %(name)s"), {"name": period.name}))
            elif period is not None:
                skipped.append(Skipped(day, week, N_("Exam week")))
            elif starts_at is None:
                skipped.append(Skipped(day, week, N_("This local time does not exist")))
            else:
                ends_at = starts_at + timedelta(minutes=minutes)
                occurrences.append(TermOccurrence(day, starts_at, ends_at, week=week))
    return occurrences, skipped


def preview_term_series(
    session: Session, *, actor: User, form: TermSeriesForm, now: datetime | None = None
) -> TermPreview:
    """Every occurrence of the series (free or with the rule refusing it), and the skipped
    dates with their reasons."""
    now = now or utcnow()
    studio = recurring.series_studio(session, form, actor)
    term = session.get(Term, form.term_id)
    if term is None:
        raise FormErrors({"term_id": _l("Choose a term.")})
    occurrences, skipped = plan_dates(
        session,
        term=term,
        weeks=form.weeks,
        weekdays=form.days(),
        minute=form.time,
        minutes=form.minutes,
    )
    booking_rules.apply_due_statuses(session, now=now, studio_id=studio.id)
    recurring.check_occurrences(
        session,
        studio=studio,
        actor=actor,
        occurrences=occurrences,
        purpose=form.purpose,
        team_id=form.team_id,
        now=now,
    )
    return TermPreview(studio, term, occurrences, skipped)


def _span(occurrences: list[TermOccurrence], fallback: date) -> tuple[str, str]:
    days = [o.day for o in occurrences] or [fallback]
    return min(days).isoformat(), max(days).isoformat()


def commit_term_series(
    session: Session,
    *,
    actor: User,
    form: TermSeriesForm,
    expected: list[str],
    now: datetime | None = None,
) -> tuple[BookingSeries, list[Booking]]:
    """Book every free occurrence the teacher saw in the preview, or none of them."""
    now = now or utcnow()
    preview = preview_term_series(session, actor=actor, form=form, now=now)
    chosen = recurring.chosen_free(
        preview,
        expected,
        nothing_free=N_("No free occurrence to book: change the weeks, days or time."),
    )
    first, last = _span(preview.occurrences, preview.term.starts_on)
    series = recurring.new_series(
        session,
        actor=actor,
        studio_id=preview.studio.id,
        form=form,
        first_date=first,
        last_date=last,
    )
    session.add(
        TermSeries(
            series_id=series.id,
            term_id=preview.term.id,
            weeks=weeks_text(form.weeks),
            team_id=form.team_id,
        )
    )
    bookings = recurring.book_occurrences(
        session, actor=actor, series=series, occurrences=chosen, team_id=form.team_id, now=now
    )
    return series, bookings


def my_term_series(session: Session, *, actor: User) -> list[tuple[BookingSeries, Term]]:
    """The actor's term series (an administrator's own), newest first."""
    query = (
        select(BookingSeries, Term)
        .join(TermSeries, col(TermSeries.series_id) == BookingSeries.id)
        .join(Term, col(Term.id) == TermSeries.term_id)
        .where(BookingSeries.user_id == actor.id)
        .order_by(col(BookingSeries.created_at).desc())
    )
    return [(s, t) for s, t in session.exec(query).all()]

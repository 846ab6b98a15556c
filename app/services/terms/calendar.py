"""The term calendar (校历): terms, their teaching weeks, holidays and exam weeks.

Teaching week 1 starts on the Monday of the week that holds the term's first day; weeks
are numbered on through the term's last day, exam weeks included (as a 校历 prints them).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.errors import FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.terms import PeriodKind, Term, TermPeriod
from app.schemas.terms import PeriodForm, TermForm
from app.services import clock

PERIOD_LABELS = {PeriodKind.holiday: N_("Holiday"), PeriodKind.exam: N_("Exam week")}


def week_one(term: Term) -> date:
    """The Monday teaching week 1 starts on."""
    return clock.monday_of(term.starts_on)


def week_count(term: Term) -> int:
    return (term.ends_on - week_one(term)).days // 7 + 1


def week_of(term: Term, day: date) -> int | None:
    """The teaching week holding ``day``, or None outside the term."""
    if not term.starts_on <= day <= term.ends_on:
        return None
    return (day - week_one(term)).days // 7 + 1


def week_dates(term: Term, week: int) -> tuple[date, date]:
    """Monday and Sunday of teaching week ``week``."""
    monday = week_one(term) + timedelta(weeks=week - 1)
    return monday, monday + timedelta(days=6)


@dataclass
class TeachingWeek:
    number: int
    monday: date
    sunday: date
    periods: list[TermPeriod] = field(default_factory=list)
    is_current: bool = False

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def period_on(self, day: date) -> TermPeriod | None:
        return next((p for p in self.periods if p.starts_on <= day <= p.ends_on), None)


@dataclass
class TermCalendar:
    term: Term
    periods: list[TermPeriod]
    weeks: list[TeachingWeek]

    def period_on(self, day: date) -> TermPeriod | None:
        """The holiday or exam week ``day`` falls in (a holiday first)."""
        found = [p for p in self.periods if p.starts_on <= day <= p.ends_on]
        found.sort(key=lambda p: p.kind != PeriodKind.holiday)
        return found[0] if found else None


def list_terms(session: Session) -> list[Term]:
    """Every term, the latest first."""
    return list(session.exec(select(Term).order_by(col(Term.starts_on).desc())).all())


def get_term(session: Session, *, term_id: int) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound("This term does not exist.")
    return term


# Built once: every booking attempt of a student reads it (their strikes this term).
_DAY = bindparam("day", type_=Term.__table__.c.starts_on.type)
_TERM_CONTAINING = select(Term).where(Term.starts_on <= _DAY, Term.ends_on >= _DAY)


def term_containing(session: Session, *, day: date) -> Term | None:
    """The configured term that ``day`` falls in, if any."""
    return session.exec(_TERM_CONTAINING, params={"day": day}).first()


# The same, for its first and last day only: every count of a student's strikes (the
# bookings page, the booking press) asks it, and loading a Term object through the ORM
# cost several times more than this Core statement on the session's connection.
_TERMS = Term.__table__
_TERM_DATES = sa_select(_TERMS.c.starts_on, _TERMS.c.ends_on).where(
    _TERMS.c.starts_on <= _DAY, _TERMS.c.ends_on >= _DAY
)


def term_dates_containing(session: Session, *, day: date) -> tuple[date, date] | None:
    """(first day, last day) of the configured term that ``day`` falls in, if any."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the ORM's autoflush would do: a term just added counts
    row = session.connection().execute(_TERM_DATES, {"day": day}).first()
    return (row[0], row[1]) if row is not None else None


def current_term(session: Session, *, today: date | None = None) -> Term | None:
    """The term running today; else the next one; else the last one."""
    today = today or clock.today()
    running = term_containing(session, day=today)
    if running is not None:
        return running
    upcoming = select(Term).where(Term.starts_on > today).order_by(col(Term.starts_on))
    return (
        session.exec(upcoming).first()
        or session.exec(select(Term).order_by(col(Term.ends_on).desc())).first()
    )


def list_periods(session: Session, *, term_id: int) -> list[TermPeriod]:
    query = select(TermPeriod).where(TermPeriod.term_id == term_id)
    return list(session.exec(query.order_by(col(TermPeriod.starts_on), col(TermPeriod.id))).all())


def term_calendar(session: Session, *, term: Term, today: date | None = None) -> TermCalendar:
    """The term week by week: number, dates, and the holidays and exam weeks in it."""
    today = today or clock.today()
    periods = list_periods(session, term_id=term.id)
    weeks = []
    for number in range(1, week_count(term) + 1):
        monday, sunday = week_dates(term, number)
        inside = [p for p in periods if p.starts_on <= sunday and p.ends_on >= monday]
        weeks.append(TeachingWeek(number, monday, sunday, inside, monday <= today <= sunday))
    return TermCalendar(term, periods, weeks)


def _check_no_overlap(session: Session, form: TermForm, term_id: int | None) -> None:
    query = select(Term).where(Term.starts_on <= form.ends_on, Term.ends_on >= form.starts_on)
    if term_id is not None:
        query = query.where(Term.id != term_id)
    other = session.exec(query).first()
    if other is not None:
        raise FormErrors(
            {"starts_on": _l("These dates overlap the term %(name)s.", name=other.name)}
        )
    named = select(Term.id).where(Term.name == form.name)
    if term_id is not None:
        named = named.where(Term.id != term_id)
    if session.exec(named).first() is not None:
        raise FormErrors({"name": _l("Another term has this name.")})


def save_term(session: Session, *, form: TermForm, term_id: int | None = None) -> Term:
    """Create a term, or change one: no two terms overlap, and its holidays and exam weeks
    stay inside it."""
    term = Term() if term_id is None else get_term(session, term_id=term_id)
    _check_no_overlap(session, form, term_id)
    if term_id is not None:
        outside = [
            p
            for p in list_periods(session, term_id=term_id)
            if p.starts_on < form.starts_on or p.ends_on > form.ends_on
        ]
        if outside:
            raise FormErrors(
                {
                    "ends_on": _l(
                        "%(name)s (%(start)s to %(end)s) would fall outside the term: "
                        "remove it first or keep it inside.",
                        name=outside[0].name or _l(PERIOD_LABELS[PeriodKind.exam]),
                        start=outside[0].starts_on.isoformat(),
                        end=outside[0].ends_on.isoformat(),
                    )
                }
            )
    term.name, term.starts_on, term.ends_on = form.name, form.starts_on, form.ends_on
    session.add(term)
    session.flush()
    return term


def term_form_values(term: Term):
    return TermForm.initial(name=term.name, starts_on=term.starts_on, ends_on=term.ends_on)


def add_period(session: Session, *, term_id: int, form: PeriodForm) -> TermPeriod:
    """A holiday or exam week(s) inside the term."""
    term = get_term(session, term_id=term_id)
    if form.starts_on < term.starts_on:
        raise FormErrors({"starts_on": _l("The term starts on %(d)s.", d=term.starts_on)})
    if form.ends_on > term.ends_on:
        raise FormErrors({"ends_on": _l("The term ends on %(d)s.", d=term.ends_on)})
    period = TermPeriod(
        term_id=term.id,
        kind=form.kind,
        name=form.name,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
    )
    session.add(period)
    session.flush()
    return period


def remove_period(session: Session, *, term_id: int, period_id: int) -> None:
    """Remove a holiday or exam week (booked series keep the occurrences they skipped)."""
    period = session.get(TermPeriod, period_id)
    if period is None or period.term_id != term_id:
        raise NotFound("This holiday or exam week does not exist.")
    session.delete(period)
    session.flush()

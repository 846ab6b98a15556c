"""The demo term calendar (校历): the term around today with its teaching weeks, a named
holiday and the exam weeks; and a teacher's term series that skipped the holiday.

Re-runnable: a term is keyed by its name, and the demo series is made only once (when its
teacher has no term series yet).
"""

from datetime import date, timedelta

from sqlmodel import Session, select

from app.models import Role
from app.models.base import utcnow
from app.models.studios import ACTIVE_STATUSES, Booking, BookingSeries, BookingStatus, Studio
from app.models.terms import PeriodKind, Term, TermPeriod, TermSeries
from app.schemas.terms import weeks_text
from app.services import clock
from app.services.terms import plan_dates
from seeds.loader import SeedReport, create, users

DEMO_STUDIO = "直播间 A（抖音）"
SERIES_WEEKS = list(range(1, 17))
SERIES_WEEKDAY, SERIES_MINUTE, SERIES_MINUTES = 3, 14 * 60, 90  # Thursdays 14:00–15:30


def _first_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _term_around(today: date) -> tuple[str, date, date, list[tuple[str, str, date, date]]]:
    """The autumn or spring term holding ``today`` (or the next one), with its holidays and
    exam weeks (the last two weeks)."""
    year = today.year if today.month >= 3 else today.year - 1
    autumn = _first_monday(date(year, 9, 1))
    autumn_end = autumn + timedelta(weeks=20, days=-1)
    if today < date(year, 9, 1) and today.month >= 3:
        start = _first_monday(date(year, 3, 1))
        name = f"{year - 1}–{year} 学年第二学期"
        end = start + timedelta(weeks=18, days=-1)
        holidays = [("劳动节", date(year, 5, 1), date(year, 5, 5))]
    elif today <= autumn_end or today.month >= 9:
        start, end, name = autumn, autumn_end, f"{year}–{year + 1} 学年第一学期"
        holidays = [("国庆节", date(year, 10, 1), date(year, 10, 7))]
    else:
        start = _first_monday(date(year + 1, 3, 1))
        name = f"{year}–{year + 1} 学年第二学期"
        end = start + timedelta(weeks=18, days=-1)
        holidays = [("劳动节", date(year + 1, 5, 1), date(year + 1, 5, 5))]
    exam = end - timedelta(days=13)
    periods = [(PeriodKind.holiday, n, a, b) for n, a, b in holidays]
    periods.append((PeriodKind.exam, "", exam, end))
    return name, start, end, periods


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """The current term and the next (each with a holiday and exam weeks), and a teacher's
    series over the current one."""
    now = utcnow()
    term = _ensure_term(session, report, clock.local_date(now))
    if term is None:
        return  # an administrator's own term is there
    _ensure_term(session, report, term.ends_on + timedelta(days=40))  # published ahead
    _demo_series(session, report, term, now)


def _ensure_term(session: Session, report: SeedReport, day) -> Term | None:
    """The demo term around ``day``, created if missing; None where another term is."""
    name, start, end, periods = _term_around(day)
    term = session.exec(select(Term).where(Term.name == name)).first()
    if term is not None:
        return term
    overlapping = select(Term).where(Term.starts_on <= end, Term.ends_on >= start)
    if session.exec(overlapping).first() is not None:
        return None
    term = create(session, Term(name=name, starts_on=start, ends_on=end), report)
    for kind, label, first, last in periods:
        period = TermPeriod(term_id=term.id, kind=kind, name=label, starts_on=first, ends_on=last)
        session.add(period)
    session.flush()
    return term


def _demo_series(session: Session, report: SeedReport, term: Term, now) -> None:
    teachers = users(session, Role.teacher, active_only=True, limit=1)
    studio = session.exec(select(Studio).where(Studio.name == DEMO_STUDIO)).first()
    if not teachers or studio is None:
        return
    teacher = teachers[0]
    has_series = session.exec(
        select(TermSeries.series_id)
        .join(BookingSeries, BookingSeries.id == TermSeries.series_id)
        .where(BookingSeries.user_id == teacher.id)
    ).first()
    if has_series is not None:
        return
    occurrences, _skipped = plan_dates(
        session,
        term=term,
        weeks=SERIES_WEEKS,
        weekdays=[SERIES_WEEKDAY],
        minute=SERIES_MINUTE,
        minutes=SERIES_MINUTES,
    )
    if not occurrences:
        return
    series = create(
        session,
        BookingSeries(
            studio_id=studio.id,
            user_id=teacher.id,
            purpose="course",
            title="直播运营实务（按教学周）",
            weekdays=str(SERIES_WEEKDAY),
            start_minute=SERIES_MINUTE,
            minutes=SERIES_MINUTES,
            first_date=occurrences[0].day.isoformat(),
            last_date=occurrences[-1].day.isoformat(),
        ),
        report,
    )
    session.add(TermSeries(series_id=series.id, term_id=term.id, weeks=weeks_text(SERIES_WEEKS)))
    for occurrence in occurrences:
        taken = session.exec(
            select(Booking.id).where(
                Booking.studio_id == studio.id,
                Booking.status.in_(ACTIVE_STATUSES),
                Booking.starts_at < occurrence.ends_at,
                Booking.blocked_until > occurrence.starts_at,
            )
        ).first()
        if taken is not None:
            continue  # the demo fortnight took that afternoon: the series left it out
        past = occurrence.ends_at <= now
        booking = Booking(
            studio_id=studio.id,
            user_id=teacher.id,
            purpose="course",
            title=series.title,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            blocked_until=occurrence.ends_at + timedelta(minutes=studio.buffer_minutes),
            status=BookingStatus.completed if past else BookingStatus.approved,
            series_id=series.id,
            decided_by_id=teacher.id,
            checked_in_at=occurrence.starts_at if past else None,
            checked_in_by_id=teacher.id if past else None,
        )
        create(session, booking, report)
    session.flush()

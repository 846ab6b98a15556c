"""Studio utilisation per studio and week: open, booked and used hours, the no-show rate,
hours by purpose, and the demand the studios could not meet (rejected, refused and
waitlisted hours). Six queries for any range; the arithmetic is done here in Python."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from app.models.base import utcnow
from app.models.studios import (
    Booking,
    BookingRefusal,
    BookingStatus,
    Purpose,
    Studio,
    StudioBlackout,
    StudioHours,
    WaitlistEntry,
    WaitlistStatus,
)
from app.services import bookings as booking_service
from app.services import clock as st

MAX_WEEKS = 26
BOOKED = {
    BookingStatus.pending,
    BookingStatus.approved,
    BookingStatus.checked_in,
    BookingStatus.completed,
    BookingStatus.no_show,
}
USED = {BookingStatus.checked_in, BookingStatus.completed}


@dataclass
class WeekFigures:
    studio: Studio
    monday: date
    open_hours: float = 0.0
    booked_hours: float = 0.0
    used_hours: float = 0.0
    no_shows: int = 0
    attended: int = 0
    by_purpose: dict[str, float] = field(default_factory=lambda: {p.value: 0.0 for p in Purpose})
    rejected_hours: float = 0.0
    refused_hours: float = 0.0
    waitlisted_hours: float = 0.0

    @property
    def no_show_rate(self) -> float | None:
        total = self.no_shows + self.attended
        return self.no_shows / total if total else None

    @property
    def unmet_hours(self) -> float:
        return self.rejected_hours + self.refused_hours + self.waitlisted_hours

    @property
    def booked_share(self) -> float | None:
        return self.booked_hours / self.open_hours if self.open_hours else None


@dataclass
class Report:
    first_monday: date
    weeks: list[date]
    rows: list[WeekFigures]

    def totals_by_week(self) -> list[WeekFigures]:
        """All studios together, one row per week (for the chart)."""
        totals = []
        for monday in self.weeks:
            total = WeekFigures(studio=None, monday=monday)  # type: ignore[arg-type]
            for row in self.rows:
                if row.monday == monday:
                    total.open_hours += row.open_hours
                    total.booked_hours += row.booked_hours
                    total.used_hours += row.used_hours
                    total.rejected_hours += row.rejected_hours
                    total.refused_hours += row.refused_hours
                    total.waitlisted_hours += row.waitlisted_hours
            totals.append(total)
        return totals


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _overlap(a0, a1, b0, b1) -> float:
    return _hours(max(a0, b0), min(a1, b1))


def utilisation_report(
    session: Session, *, first_monday: date, weeks: int, now: datetime | None = None
) -> Report:
    """Figures for every studio and each of ``weeks`` weeks from ``first_monday``."""
    now = now or utcnow()
    weeks = max(1, min(weeks, MAX_WEEKS))
    first_monday = st.monday_of(first_monday)
    mondays = [first_monday + timedelta(days=7 * n) for n in range(weeks)]
    start, end = st.day_start(first_monday), st.day_start(mondays[-1] + timedelta(days=7))
    studios = list(session.exec(select(Studio).order_by(Studio.name)).all())
    hours: dict[int, dict[int, StudioHours]] = defaultdict(dict)
    for row in session.exec(select(StudioHours)).all():
        hours[row.studio_id][row.weekday] = row
    blackouts = defaultdict(list)
    for b in session.exec(
        select(StudioBlackout).where(StudioBlackout.starts_at < end, StudioBlackout.ends_at > start)
    ).all():
        blackouts[b.studio_id].append(b)
    figures = {(s.id, m): WeekFigures(s, m) for s in studios for m in mondays}

    def bucket(studio_id: int, instant: datetime) -> WeekFigures | None:
        return figures.get((studio_id, st.monday_of(st.local_date(instant))))

    for studio in studios:
        for monday in mondays:
            row = figures[(studio.id, monday)]
            for offset in range(7):
                day = monday + timedelta(days=offset)
                opening = hours[studio.id].get(day.weekday())
                if opening is None:
                    continue
                o0 = st.local_instant(day, opening.opens) or st.day_start(day)
                o1 = st.local_instant(day, opening.closes) or st.day_start(day + timedelta(days=1))
                dark = sum(_overlap(o0, o1, b.starts_at, b.ends_at) for b in blackouts[studio.id])
                row.open_hours += max(0.0, _hours(o0, o1) - dark)
    in_range = (Booking.starts_at >= start, Booking.starts_at < end)
    for booking in session.exec(select(Booking).where(*in_range)).all():
        row = bucket(booking.studio_id, booking.starts_at)
        if row is None:
            continue
        status = booking_service.effective_status(booking, now)
        length = booking.hours
        if status in BOOKED:
            row.booked_hours += length
            row.by_purpose[booking.purpose] = row.by_purpose.get(booking.purpose, 0.0) + length
        if status in USED:
            row.used_hours += length
            row.attended += 1
        elif status == BookingStatus.no_show:
            row.no_shows += 1
        elif status == BookingStatus.rejected:
            row.rejected_hours += length
    seen = set()
    refusals = session.exec(
        select(BookingRefusal).where(
            BookingRefusal.starts_at >= start,
            BookingRefusal.starts_at < end,
            BookingRefusal.rule.in_(booking_service.DEMAND_RULES),
        )
    ).all()
    for refusal in refusals:
        key = (refusal.user_id, refusal.studio_id, refusal.starts_at, refusal.ends_at)
        row = bucket(refusal.studio_id, refusal.starts_at)
        if row is not None and key not in seen:
            seen.add(key)
            row.refused_hours += _hours(refusal.starts_at, refusal.ends_at)
    entries = session.exec(
        select(WaitlistEntry).where(
            WaitlistEntry.starts_at >= start,
            WaitlistEntry.starts_at < end,
            WaitlistEntry.status.in_((WaitlistStatus.waiting, WaitlistStatus.expired)),
        )
    ).all()
    for entry in entries:
        row = bucket(entry.studio_id, entry.starts_at)
        if row is not None:
            row.waitlisted_hours += _hours(entry.starts_at, entry.ends_at)
    rows = [figures[(s.id, m)] for s in studios for m in mondays]
    return Report(first_monday, mondays, rows)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    value: float


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]
    ticks: list[tuple[float, str]]


def chart(report: Report, *, width: int = 720, height: int = 260) -> Chart:
    """Geometry of a grouped bar chart (booked, used, unmet hours per week) for an SVG."""
    totals = report.totals_by_week()
    kinds = ("open", "booked", "used", "unmet")
    top = max([1.0] + [max(t.open_hours, t.booked_hours, t.unmet_hours) for t in totals])
    left, bottom, plot_h = 48, 28, height - 40
    group = (width - left - 8) / max(1, len(totals))
    bar_w = max(2.0, group * 0.8 / len(kinds))
    bars, labels = [], []
    for index, total in enumerate(totals):
        values = (total.open_hours, total.booked_hours, total.used_hours, total.unmet_hours)
        x0 = left + index * group + group * 0.1
        for k, (kind, value) in enumerate(zip(kinds, values, strict=True)):
            h = plot_h * value / top
            bars.append(Bar(x0 + k * bar_w, height - bottom - h, bar_w - 1, h, kind, value))
        labels.append((left + index * group + group / 2, total.monday.strftime("%m-%d")))
    ticks = [(height - bottom - plot_h * f, f"{top * f:.0f}") for f in (0, 0.25, 0.5, 0.75, 1)]
    return Chart(width, height, bars, labels, ticks)

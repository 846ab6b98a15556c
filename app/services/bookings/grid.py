"""Time grids for the week calendar (columns = days) and the day board (columns = studios).

A grid is built in memory from rows already loaded (hours, bookings, blackouts), so a page
issues the same few statements however many bookings it shows. Multi-slot bookings span
rows with ``rowspan`` (an HTML attribute: no inline styles under the CSP).

A cell is "free" only when a booking of the studio's shortest length may start there: the
grid asks the booking's own checks (``checks``); a cell they refuse is "refused" and
carries the refusal, so the page says why before anyone submits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.models import Role, User
from app.models.studios import ACTIVE_STATUSES, Booking, Studio, StudioBlackout, StudioHours
from app.services import clock
from app.services.bookings import checks
from app.services.bookings.rules import effective_status

StartCheck = Callable[[datetime], "checks.BookingRefused | None"]


@dataclass
class Cell:
    kind: str  # closed, past, free, refused, booking, covered, buffer, blackout
    day: date
    minute: int
    starts_at: datetime | None = None
    booking: Booking | None = None
    booker: User | None = None
    status: str = ""
    rowspan: int = 1
    own: bool = False
    reason: str = ""
    refusal: checks.BookingRefused | None = None

    @property
    def time(self) -> str:
        return clock.hhmm(self.minute)


@dataclass
class Column:
    day: date
    studio: Studio
    hours: StudioHours | None
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    minutes: list[int]
    columns: list[Column]
    slot_minutes: int

    def rows(self):
        """("HH:MM", [cell per column]) in order; covered cells are included as placeholders."""
        for index, minute in enumerate(self.minutes):
            yield clock.hhmm(minute), [column.cells[index] for column in self.columns]


def row_minutes(hours: list[StudioHours], slot: int) -> list[int]:
    if not hours:
        return []
    first = min(h.opens for h in hours)
    last = max(h.closes for h in hours)
    first -= first % slot
    return list(range(first, last, slot))


def fill_column(
    column: Column,
    minutes: list[int],
    slot: int,
    bookings: list[tuple[Booking, User]],
    blackouts: list[StudioBlackout],
    *,
    viewer: User,
    now: datetime,
    check: StartCheck | None = None,
) -> None:
    """Work out every cell of one column (one studio on one day); ``check`` says what a
    booking from a free-looking start would be refused for."""
    hours = column.hours
    placed: dict[int, int] = {}  # booking id -> index of its first cell
    for index, minute in enumerate(minutes):
        cell = Cell("closed", column.day, minute)
        column.cells.append(cell)
        if hours is None or minute < hours.opens or minute >= hours.closes:
            continue
        start = clock.local_instant(column.day, minute)
        end = clock.boundary_instant(column.day, min(minute + slot, hours.closes))
        if start is None or end is None:
            continue
        cell.starts_at = start
        for booking, booker in bookings:
            if booking.starts_at < end and start < booking.ends_at:
                if booking.id in placed:
                    first = column.cells[placed[booking.id]]
                    first.rowspan += 1
                    cell.kind = "covered"
                else:
                    placed[booking.id] = index
                    cell.kind = "booking"
                    cell.booking, cell.booker = booking, booker
                    cell.status = effective_status(booking, now)
                    cell.own = booking.user_id == viewer.id
                break
            if booking.ends_at <= start < booking.blocked_until:
                cell.kind = "buffer"
                break
        if cell.kind != "closed":
            continue
        dark = next((b for b in blackouts if b.starts_at < end and start < b.ends_at), None)
        if dark is not None:
            cell.kind, cell.reason = "blackout", dark.reason
        elif start < now:
            cell.kind = "past"
        elif check is not None and (refusal := check(start)) is not None:
            cell.kind, cell.refusal = "refused", refusal
        else:
            cell.kind = "free"


def start_check(
    studio: Studio,
    hours: dict[int, StudioHours],
    bookings: list[tuple[Booking, User]],
    blackouts: list[StudioBlackout],
    *,
    viewer: User,
    now: datetime,
    used_hours: float = 0.0,
) -> StartCheck:
    """The refusal a booking of the studio's shortest length from a start would meet, by
    the booking's own checks on the loaded rows (the team rules need the form's team)."""
    active = [
        b
        for b, _ in bookings
        if b.studio_id == studio.id and effective_status(b, now) in ACTIVE_STATUSES
    ]
    dark = [b for b in blackouts if b.studio_id == studio.id]
    length = timedelta(minutes=studio.min_minutes)

    def check(start: datetime) -> checks.BookingRefused | None:
        end = start + length
        return (
            checks.time_refusal(studio, hours, viewer, start, end, now)
            or checks.blackout_refusal(studio, dark, start, end)
            or checks.quota_refusal(studio, viewer, used_hours, start, end)
            or checks.clash_refusal(studio, active, start, end)
        )

    return check


def build_grid(
    columns: list[Column],
    slot: int,
    bookings: list[tuple[Booking, User]],
    blackouts: list[StudioBlackout],
    *,
    viewer: User,
    now: datetime,
    used_hours: float = 0.0,
) -> Grid:
    """Every column's cells; ``used_hours``: the viewer's booked hours in the week shown."""
    minutes = row_minutes([c.hours for c in columns if c.hours is not None], slot)
    for column in columns:
        own_bookings = [
            (b, u)
            for b, u in bookings
            if b.studio_id == column.studio.id
            and b.status in ACTIVE_STATUSES
            and clock.local_date(b.starts_at) == column.day
        ]
        own_blackouts = [b for b in blackouts if b.studio_id == column.studio.id]
        hours = {column.day.weekday(): column.hours} if column.hours is not None else {}
        check = start_check(
            column.studio, hours, bookings, blackouts, viewer=viewer, now=now, used_hours=used_hours
        )
        fill_column(
            column, minutes, slot, own_bookings, own_blackouts, viewer=viewer, now=now, check=check
        )
    return Grid(minutes, columns, slot)


def shows_names(viewer: User) -> bool:
    """Staff see who booked; students see only that a time is taken (or theirs)."""
    return viewer.role in (Role.admin, Role.teacher)

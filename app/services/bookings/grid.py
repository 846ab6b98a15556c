"""Time grids for the week calendar (columns = days) and the day board (columns = studios).

A grid is built in memory from rows already loaded (hours, bookings, blackouts), so a page
issues the same few statements however many bookings it shows. Multi-slot bookings span
rows with ``rowspan`` (an HTML attribute: no inline styles under the CSP).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from app.models import Role, User
from app.models.studios import ACTIVE_STATUSES, Booking, Studio, StudioBlackout, StudioHours
from app.services import clock
from app.services.bookings.rules import effective_status


@dataclass
class Cell:
    kind: str  # closed, past, free, booking, covered, buffer, blackout
    day: date
    minute: int
    starts_at: datetime | None = None
    booking: Booking | None = None
    booker: User | None = None
    status: str = ""
    rowspan: int = 1
    own: bool = False
    reason: str = ""

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
) -> None:
    """Work out every cell of one column (one studio on one day)."""
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
        else:
            cell.kind = "free"


def build_grid(
    columns: list[Column],
    slot: int,
    bookings: list[tuple[Booking, User]],
    blackouts: list[StudioBlackout],
    *,
    viewer: User,
    now: datetime,
) -> Grid:
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
        fill_column(column, minutes, slot, own_bookings, own_blackouts, viewer=viewer, now=now)
    return Grid(minutes, columns, slot)


def shows_names(viewer: User) -> bool:
    """Staff see who booked; students see only that a time is taken (or theirs)."""
    return viewer.role in (Role.admin, Role.teacher)

"""Studio weeks and day boards kept per worker until their data changes.

A studio's week page was the dearest page of the app (about 20 ms of CPU): four queries,
a grid of ~200 cells each asked the booking checks, and a large render, on every visit,
for data that is the same for everyone. What is shared is kept here: the rows read (under
the "studio_bookings" data token, app/services/revisions.py, renewed by every committed
change to a studio, its hours, blackouts, bookings, calendar feed or a booker's name)
and, from them, the grid one audience sees. An audience is the viewer's role (the advance
window and the names shown depend on it) and, for a student, their hours booked that
week (the weekly quota refuses every free cell alike). What is personal, the viewer's
own bookings, is drawn live by the template over the shared rows (``GridRow.user_ids``).

A grid also changes with time alone (a slot passes, a hold or a check-in window ends, the
advance window moves at midnight): each kept grid knows the first instant it would read
differently (``valid_until``) and is drawn again from the kept rows after it.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from types import SimpleNamespace

from app.config import settings
from app.models import User
from app.models.studios import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Studio,
    StudioBlackout,
    StudioHours,
)
from app.services import clock, revisions
from app.services.bookings.grid import Column, Grid

REVISION = "studio_bookings"
_READS = {Studio, StudioHours, StudioBlackout, Booking, CalendarFeed}
revisions.track(REVISION, _READS, user_fields=("full_name",))  # names: staff see who booked

_WEEKS = revisions.Keeper(REVISION, size=64)  # studios × weeks being looked at
_NEXT_FREE = revisions.Keeper(REVISION, size=256)  # studios × times pressed for
_BOARDS = revisions.Keeper(REVISION, size=16)
_GRIDS_PER_ROWS = 16  # audiences of one week (roles × students' booked hours)


@dataclass(eq=False)
class GridRow:
    """One time row of a shared grid; rendered once per language (``shared_fragment``).
    ``user_ids``: whose bookings start in it (the rows a viewer sees drawn live)."""

    label: str
    cells: list
    studio: Studio
    show_names: bool
    user_ids: frozenset[int]


@dataclass(eq=False)
class SharedGrid:
    """A grid as one audience sees it, until ``valid_until``; its fragments render once."""

    grid: Grid
    rows: list[GridRow]
    valid_until: datetime
    today: date  # the college's date it was drawn on (it holds until midnight at most)
    feed_token: str | None = None  # the studio feed's address this audience may see

    @property
    def studio(self) -> Studio:
        return self.grid.columns[0].studio

    @property
    def days(self) -> list[date]:
        return [column.day for column in self.grid.columns]

    @cached_property
    def user_ids(self) -> frozenset[int]:
        """Whose bookings it shows (they see their rows drawn for them)."""
        return frozenset().union(*(row.user_ids for row in self.rows))


@dataclass(eq=False)
class KeptRows:
    """What one studio's week (or every studio's day) reads, and the grids drawn from it."""

    studios: list[Studio]
    hours: dict[int, dict[int, StudioHours]]  # studio id -> weekday -> hours
    bookings: list[tuple[Booking, User]]  # active and no-show, waitlist holds whatever their end
    blackouts: list[StudioBlackout]
    grids: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grid_for(self, audience: tuple, now: datetime, draw: Callable[[], SharedGrid]):
        """The grid kept for ``audience`` while it holds at ``now``, or ``draw()`` (kept)."""
        with self.lock:
            kept = self.grids.get(audience)
            if kept is not None and now < kept.valid_until:
                self.grids.move_to_end(audience)
                return kept
        kept = draw()
        with self.lock:
            self.grids[audience] = kept
            while len(self.grids) > _GRIDS_PER_ROWS:
                self.grids.popitem(last=False)
        return kept


def kept_rows(session, key: tuple, load: Callable[[], KeptRows]) -> KeptRows:
    """The rows kept under the data's token and ``key`` (("week", studio, monday) or
    ("board", day)), or ``load()`` (kept)."""
    keeper = _WEEKS if key[0] == "week" else _BOARDS
    return keeper.get(session, key, load)


def audience_of(viewer: User, used_hours: float) -> SimpleNamespace:
    """Who a shared grid is drawn for: the viewer's role, no one in particular (no cell is
    anyone's own), and the hours the quota counts."""
    return SimpleNamespace(id=None, role=viewer.role, used_hours=used_hours)


def visible_bookings(rows: KeptRows, now: datetime) -> list[tuple[Booking, User]]:
    """The kept bookings less the waitlist holds that have ended by ``now``."""
    return [
        (b, u)
        for b, u in rows.bookings
        if b.status != BookingStatus.offered
        or (b.offer_expires_at is not None and b.offer_expires_at > now)
    ]


def shared_rows(grid: Grid, studio: Studio, show_names: bool) -> list[GridRow]:
    rows = []
    for label, cells in grid.rows():
        owners = frozenset(c.booking.user_id for c in cells if c.kind == "booking")
        rows.append(GridRow(label, cells, studio, show_names, owners))
    return rows


def valid_until(grid: Grid, bookings: list[tuple[Booking, User]], now: datetime) -> datetime:
    """The first instant from ``now`` at which the grid would read differently by time
    alone: a slot begins (it is past then), a booking's status or hold ends, midnight
    (the advance window moves)."""
    window = timedelta(minutes=settings.booking_checkin_after_minutes)
    moments = [clock.day_start(clock.local_date(now) + timedelta(days=1))]
    for column in grid.columns:
        moments.extend(c.starts_at for c in column.cells if c.starts_at and c.starts_at >= now)
    for booking, _ in bookings:
        moments.extend((booking.starts_at, booking.starts_at + window, booking.ends_at))
        if booking.offer_expires_at is not None:
            moments.append(booking.offer_expires_at)
    return min(m for m in moments if m >= now)


def columns_of_week(rows: KeptRows, monday: date) -> list[Column]:
    studio = rows.studios[0]
    hours = rows.hours.get(studio.id, {})
    days = [monday + timedelta(days=n) for n in range(7)]
    return [Column(day, studio, hours.get(day.weekday())) for day in days]


def next_free_slot(
    session, *, studio: Studio, hours, after: datetime, minutes: int, now: datetime
) -> clock.Slot | None:
    """The next free time offered with a refusal, kept until the studio's bookings change:
    when a week's booking opens, hundreds of presses are refused for the same few times,
    and each searched the studio's bookings up to its horizon (the day is in the key: the
    horizon moves at midnight)."""
    from app.services.bookings import slots

    key = ("next_free", studio.id, after, minutes, clock.local_date(now))
    return _NEXT_FREE.get(
        session,
        key,
        lambda: slots.next_free_slot(
            session, studio=studio, hours=hours, after=after, minutes=minutes, now=now
        ),
    )

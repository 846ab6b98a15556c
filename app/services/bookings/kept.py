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
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from types import SimpleNamespace

from app.config import settings
from app.models import User
from app.models.base import utcnow
from app.models.kits import EquipmentItem
from app.models.studios import (
    Booking,
    BookingStatus,
    CalendarFeed,
    Studio,
    StudioBlackout,
    StudioHours,
)
from app.models.terms import Term
from app.services import clock, revisions
from app.services.bookings.grid import Column, Grid

REVISION = "studio_bookings"
_READS = {Studio, StudioHours, StudioBlackout, Booking, CalendarFeed}
revisions.track(REVISION, _READS, user_fields=("full_name",))  # names: staff see who booked

_WEEKS = revisions.Keeper(REVISION, size=64)  # studios × weeks being looked at
# What a booking press reads that no booking changes: a studio's settings and hours, the
# term calendar and the kits lent (KeptPress).
PRESS_REVISION = "studio_press"
revisions.track(PRESS_REVISION, {Studio, StudioHours, Term, EquipmentItem})
_NEXT_FREE_PER_PRESS = 256  # (bookings' token, time pressed for, length)


class _PressKeeper(revisions.Keeper):
    """Keeps a studio's KeptPress under the press token alone, reading both tokens in one
    statement: every booking renews the bookings' token, and a press in a rush would
    read the studio, its hours, the term and the kits again after each one."""

    def press(self, session, key: tuple, load: Callable[[], "KeptPress"]) -> "KeptPress":
        tokens = self.tokens(session)  # names sorted: (studio_bookings, studio_press)
        if tokens is None:
            return load()  # this transaction's own change: computed afresh, kept nowhere
        bookings_token, press_token = tokens
        full_key = (press_token, *key)
        with self._lock:
            press = self._kept.get(full_key)
            if press is not None:
                self._kept.move_to_end(full_key)
        if press is None:
            press = load()
            with self._lock:
                self._kept[full_key] = press
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        # A copy per press (sharing the kept next free times): the token is this read's.
        return replace(press, bookings_token=bookings_token)


_PRESSES = _PressKeeper(REVISION, PRESS_REVISION, size=64)  # studios × days
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


@dataclass(eq=False)
class KeptPress:
    """What every press of one studio on one day reads that is the same for everyone: the
    studio, its hours, the first instant of the term (strikes count from it), the kits
    lent with it, and the next free times offered with refusals. Kept under one token
    read: a press in a rush read each of them on a round trip of its own."""

    studio: Studio
    hours: dict[int, StudioHours]
    term_start: datetime
    kit_items: list
    bookings_token: str | None = None  # as this press read it; None: not kept
    teams: list | None = None  # the booker's team choices, as this press read them
    _next_free: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_free_slot(self, session, *, after: datetime, minutes: int, now: datetime):
        """The next free time offered with a refusal: hundreds of presses are refused for
        the same few times, and each searched the studio's bookings up to its horizon."""
        from app.services.bookings import slots

        key = (self.bookings_token, after, minutes)
        with self.lock:
            if self.bookings_token is not None and key in self._next_free:
                return self._next_free[key]
        found = slots.next_free_slot(
            session, studio=self.studio, hours=self.hours, after=after, minutes=minutes, now=now
        )
        if self.bookings_token is None:
            return found
        with self.lock:
            self._next_free[key] = found
            while len(self._next_free) > _NEXT_FREE_PER_PRESS:
                self._next_free.popitem(last=False)
        return found


def kept_press(session, *, studio_id: int, now: datetime | None = None) -> KeptPress:
    """The studio's ``KeptPress`` for the college's day of ``now`` (the term and the
    booking horizon move at midnight); NotFound for a studio that does not exist. Its
    objects are detached from ``session``: a rollback of the request leaves them whole."""
    from app.services.bookings import strikes
    from app.services.kits import offered_with_studio
    from app.services.studios import get_studio, studio_hours

    now = now or utcnow()

    def load() -> KeptPress:
        studio = get_studio(session, studio_id=studio_id)
        hours = studio_hours(session, studio_id=studio_id)
        press = KeptPress(
            studio,
            hours,
            strikes.term_start(session, now),
            offered_with_studio(session, studio_id=studio_id),
        )
        for obj in (studio, *hours.values(), *press.kit_items):
            session.expunge(obj)
        return press

    return _PRESSES.press(session, (studio_id, clock.local_date(now)), load)

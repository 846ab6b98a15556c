"""Rows of an uploaded export: cells turned into what the result form reads (the mapping's
units undone), each row matched to one of the team's sessions and checked by the same
rules as a result typed in (``ResultForm`` and ``live_sessions.check_result``)."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, select

from app.errors import DomainError, FormErrors
from app.i18n import lazy_gettext as _l
from app.models.platform_imports import MoneyUnit, PlatformImport, WatchTimeUnit
from app.models.teams import LiveSession, SessionStatus
from app.schemas.live_sessions import MAX_MINUTES, ResultForm
from app.schemas.platform_imports import RESULT_FIELDS
from app.schemas.times import parse_local_datetime
from app.services.teams.live_sessions import START_TOLERANCE, check_result

MONEY_FIELDS = ("gmv", "income", "ad_spend")
TIME_FIELDS = ("actual_start", "actual_end")
SESSION_CHOICES = 200  # the latest sessions a row may be matched to by hand
_DATETIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[T\s]\s*"
    r"(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?"
)
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2})")
_CHINESE_DURATION = re.compile(r"(?:(\d+)\s*(?:小时|时))?\s*(?:(\d+)\s*分钟?)?\s*(?:(\d+)\s*秒)?")
_FEN = re.compile(r"[0-9]+")


@dataclass
class ImportRow:
    """One session of the file: its cells, the values the result form reads, the session
    it is for, and {field: message} for what is wrong (``session`` for the matching)."""

    line: int
    cells: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)
    form: ResultForm | None = None
    live: LiveSession | None = None
    chosen: bool = False  # the session was picked by hand
    saved_to: int | None = None  # the session a saved import wrote this row to
    errors: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.errors and self.form is not None and self.live is not None


def _local_datetime(text: str) -> str:
    """``2025/11/03 19:00:05``, ``2025年11月3日 19:00`` as ``2025-11-03T19:00:05``."""
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        return text
    year, month, day, hour, minute, second = match.groups()
    seconds = f":{int(second):02d}" if second else ""
    return f"{year}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{int(minute):02d}{seconds}"


def watch_seconds(text: str, unit: str) -> int | None:
    """A watch time in whole seconds, or None when it cannot be read in ``unit``:
    seconds (``65``, ``65.4``), minutes (``1.5``), or a clock (``01:05``, ``1:02:03``,
    ``1分05秒``)."""
    text = text.strip().replace("：", ":")
    if unit == WatchTimeUnit.clock.value:
        clock = _CLOCK.fullmatch(text)
        if clock:
            hours, minutes, seconds = (int(part or 0) for part in clock.groups())
            return None if seconds >= 60 else hours * 3600 + minutes * 60 + seconds
        spoken = _CHINESE_DURATION.fullmatch(text)
        if spoken and any(spoken.groups()):
            hours, minutes, seconds = (int(part or 0) for part in spoken.groups())
            return hours * 3600 + minutes * 60 + seconds
        return None
    try:
        number = Decimal(text.rstrip("s秒").replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > MAX_MINUTES * 60:
        return None
    if unit == WatchTimeUnit.minutes.value:
        number *= 60
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _yuan_of_fen(text: str) -> str:
    """Fen (a whole number) as yuan text for the form; anything else as it was."""
    digits = text.replace(",", "").strip()
    if not _FEN.fullmatch(digits):
        return text
    fen = int(digits)
    return f"{fen // 100}.{fen % 100:02d}"


def form_values(row: ImportRow, record: PlatformImport) -> None:
    """Fill ``row.values`` from its cells, undoing the units of the mapping; a watch time
    that cannot be read is an error beside it."""
    for name in RESULT_FIELDS:
        text = str(row.cells.get(name, "")).strip()
        if name in TIME_FIELDS:
            text = _local_datetime(text)
        elif name in MONEY_FIELDS:
            text = text.removesuffix("元").strip()
            if record.money_unit == MoneyUnit.fen.value:
                text = _yuan_of_fen(text)
        elif name == "avg_watch_seconds" and text:
            seconds = watch_seconds(text, record.watch_time_unit)
            if seconds is None:
                row.errors[name] = _watch_time_hint(record.watch_time_unit)
                continue
            text = str(seconds)
        row.values[name] = text


def _watch_time_hint(unit: str) -> Any:
    if unit == WatchTimeUnit.clock.value:
        return _l("Enter the watch time as mm:ss or h:mm:ss, e.g. 01:35.")
    if unit == WatchTimeUnit.minutes.value:
        return _l("Enter the watch time in minutes, e.g. 1.5.")
    return _l("Enter the watch time in seconds, e.g. 95.")


def team_sessions(session: Session, *, team_id: int) -> list[LiveSession]:
    """The team's sessions a row may be for: not cancelled, the latest first."""
    query = (
        select(LiveSession)
        .where(
            LiveSession.team_id == team_id,
            LiveSession.status != SessionStatus.cancelled.value,
        )
        .order_by(LiveSession.planned_start.desc(), LiveSession.id.desc())  # type: ignore[union-attr]
        .limit(SESSION_CHOICES)
    )
    return list(session.exec(query).all())


def _match(row: ImportRow, sessions: list[LiveSession], chosen_id: int | None) -> None:
    """The session picked by hand, or the one planned nearest the row's start (within the
    tolerance a result may differ from its plan without a confirmation)."""
    if chosen_id is not None:
        row.live = next((live for live in sessions if live.id == chosen_id), None)
        row.chosen = row.live is not None
        if row.live is None:
            row.errors["session"] = _l("Choose one of the team's sessions for this row.")
        return
    try:
        start = parse_local_datetime(row.values.get("actual_start", ""))
    except ValueError:
        return  # the start's own error says what is wrong
    near = [live for live in sessions if abs(start - live.planned_start) <= START_TOLERANCE]
    if near:
        row.live = min(near, key=lambda live: abs(start - live.planned_start))
    else:
        row.errors["session"] = _l(
            "No session of the team is planned within %(hours)s hours of this start. "
            "Plan the session first, or choose it for this row.",
            hours=int(START_TOLERANCE.total_seconds() // 3600),
        )


def check_row(row: ImportRow, record: PlatformImport, sessions: list[LiveSession], now) -> None:
    """Convert, match and validate one row, recording every problem beside it."""
    form_values(row, record)
    _match(row, sessions, record.choices.get(str(row.line)))
    try:
        # A session picked by hand is the confirmation a start far from its plan needs.
        form = ResultForm.parse({**row.values, "times_confirmed": row.chosen})
    except FormErrors as exc:
        for name, message in exc.errors.items():
            row.errors.setdefault(name, message)
        return
    if row.errors:
        return
    row.form = form
    try:
        check_result(row.live, form, now)
    except FormErrors as exc:
        row.errors.update({k: v for k, v in exc.errors.items() if k != "times_confirmed"})
    except DomainError as exc:  # a cancelled session
        row.errors["session"] = _l(exc.message, **exc.params)


def check_rows(
    session: Session, record: PlatformImport, *, now: datetime
) -> tuple[list[ImportRow], list[LiveSession]]:
    """Every row of an import, checked as of ``now``, and the sessions rows may be for.
    Two rows for one session: the later one is refused, so a save is predictable."""
    sessions = team_sessions(session, team_id=record.team_id)
    rows = []
    taken: dict[int, int] = {}
    for raw in record.rows:
        line = int(raw.get("line", 0))
        cells = {k: str(v) for k, v in raw.items() if k in RESULT_FIELDS}
        row = ImportRow(line=line, cells=cells, saved_to=raw.get("_saved"))
        check_row(row, record, sessions, now)
        if row.live is not None and row.live.id in taken and "session" not in row.errors:
            row.errors["session"] = _l(
                "Row %(line)s of the file is for the same session. Keep one row per session, "
                "or choose another session for this row.",
                line=taken[row.live.id],
            )
        if row.live is not None:
            taken.setdefault(row.live.id, line)
        rows.append(row)
    return rows, sessions

"""Forms of the term calendar and of term series: a term, a holiday or exam period, a
series booked by teaching week (its weeks written as ``1-16`` or ``1-8,10,12``), an edit of
such a series, and moving one occurrence.

What needs the database (terms that overlap, a period outside its term, weeks past the
term's last) is checked by the terms service."""

import re
from datetime import date
from typing import Any

from pydantic import Field

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.terms import PeriodKind
from app.schemas.base import FormModel
from app.schemas.bookings import DAY_MINUTES, TITLE_CHARS, _SlotForm
from app.schemas.fields import Choice, Count, Id, Text, checked, field_error, text_of
from app.schemas.times import HourMinute, LocalDate

MAX_TERM_WEEKS = 30  # a 校历 term is 18–20 weeks; this bounds typing mistakes
NAME_CHARS = 100
_WEEK_PART = re.compile(r"([0-9]{1,2})(?:[-–~至]([0-9]{1,2}))?")
_AROUND_DASH = re.compile(r"\s*([-–~至])\s*")
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def parse_weeks(value: Any) -> list[int]:
    """'1-8,10,12' (also with Chinese commas or 至) -> [1, ..., 8, 10, 12], each once."""
    text = _AROUND_DASH.sub(r"\1", text_of(value))
    if not text:
        raise field_error("Enter the teaching weeks, e.g. 1-16 or 1-8,10,12.")
    weeks: set[int] = set()
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        match = _WEEK_PART.fullmatch(part)
        if match is None:
            raise field_error("Write weeks as numbers and ranges, e.g. 1-8,10,12.")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first < 1 or last > MAX_TERM_WEEKS:
            raise field_error("Teaching weeks run from 1 to %(n)s.", n=MAX_TERM_WEEKS)
        if last < first:
            raise field_error("A range of weeks goes from the lower to the higher: 3-8.")
        weeks.update(range(first, last + 1))
    return sorted(weeks)


def weeks_text(weeks: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3,5': how a series' weeks are stored and shown."""
    parts, start = [], None
    for i, week in enumerate(weeks):
        if start is None:
            start = week
        if i + 1 == len(weeks) or weeks[i + 1] != week + 1:
            parts.append(str(start) if start == week else f"{start}-{week}")
            start = None
    return ",".join(parts)


# One text input (not repeated inputs), read into a list of week numbers: typed as Any so
# that the form reader takes the text as sent rather than as a list of values.
WeekList = checked(Any, parse_weeks)


class _Span(FormModel):
    starts_on: LocalDate()
    ends_on: LocalDate()

    def field_problems(self) -> dict[str, Any]:
        if self.has("starts_on", "ends_on") and self.ends_on < self.starts_on:
            return {"ends_on": _l("The last day must not be before the first.")}
        return {}


class TermForm(_Span):
    """A term: its name (2026–2027 学年第一学期) and first and last day."""

    name: Text(NAME_CHARS, required=True)

    def field_problems(self) -> dict[str, Any]:
        problems = super().field_problems()
        if self.has("starts_on", "ends_on") and not problems:
            if self.ends_on == self.starts_on:
                problems["ends_on"] = _l("The term must end after it starts.")
            elif (self.ends_on - self.starts_on).days >= MAX_TERM_WEEKS * 7:
                problems["ends_on"] = _l("A term lasts at most %(n)s weeks.", n=MAX_TERM_WEEKS)
        return problems


class PeriodForm(_Span):
    """A holiday (with its name) or exam week(s) of a term, as a date range."""

    kind: Choice(PeriodKind, message=N_("Choose holiday or exam week."))
    name: Text(NAME_CHARS)

    def field_problems(self) -> dict[str, Any]:
        problems = super().field_problems()
        if self.has("kind", "name") and self.kind == PeriodKind.holiday and not self.name:
            problems["name"] = _l("Name the holiday, e.g. 国庆节.")
        return problems


class _Pattern(FormModel):
    """The pattern of a term series: teaching weeks and weekdays (0 is Monday)."""

    weeks: WeekList
    weekdays: list[Count(low=0, high=6)]

    def days(self) -> list[int]:
        return sorted(set(self.weekdays))

    def pattern_problems(self) -> dict[str, Any]:
        if self.has("weekdays") and not self.weekdays:
            return {"weekdays": _l("Choose at least one weekday.")}
        return {}


class TermSeriesForm(_Pattern, _SlotForm):
    """A series by teaching week: a studio, a term, weeks, weekdays and a time."""

    studio_id: Id
    term_id: Id

    def field_problems(self) -> dict[str, Any]:
        return {**_SlotForm.field_problems(self), **self.pattern_problems()}


class TermSeriesActionForm(TermSeriesForm):
    """The series form as posted: preview it, or book the occurrences the preview showed."""

    action: Choice(("preview", "commit"), required=False)
    occurrences: list[Text(40)] = Field(default=[], alias="occurrence")

    @property
    def commits(self) -> bool:
        return self.action == "commit"


class SeriesEditForm(_Pattern):
    """A new time, length, title or weeks for a series' future occurrences."""

    time: HourMinute(message=N_("Enter a start time as HH:MM."))
    minutes: Count(low=1, high=DAY_MINUTES, message=N_("Choose a length."))
    title: Text(TITLE_CHARS)

    def field_problems(self) -> dict[str, Any]:
        problems = self.pattern_problems()
        if self.has("time") and self.time >= DAY_MINUTES:
            problems["time"] = _l("Enter a start time as HH:MM.")
        return problems


class MoveForm(FormModel):
    """Where one occurrence goes: another day and/or time (same length)."""

    date: LocalDate()
    time: HourMinute(message=N_("Enter a start time as HH:MM."))

    def field_problems(self) -> dict[str, Any]:
        if self.has("time") and self.time >= DAY_MINUTES:
            return {"time": _l("Enter a start time as HH:MM.")}
        return {}


def term_initial(name: str = "", starts_on: date | None = None, ends_on: date | None = None):
    return TermForm.initial(name=name, starts_on=starts_on or "", ends_on=ends_on or "")

"""The date and time field types: calendar dates, local date-times stored in UTC, times of
day; and how such values are shown back in inputs. See ``app.schemas.fields``."""

import re
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import PydanticCustomError

from app.config import settings
from app.schemas.fields import Message, checked, field_error, is_blank, text_of
from app.services import clock

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def parse_local_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise field_error("Enter a date as YYYY-MM-DD.")
    if isinstance(value, date):
        parsed = value
    else:
        text = text_of(value).replace("/", "-")
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            raise field_error("Enter a date as YYYY-MM-DD.") from None
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise field_error("Enter a date between 2000 and 2100.")
    return parsed


def date_or_none(value: Any) -> date | None:
    """The date a query string names (``?week=2026-09-07``), or None when it names none:
    pages fall back to their default (today, this week) instead of refusing the link."""
    try:
        return parse_local_date(value)
    except PydanticCustomError:
        return None


def LocalDate(*, required: bool = True, not_future: bool = False) -> Any:  # noqa: N802
    """A calendar date (YYYY-MM-DD) between 2000 and 2100; None when blank and optional;
    with ``not_future``, no later than today on the college's clock."""

    def check(value: Any) -> date | None:
        if is_blank(value):
            if required:
                raise field_error("Enter a date.")
            return None
        parsed = parse_local_date(value)
        if not_future and parsed > clock.today():
            raise field_error("The date cannot be in the future.")
        return parsed

    return checked(date if required else date | None, check)


def parse_local_datetime(value: Any) -> datetime:
    """``YYYY-MM-DDTHH:MM`` on the college's clock, returned as an aware UTC datetime."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = text_of(value).replace(" ", "T")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise field_error("Enter a date and time as YYYY-MM-DD HH:MM.") from None
    if not MIN_DATE <= parsed.date() <= MAX_DATE:
        raise field_error("Enter a date between 2000 and 2100.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings.tz)
    return parsed.astimezone(UTC)


def LocalDateTime(*, required: bool = True) -> Any:  # noqa: N802
    """A local date and time (datetime-local input), stored in UTC."""

    def check(value: Any) -> datetime | None:
        if is_blank(value):
            if required:
                raise field_error("Enter a date and time.")
            return None
        return parse_local_datetime(value)

    return checked(datetime if required else datetime | None, check)


def parse_hhmm(value: Any) -> int:
    """'08:30' -> 510 minutes after midnight; '24:00' is the end of a day."""
    match = _HHMM.fullmatch(text_of(value))
    if match is None:
        raise field_error("Enter a time as HH:MM.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise field_error("Enter a time as HH:MM.")
    return hours * 60 + minutes


def HourMinute(*, required: bool = True, message: Message | None = None) -> Any:  # noqa: N802
    """A time of day (HH:MM) as minutes after midnight; None when blank and optional."""

    def check(value: Any) -> int | None:
        if is_blank(value):
            if required:
                raise field_error("Enter a time as HH:MM.")
            return None
        return parse_hhmm(value)

    return checked(int if required else int | None, check, message)


def datetime_input(value: datetime | None) -> str:
    """A UTC datetime as the value of a datetime-local input, on the college's clock."""
    if value is None:
        return ""
    return value.astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M")


def hhmm_input(minutes: int | None) -> str:
    """Minutes after midnight as the value of a time input (``08:30``)."""
    if minutes is None:
        return ""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

"""Parsing of the text that team, live-session and guidance forms send.

Each parser records a lazy message in ``errors`` under the field's name and returns None
when the text is not acceptable, so a service can report every bad field at once.
"""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.config import settings
from app.i18n import lazy_gettext as _l
from app.services.clock import today

MAX_INT = 2_000_000_000
MAX_FEN = 100_000_000_000  # one billion yuan: more than any student session


def parse_date(
    value: str, field: str, errors: dict, *, required: bool = True, not_future: bool = False
) -> date | None:
    text = (value or "").strip()
    if not text:
        if required:
            errors[field] = _l("Enter a date.")
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        errors[field] = _l("Enter a date as YYYY-MM-DD.")
        return None
    if parsed.year < 2000 or parsed.year > 2100:
        errors[field] = _l("Enter a date between 2000 and 2100.")
        return None
    if not_future and parsed > today():
        errors[field] = _l("The date cannot be in the future.")
        return None
    return parsed


def parse_local_datetime(
    value: str, field: str, errors: dict, *, required: bool = True
) -> datetime | None:
    """A ``YYYY-MM-DDTHH:MM`` in the college's time zone, returned in UTC."""
    text = (value or "").strip().replace(" ", "T")
    if not text:
        if required:
            errors[field] = _l("Enter a date and time.")
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        errors[field] = _l("Enter a date and time as YYYY-MM-DD HH:MM.")
        return None
    if parsed.year < 2000 or parsed.year > 2100:
        errors[field] = _l("Enter a date between 2000 and 2100.")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=settings.tz)
    return parsed.astimezone(UTC)


def local_input(value: datetime | None) -> str:
    """A UTC datetime as the value of a datetime-local input."""
    if value is None:
        return ""
    return value.astimezone(settings.tz).strftime("%Y-%m-%dT%H:%M")


def local_date(value: datetime) -> date:
    return value.astimezone(settings.tz).date()


def parse_int(
    value: str,
    field: str,
    errors: dict,
    *,
    required: bool = True,
    minimum: int = 0,
    maximum: int = MAX_INT,
) -> int | None:
    text = (value or "").strip().replace(",", "")
    if not text:
        if required:
            errors[field] = _l("Enter a number.")
            return None
        return 0
    try:
        number = int(text)
    except ValueError:
        errors[field] = _l("Enter a whole number.")
        return None
    if number < 0 and minimum >= 0:
        errors[field] = _l("The number cannot be negative.")
        return None
    if number < minimum:
        errors[field] = _l("Enter at least %(n)s.", n=minimum)
        return None
    if number > maximum:
        errors[field] = _l("Enter at most %(n)s.", n=maximum)
        return None
    return number


def parse_money(value: str, field: str, errors: dict, *, required: bool = True) -> int | None:
    """Yuan with up to two decimals (``1234.5``, ``¥1,234.50``) as integer fen."""
    text = (value or "").strip().replace(",", "").replace("¥", "").replace("￥", "")
    if not text:
        if required:
            errors[field] = _l("Enter an amount.")
            return None
        return 0
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[field] = _l("Enter an amount in yuan, e.g. 1280.50.")
        return None
    if not amount.is_finite():
        errors[field] = _l("Enter an amount in yuan, e.g. 1280.50.")
        return None
    if amount < 0:
        errors[field] = _l("The amount cannot be negative.")
        return None
    fen = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if fen > MAX_FEN:
        errors[field] = _l("The amount is too large.")
        return None
    return fen


def yuan(fen: int | None) -> str:
    """Fen as a yuan amount for a form field (``1280.50``)."""
    if fen is None:
        return ""
    return f"{fen / 100:.2f}"


def strip_nul(value: str | None) -> str:
    """NUL characters mean nothing in a form, and PostgreSQL refuses them in text."""
    return (value or "").replace("\x00", "").strip()


def clean_text(value: str, field: str, errors: dict, *, max_length: int, required=False) -> str:
    text = strip_nul(value)
    if required and not text:
        errors[field] = _l("This field is required.")
    elif len(text) > max_length:
        errors[field] = _l("Use at most %(n)s characters.", n=max_length)
    return text


def parse_id(value: str | int | None) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < MAX_INT else None

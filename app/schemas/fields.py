"""The field types every form uses: each turns the text a browser sent into a bounded value
or one clear, translated message beside the field.

Use them as annotations on a ``FormModel``::

    class PlanForm(FormModel):
        theme: Text(200, required=True)
        planned_start: LocalDateTime()
        gmv_target: Money(required=False)
        booking_id: OptionalId

Bounds exist so that nothing a form sends can reach the database out of range (a row id
past PostgreSQL's ``integer``, a date past year 9999, an amount that overflows ``bigint``).
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from app.i18n import N_

MAX_ROW_ID = 2**31 - 1  # PostgreSQL integer: every primary key
MAX_INT = 2_000_000_000
MAX_FEN = 100_000_000_000  # one billion yuan: more than any student business
MAX_LIST = 200  # checkboxes or repeated rows one form may send
ERROR_TYPE = "chanjiao_form"

# Characters that have no place in what a person types: NUL (PostgreSQL refuses it in
# text), other C0 controls but tab and line breaks, and the bidirectional overrides and
# isolates that make text display in a different order from how it is stored.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_DIGITS = re.compile(r"[0-9]+")
_YUAN = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def field_error(msgid: str, **params: Any) -> PydanticCustomError:
    """A validation failure carrying a msgid; ``FormModel`` shows it translated."""
    return PydanticCustomError(ERROR_TYPE, msgid, {"msgid": msgid, "params": params})


def without_control_characters(text: str) -> str:
    """Text with NUL, other control and text-direction characters taken out (what a search
    box sends is cleaned, not refused: a search cannot mean them)."""
    return _FORBIDDEN.sub("", text).strip()


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise field_error("Enter text.")
    if isinstance(value, int | Decimal | date):
        return str(value)
    raise field_error("Enter text.")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Message = str | tuple[str, dict[str, Any]]
"""A msgid, or a msgid with its parameters: ("Enter a year from %(low)s to %(high)s.",
{"low": 2000, "high": 2100})."""


def checked(kind: Any, check: Callable[[Any], Any], message: Message | None = None) -> Any:
    """``kind`` validated by ``check``; with ``message``, every refusal says that instead
    (a form that words its rule once, e.g. 'Choose a semester from 1 to 6.')."""
    if message is None:
        return Annotated[kind, BeforeValidator(check)]
    msgid, params = (message, {}) if isinstance(message, str) else message

    def worded(value: Any) -> Any:
        try:
            return check(value)
        except PydanticCustomError:
            raise field_error(msgid, **params) from None

    return Annotated[kind, BeforeValidator(worded)]


# --- text ------------------------------------------------------------------------------------


def clean_text(value: Any, *, max_length: int, required: bool = False) -> str:
    text = text_of(value).replace("\r\n", "\n")
    if _FORBIDDEN.search(text):
        raise field_error("Remove the control or text-direction characters from this field.")
    if required and not text:
        raise field_error("This field is required.")
    if len(text) > max_length:
        raise field_error("Use at most %(n)s characters.", n=max_length)
    return text


def Text(max_length: int, *, required: bool = False) -> Any:  # noqa: N802 (a type)
    """Trimmed text of at most ``max_length`` characters (line breaks allowed)."""
    return checked(str, lambda v: clean_text(v, max_length=max_length, required=required))


def Password(max_length: int = 1024) -> Any:  # noqa: N802
    """A password as typed: never trimmed (spaces count), bounded, no NUL."""

    def check(value: Any) -> str:
        text = "" if value is None else value if isinstance(value, str) else text_of(value)
        if "\x00" in text:
            raise field_error("Remove the control or text-direction characters from this field.")
        if len(text) > max_length:
            raise field_error("Use at most %(n)s characters.", n=max_length)
        return text

    return checked(str, check)


def OptionalText(max_length: int) -> Any:  # noqa: N802
    """Like ``Text`` but None when blank (a nullable column)."""

    def check(value: Any) -> str | None:
        return clean_text(value, max_length=max_length) or None

    return checked(str | None, check)


# --- whole numbers and ids -------------------------------------------------------------------


def _whole(value: Any, *, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise field_error("Enter a whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = text_of(value).replace(",", "").replace("，", "")
        negative = text.startswith("-")
        digits = text[1:] if negative else text
        if not _DIGITS.fullmatch(digits) or len(digits) > 18:
            if _DIGITS.fullmatch(digits):
                raise field_error("Enter at most %(n)s.", n=high)
            raise field_error("Enter a whole number.")
        number = -int(digits) if negative else int(digits)
    if number < 0 <= low:
        raise field_error("The number cannot be negative.")
    if number < low:
        raise field_error("Enter at least %(n)s.", n=low)
    if number > high:
        raise field_error("Enter at most %(n)s.", n=high)
    return number


def Count(  # noqa: N802
    *, low: int = 0, high: int = MAX_INT, required: bool = True, message: Message | None = None
) -> Any:
    """A whole number in [low, high]; blank is an error, or ``low`` when not required."""

    def check(value: Any) -> int:
        if is_blank(value):
            if required:
                raise field_error("Enter a number.")
            return low
        return _whole(value, low=low, high=high)

    return checked(int, check, message)


def OptionalCount(  # noqa: N802
    *, low: int = 0, high: int = MAX_INT, message: Message | None = None
) -> Any:
    """A whole number in [low, high], or None when blank."""

    def check(value: Any) -> int | None:
        return None if is_blank(value) else _whole(value, low=low, high=high)

    return checked(int | None, check, message)


def _row_id(value: Any) -> int:
    if is_blank(value):
        raise field_error("Choose an item from the list.")
    try:
        return _whole(value, low=1, high=MAX_ROW_ID)
    except PydanticCustomError:
        raise field_error("Choose an item from the list.") from None


def _optional_row_id(value: Any) -> int | None:
    return None if is_blank(value) else _row_id(value)


def _row_ids(value: Any) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    if len(values) > MAX_LIST:
        raise field_error("Choose at most %(n)s items.", n=MAX_LIST)
    ids: list[int] = []
    for item in values:
        if is_blank(item):
            continue
        number = _row_id(item)
        if number not in ids:
            ids.append(number)
    return ids


def row_id_or_none(value: Any) -> int | None:
    """The row id a list row names, or None when it names none (rows checked by a service)."""
    try:
        return _row_id(value)
    except PydanticCustomError:
        return None


Id = checked(int, _row_id)
"""A row chosen from a list (1..2^31-1): anything else is 'choose an item from the list'."""
OptionalId = checked(int | None, _optional_row_id)
IdList = checked(list[int], _row_ids)


def RowChoice(message: Message, *, required: bool = False) -> Any:  # noqa: N802
    """A row id chosen from a list, whose refusal names the list ('Choose a cohort from
    the list.'); None when blank and not required."""
    return checked(
        int if required else int | None, _row_id if required else _optional_row_id, message
    )


"""Ticked checkboxes or a multiple select: distinct row ids, in the order sent."""


# --- money and decimals ----------------------------------------------------------------------


def yuan_to_fen(value: Any) -> int:
    """Yuan with at most two decimals (``1280.5``, ``¥1,280.50``) as integer fen."""
    text = text_of(value)
    for mark in (",", "，", "¥", "￥", " "):
        text = text.replace(mark, "")
    if text.startswith("-"):
        raise field_error("The amount cannot be negative.")
    match = _YUAN.fullmatch(text)
    if match is None:
        raise field_error("Enter an amount in yuan, e.g. 1280.50.")
    whole, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    if len(whole) > 12:
        raise field_error("The amount is too large.")
    fen = int(whole) * 100 + int(cents)
    if fen > MAX_FEN:
        raise field_error("The amount is too large.")
    return fen


def Money(*, required: bool = True) -> Any:  # noqa: N802
    """An amount in yuan, stored as integer fen; blank is 0 when not required."""

    def check(value: Any) -> int:
        if is_blank(value):
            if required:
                raise field_error("Enter an amount.")
            return 0
        return yuan_to_fen(value)

    return checked(int, check)


def OptionalMoney() -> Any:  # noqa: N802
    """An amount in yuan as fen, or None when blank."""
    return checked(int | None, lambda v: None if is_blank(v) else yuan_to_fen(v))


def parse_decimal(value: Any, *, low: Decimal, high: Decimal, places: int) -> Decimal:
    text = text_of(value).replace(",", "")
    if not _DECIMAL.fullmatch(text) or len(text) > 30:
        raise field_error("Enter a number, e.g. 12.5.")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise field_error("Enter a number, e.g. 12.5.") from None
    if number < low:
        raise field_error("Enter at least %(n)s.", n=low)
    if number > high:
        raise field_error("Enter at most %(n)s.", n=high)
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step, rounding=ROUND_HALF_UP):
        raise field_error("Use at most %(n)s decimal places.", n=places)
    return number.quantize(step)


def Number(  # noqa: N802
    *,
    low: Decimal | int | str,
    high: Decimal | int | str,
    places: int = 2,
    required: bool = True,
    message: Message | None = None,
) -> Any:
    """A decimal in [low, high] with at most ``places`` decimals (scores, weights, credits)."""
    low, high = Decimal(low), Decimal(high)

    def check(value: Any) -> Decimal | None:
        if is_blank(value):
            if required:
                raise field_error("Enter a number.")
            return None
        return parse_decimal(value, low=low, high=high, places=places)

    return checked(Decimal if required else Decimal | None, check, message)


# --- choices ---------------------------------------------------------------------------------


def Choice(  # noqa: N802
    options: type[Enum] | Iterable[str], *, required: bool = True, message: str | None = None
) -> Any:
    """One of an enum's values or of a list of codes (a select or radio group), as its
    code; ``message`` replaces 'Choose one of the options.' where a form says more."""
    if isinstance(options, type) and issubclass(options, Enum):
        allowed = frozenset(str(member.value) for member in options)
    else:
        allowed = frozenset(options)
    refusal = message or N_("Choose one of the options.")

    def check(value: Any) -> str | None:
        if isinstance(value, Enum):
            value = value.value
        text = text_of(value)
        if not text and not required:
            return None
        if text not in allowed:
            raise field_error(refusal)
        return text

    return checked(str if required else str | None, check)


def Flag() -> Any:  # noqa: N802
    """A checkbox: ticked when sent with any value but '', '0', 'off' or 'false'."""

    def check(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        return text_of(value).lower() not in ("", "0", "off", "false", "no")

    return checked(bool, check)


# --- shown back in inputs (edit pages) -------------------------------------------------------


def yuan_input(fen: int | None) -> str:
    """Fen as the text of an amount input (``1280.50``); blank for None."""
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"

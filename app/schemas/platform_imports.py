"""Forms of platform data imports: a platform's column mapping, the upload, and the
sessions picked by hand for rows of an uploaded export."""

from typing import Any

from pydantic import Field

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.platform_imports import MoneyUnit, WatchTimeUnit
from app.models.teams import Platform
from app.schemas.base import FormModel
from app.schemas.fields import Choice, RowChoice, Text, row_id_or_none
from app.services.uploads import header_key

HEADER_CHARS = 100

# The result figures an export can fill, in the order the forms show them; the first
# ones are what every result needs (ResultForm requires them), the rest may be unmapped.
REQUIRED_FIELDS = (
    "actual_start",
    "actual_end",
    "gmv",
    "orders",
    "refunds",
    "income",
    "new_followers",
    "peak_viewers",
)
OPTIONAL_FIELDS = ("viewers", "avg_watch_seconds", "interactions", "ad_spend")
RESULT_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

FIELD_LABELS = {
    "actual_start": N_("Actual start"),
    "actual_end": N_("Actual end"),
    "gmv": N_("GMV (yuan)"),
    "orders": N_("Orders"),
    "refunds": N_("Refunds"),
    "income": N_("Income (yuan)"),
    "new_followers": N_("New followers"),
    "peak_viewers": N_("Peak viewers"),
    "viewers": N_("Viewers (UV)"),
    "avg_watch_seconds": N_("Average watch time"),
    "interactions": N_("Interactions"),
    "ad_spend": N_("Paid traffic spend (yuan)"),
}


class MappingForm(FormModel):
    """A platform's mapping: for each result figure, the header of its column."""

    platform: Choice(Platform, message=N_("Choose a platform from the list."))
    name: Text(100, required=True)
    watch_time_unit: Choice(WatchTimeUnit)
    money_unit: Choice(MoneyUnit)
    actual_start: Text(HEADER_CHARS) = ""
    actual_end: Text(HEADER_CHARS) = ""
    gmv: Text(HEADER_CHARS) = ""
    orders: Text(HEADER_CHARS) = ""
    refunds: Text(HEADER_CHARS) = ""
    income: Text(HEADER_CHARS) = ""
    new_followers: Text(HEADER_CHARS) = ""
    peak_viewers: Text(HEADER_CHARS) = ""
    viewers: Text(HEADER_CHARS) = ""
    avg_watch_seconds: Text(HEADER_CHARS) = ""
    interactions: Text(HEADER_CHARS) = ""
    ad_spend: Text(HEADER_CHARS) = ""

    def columns(self) -> dict[str, str]:
        """{result field: header} of the mapped fields."""
        return {name: getattr(self, name) for name in RESULT_FIELDS if getattr(self, name)}

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        for name in REQUIRED_FIELDS:
            if self.has(name) and not getattr(self, name):
                problems[name] = _l("Enter the header of this column: every result needs it.")
        seen: dict[str, str] = {}
        for name in RESULT_FIELDS:
            header = getattr(self, name, "") if self.has(name) else ""
            if not header:
                continue
            key = header_key(header)
            if not key:
                problems[name] = _l("Enter the header as the export spells it.")
            elif key in seen:
                problems[name] = _l(
                    "This header is already the column of “%(field)s”: one column holds "
                    "one figure.",
                    field=_l(FIELD_LABELS[seen[key]]),
                )
            else:
                seen[key] = name
        return problems


class ImportUploadForm(FormModel):
    """The mapping an uploaded export is read with (the file has its own reader)."""

    mapping_id: RowChoice(N_("Choose a column mapping from the list."), required=True)


class RowChoicesForm(FormModel):
    """The session picked for each row of the preview (line + session rows); a blank
    session means "match by the start time"."""

    lines: list[str] = Field(default=[], alias="row_line")
    sessions: list[str] = Field(default=[], alias="row_session")

    def choices(self) -> dict[str, int]:
        """{line: session id} of the rows that name a session."""
        chosen = {}
        for line, session_id in zip(self.lines, self.sessions, strict=False):
            number, picked = row_id_or_none(line), row_id_or_none(session_id)
            if number is not None and picked is not None:
                chosen[str(number)] = picked
        return chosen

"""Forms of equipment kits: an item (administrators), a reservation for a local time
range, the kit section of the studio booking form, and the desk's checkout and return.

What needs the database (the item exists and is active, enough units are free, the
reservation may be checked out) is checked by the kits service."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.kits import ItemCategory
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Flag, Id, OptionalId, Text
from app.schemas.times import HourMinute, LocalDate
from app.services import clock

DAY_MINUTES = 24 * 60
MAX_UNITS = 500
NOTE_CHARS = 500


class ItemForm(FormModel):
    """An item: its names (one is enough), category, units, home studio or shared pool."""

    name_zh: Text(100)
    name_en: Text(100)
    category: Choice(ItemCategory, message=N_("Choose a category."))
    quantity_total: Count(low=0, high=MAX_UNITS)
    studio_id: OptionalId
    is_active: Flag()

    def field_problems(self) -> dict[str, Any]:
        if self.has("name_zh", "name_en") and not (self.name_zh or self.name_en):
            return {"name_zh": _l("Enter the item's name in Chinese or English.")}
        return {}


class KitSpanForm(FormModel):
    """A local date, start time and length: the time a kit is wanted for."""

    date: LocalDate()
    time: HourMinute(message=N_("Enter a start time as HH:MM."))
    minutes: Count(low=15, high=DAY_MINUTES, message=N_("Choose a length."))

    def span(self) -> tuple[datetime, datetime]:
        """The UTC start and end (a valid form names no skipped local time)."""
        starts_at = clock.local_instant(self.date, self.time)
        return starts_at, starts_at + timedelta(minutes=self.minutes)  # type: ignore[operator]

    def field_problems(self) -> dict[str, Any]:
        if self.has("time") and self.time >= DAY_MINUTES:
            return {"time": _l("Enter a start time as HH:MM.")}
        if self.has("date", "time") and clock.local_instant(self.date, self.time) is None:
            return {"time": _l("This local time does not exist (clocks change).")}
        return {}


class KitReserveForm(KitSpanForm):
    """Reserving units of one item for a time, without a studio."""

    item_id: Id
    quantity: Count(low=1, high=MAX_UNITS)


class KitChoicesForm(FormModel):
    """The kit section of the studio booking form: one row per offered item (its id in a
    hidden input, the units wanted beside it; blank or 0 is none)."""

    kit_item: list[Id] = Field(default=[])
    kit_quantity: list[Count(low=0, high=MAX_UNITS, required=False)] = Field(default=[])

    def wanted(self) -> dict[int, int]:
        """Units wanted per item id (rows with 0 left out)."""
        wanted: dict[int, int] = {}
        for item_id, quantity in zip(self.kit_item, self.kit_quantity, strict=False):
            if quantity:
                wanted[item_id] = wanted.get(item_id, 0) + quantity
        return wanted

    def field_problems(self) -> dict[str, Any]:
        if self.has("kit_item", "kit_quantity") and len(self.kit_item) != len(self.kit_quantity):
            return {"kit": _l("The kit rows were not sent whole: reload the page.")}
        return {}


class CheckoutForm(FormModel):
    """Handing a kit out: the condition it leaves in."""

    note: Text(NOTE_CHARS)


class ReturnForm(FormModel):
    """Taking a kit back: the condition it came back in, and whether it is damaged."""

    note: Text(NOTE_CHARS)
    damaged: Flag()


class KitWhenFilter(FormModel):
    """The time the kits page shows free units for (the query string; bad values fall
    back to the defaults: today, the next whole hour, two hours)."""

    date: LocalDate(required=False) = None
    time: HourMinute(required=False) = None
    minutes: Count(low=15, high=DAY_MINUTES, required=False) = 120

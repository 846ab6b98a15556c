"""Equipment kits: what routers and other domains use, re-exported."""

from .desk import check_out, desk_day, overdue, return_kit
from .items import (
    CATEGORY_LABELS,
    ItemAvailability,
    availability,
    delete_item,
    get_item,
    item_form,
    list_items,
    offered_with_studio,
    save_item,
    span_to_show,
    studio_choices,
)
from .reservations import (
    STATUS_LABELS,
    ReservationRow,
    cancel_reservation,
    is_overdue,
    my_reservations,
    reserve_from_form,
    reserve_with_booking,
)

__all__ = [
    "CATEGORY_LABELS",
    "ItemAvailability",
    "ReservationRow",
    "STATUS_LABELS",
    "availability",
    "cancel_reservation",
    "check_out",
    "delete_item",
    "desk_day",
    "get_item",
    "is_overdue",
    "item_form",
    "list_items",
    "my_reservations",
    "offered_with_studio",
    "overdue",
    "reserve_from_form",
    "reserve_with_booking",
    "return_kit",
    "save_item",
    "span_to_show",
    "studio_choices",
]

"""Studios: what routers and other domains use, re-exported."""

from app.schemas.studios import SLOT_CHOICES

from .photos import PHOTO_MAX_BYTES, get_photo, set_photo, studios_with_photo
from .rooms import (
    add_blackout,
    approver_choices,
    get_studio,
    list_blackouts,
    list_studios,
    remove_blackout,
    save_studio,
    studio_form,
    studio_hours,
)
from .utilisation import MAX_WEEKS, Report, chart, utilisation_report

__all__ = [
    "MAX_WEEKS",
    "PHOTO_MAX_BYTES",
    "Report",
    "SLOT_CHOICES",
    "add_blackout",
    "approver_choices",
    "chart",
    "get_photo",
    "get_studio",
    "list_blackouts",
    "list_studios",
    "remove_blackout",
    "save_studio",
    "set_photo",
    "studio_form",
    "studio_hours",
    "studios_with_photo",
    "utilisation_report",
]

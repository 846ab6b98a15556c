"""Bookings: what routers and other domains use, re-exported."""

from . import door_codes
from .create import book_from_form, foresee_refusal, record_refusal
from .feeds import feed_for, feed_ics, regenerate_feed, studio_feed_token
from .kept import KeptPress, kept_press
from .lifecycle import (
    approve_booking,
    cancel_booking,
    check_in,
    current_booking_for_checkin,
    get_booking,
    reject_booking,
    tick,
)
from .offers import accept_offer, decline_offer
from .recurring import commit_series, preview_series
from .rules import (
    DEMAND_RULES,
    PURPOSE_LABELS,
    BookingRefused,
    effective_status,
    purposes_for,
    team_choices,
)
from .strikes import forgive_strike, strike_history, strike_summary, strikes_overview
from .views import approval_queue, dashboard_bookings, day_board, my_bookings, week_calendar
from .waitlist import join_waitlist, leave_waitlist

__all__ = [
    "door_codes",
    "accept_offer",
    "decline_offer",
    "BookingRefused",
    "DEMAND_RULES",
    "PURPOSE_LABELS",
    "approval_queue",
    "approve_booking",
    "book_from_form",
    "foresee_refusal",
    "KeptPress",
    "kept_press",
    "cancel_booking",
    "check_in",
    "commit_series",
    "current_booking_for_checkin",
    "dashboard_bookings",
    "day_board",
    "effective_status",
    "feed_for",
    "forgive_strike",
    "feed_ics",
    "get_booking",
    "join_waitlist",
    "leave_waitlist",
    "my_bookings",
    "preview_series",
    "purposes_for",
    "record_refusal",
    "regenerate_feed",
    "strike_history",
    "strike_summary",
    "strikes_overview",
    "studio_feed_token",
    "reject_booking",
    "team_choices",
    "tick",
    "week_calendar",
]

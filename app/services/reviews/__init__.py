"""Reviews (复盘) of live sessions: actions with owners that carry over until done, and
comments by the paired mentor and staff. What routers and other domains use."""

from .actions import (
    CarriedAction,
    CarriedGroup,
    action_counts,
    can_tick,
    carried_over,
    open_actions,
    record_review,
    review_form,
    set_action_done,
)
from .comments import add_comment, can_comment, comments_of
from .views import ReviewView, review_view

__all__ = [
    "CarriedAction",
    "CarriedGroup",
    "ReviewView",
    "action_counts",
    "add_comment",
    "can_comment",
    "can_tick",
    "carried_over",
    "comments_of",
    "open_actions",
    "record_review",
    "review_form",
    "review_view",
    "set_action_done",
]

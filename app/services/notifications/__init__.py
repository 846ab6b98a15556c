"""Notifications: what routers and other domains use, re-exported.

Other domains report an event with one call (``booking_changed``, ``guidance_logged``,
``exam_result``, ``certificate_issued``, ``waitlist_offered``) inside their own
transaction; ``deliver_due`` sends the queued e-mails and robot messages later.
"""

from .centre import (
    NotificationView,
    mark_all_read,
    mark_read,
    notification_page,
    notify,
    notify_many,
    preferences,
    save_preferences,
    unread_count,
)
from .delivery import deliver_due, retry_delay, signed_url
from .events import (
    booking_changed,
    certificate_issued,
    exam_result,
    guidance_logged,
    queue_due_reminders,
    waitlist_offered,
)
from .kinds import KINDS, kind_label, message_text
from .webhooks import (
    add_endpoint,
    delete_endpoint,
    endpoints_of,
    managed_studio,
    managed_team,
    robot_places,
)

__all__ = [
    "KINDS",
    "NotificationView",
    "add_endpoint",
    "booking_changed",
    "certificate_issued",
    "deliver_due",
    "delete_endpoint",
    "endpoints_of",
    "exam_result",
    "guidance_logged",
    "kind_label",
    "managed_studio",
    "managed_team",
    "mark_all_read",
    "mark_read",
    "message_text",
    "notification_page",
    "notify",
    "notify_many",
    "preferences",
    "queue_due_reminders",
    "retry_delay",
    "robot_places",
    "save_preferences",
    "signed_url",
    "unread_count",
    "waitlist_offered",
]

"""What each kind of notification says. A notification keeps its kind and parameters;
the sentence is made when someone reads it, in their language.

Parameter conventions (so one renderer serves every kind): a value ending in ``_at`` is an
ISO UTC time, shown in the college's zone; a ``{"zh": ..., "en": ...}`` value is a
catalogue name shown in the reader's language; anything else is shown as it is.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.config import settings
from app.i18n import N_, gettext, locale_active
from app.models.notifications import NotificationKind as Kind


@dataclass(frozen=True)
class KindInfo:
    label: str  # the kind's name on the preferences page and in e-mail subjects
    message: str  # the sentence, with %(name)s parameters
    # other sentences of the kind, chosen by the notification's ``variant`` parameter
    variants: dict[str, str] = field(default_factory=dict)


KINDS: dict[str, KindInfo] = {
    Kind.booking_approved: KindInfo(
        N_("Booking approved"),
        N_("Your booking of %(studio)s on %(starts_at)s was approved."),
    ),
    Kind.booking_rejected: KindInfo(
        N_("Booking rejected"),
        N_("Your booking of %(studio)s on %(starts_at)s was rejected: %(reason)s"),
    ),
    Kind.booking_cancelled: KindInfo(
        N_("Booking cancelled"),
        N_("%(actor)s cancelled your booking of %(studio)s on %(starts_at)s: %(reason)s"),
    ),
    Kind.waitlist_offer: KindInfo(
        N_("Waitlist place"),
        N_("A place in %(studio)s on %(starts_at)s came free and is now booked for you."),
        {
            "offer": N_(
                "A place in %(studio)s on %(starts_at)s came free for you: take it by "
                "%(expires_at)s or it goes to the next in line."
            )
        },
    ),
    Kind.guidance_to_acknowledge: KindInfo(
        N_("Guidance log to acknowledge"),
        N_(
            "%(mentor)s logged the guidance session of %(held_on)s with %(team)s: read it "
            "and acknowledge it."
        ),
        {
            "corrected": N_(
                "%(mentor)s corrected the guidance log of %(held_on)s with %(team)s: read it "
                "and acknowledge it again."
            )
        },
    ),
    Kind.action_due: KindInfo(
        N_("Review action due"),
        N_("The review action “%(text)s” of %(team)s is due on %(due_on)s."),
    ),
    Kind.exam_result: KindInfo(
        N_("Exam result"),
        N_("You passed the practical exam %(exam)s with %(result)s points."),
        {
            "failed": N_(
                "You did not pass the practical exam %(exam)s: %(result)s points, "
                "%(pass_mark)s needed."
            ),
            "absent": N_("No result was recorded for you in the practical exam %(exam)s."),
        },
    ),
    Kind.certificate_issued: KindInfo(
        N_("Certificate issued"),
        N_("Your certificate %(certificate)s, level %(level)s, no. %(number)s, was issued."),
    ),
}

KIND_ORDER = tuple(KINDS)


def kind_msgid(kind: str) -> str:
    """The kind's name as a msgid (pages translate it with ``|t`` as they render)."""
    info = KINDS.get(kind)
    return info.label if info else N_("Notification")


def kind_label(kind: str) -> str:
    """The kind's name in the active language."""
    return gettext(kind_msgid(kind))


def _shown(key: str, value: Any, locale: str) -> str:
    if isinstance(value, dict):
        lang = "en" if locale == "en" else "zh"
        return str(value.get(lang) or value.get("zh") or "")
    if key.endswith("_at") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return "" if value is None else str(value)


def message_text(kind: str, params: dict[str, Any], locale: str) -> str:
    """The notification's sentence in ``locale`` (a missing parameter shows as blank)."""
    info = KINDS.get(kind)
    if info is None:
        return ""
    msgid = info.variants.get(str(params.get("variant", "")), info.message)
    shown = _Blank({key: _shown(key, value, locale) for key, value in params.items()})
    with locale_active(locale):
        return gettext(msgid) % shown


def subject_text(kind: str, locale: str) -> str:
    """An e-mail subject: the product's name and the kind."""
    with locale_active(locale):
        return gettext("Chanjiao: %(kind)s", kind=kind_label(kind))


def iso(moment: datetime | None) -> str | None:
    """A time as a notification parameter."""
    return moment.isoformat() if moment else None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""

"""Forms of the notification centre: e-mail preferences and group-robot webhooks."""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from app.models.notifications import NotificationKind
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Flag, Text, checked, clean_text, field_error

WEBHOOK_KINDS = ("wecom", "dingtalk")
LOOPBACK_NAMES = ("localhost",)


class PreferencesForm(FormModel):
    """Which kinds also come by e-mail: one checkbox per kind (in-app keeps them all)."""

    email_booking_approved: Flag()
    email_booking_rejected: Flag()
    email_booking_cancelled: Flag()
    email_waitlist_offer: Flag()
    email_guidance_to_acknowledge: Flag()
    email_action_due: Flag()
    email_exam_result: Flag()
    email_certificate_issued: Flag()

    def email_kinds(self) -> set[str]:
        return {kind.value for kind in NotificationKind if getattr(self, f"email_{kind.value}")}


def _is_inside(host: str) -> bool:
    """An address of the college's own network or the cloud's metadata service, written as
    an IP: a robot lives on the internet, and the server must not be made to call inside."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_loopback and (
        address.is_private or address.is_link_local or address.is_reserved
    )


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url(value: Any) -> str:
    """An https address with a host; plain http only to this machine (a local receiver)."""
    text = clean_text(value, max_length=500, required=True)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        raise field_error("Enter the robot's https:// webhook address.") from None
    if parts.username or parts.password or any(ch.isspace() for ch in text):
        raise field_error("Enter the robot's https:// webhook address.")
    if parts.scheme == "https" and host and not _is_inside(host):
        return text
    if parts.scheme == "http" and host and _is_loopback(host):
        return text
    raise field_error("Enter the robot's https:// webhook address.")


class WebhookForm(FormModel):
    """A WeCom (企业微信) or DingTalk (钉钉) group robot; DingTalk's signing secret optional."""

    kind: Choice(WEBHOOK_KINDS)
    url: checked(str, webhook_url)
    secret: Text(200)

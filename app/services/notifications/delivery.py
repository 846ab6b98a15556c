"""Sending queued e-mails and group-robot messages, outside any request.

``deliver_due`` is a worker, not a request service: it commits. It claims each due row
with a guarded UPDATE (the row moves on only if it is still due, so of several workers
exactly one wins it) and commits the claim before sending, so no lock is held while the
network is slow; then it records the outcome: sent, retry later (the wait doubles), or
given up after the last attempt. A worker that dies after claiming leaves the row to be
retried once the claim's lease has passed.
"""

import base64
import hashlib
import hmac
import logging
import smtplib
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import Session, select

from app.config import settings
from app.models.base import utcnow
from app.models.notifications import Channel, Delivery, DeliveryStatus, WebhookEndpoint
from app.services.notifications.kinds import message_text, subject_text

log = logging.getLogger(__name__)
BATCH = 50


class SendFailed(Exception):
    """The server refused or could not be reached; the text goes into ``last_error``."""


@dataclass
class _Claimed:
    id: int
    channel: str
    target: str
    locale: str
    payload: dict[str, Any]
    attempts: int
    url: str = ""
    secret: str = ""


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: the base, doubled each time."""
    return timedelta(seconds=settings.notify_retry_base_seconds * 2 ** max(0, attempts - 1))


def _lease() -> timedelta:
    """How long a claim keeps other workers off a row being sent."""
    return timedelta(seconds=max(60.0, 3 * settings.notify_send_timeout_seconds))


def deliver_due(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Send what is due (one batch); counts of sent, retried and given-up rows.

    Each row is claimed just before it is sent, so a claim's lease covers one send only."""
    now = now or utcnow()
    due = session.exec(
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.pending.value, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(BATCH)
    ).all()
    session.commit()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for delivery_id in due:
        item = _claim(session, delivery_id, now)
        session.commit()  # claimed: no lock is held while the network answers
        if item is None:
            continue  # another worker has it
        try:
            _send(item)
        except Exception as exc:  # any failure of one message must not stop the others
            outcome = _record_failure(session, item, str(exc) or type(exc).__name__, now)
        else:
            session.exec(  # type: ignore[call-overload]
                update(Delivery)
                .where(Delivery.id == item.id)
                .values(status=DeliveryStatus.sent.value, sent_at=utcnow(), last_error="")
            )
            outcome = "sent"
        counts[outcome] += 1
        session.commit()
    return counts


def _claim(session: Session, delivery_id: int, now: datetime) -> _Claimed | None:
    """Take the row if it is still due (one UPDATE: of racing workers exactly one wins)."""
    result = session.exec(  # type: ignore[call-overload]
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.pending.value,
            Delivery.next_attempt_at <= now,
        )
        # the lease runs from the real time too: a long batch must not claim an expired lease
        .values(attempts=Delivery.attempts + 1, next_attempt_at=max(now, utcnow()) + _lease())
    )
    if result.rowcount != 1:
        return None
    row = session.exec(
        select(Delivery, WebhookEndpoint)
        .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id, isouter=True)
        .where(Delivery.id == delivery_id)
        .execution_options(populate_existing=True)
    ).one()
    delivery, endpoint = row
    return _Claimed(
        id=delivery_id,
        channel=delivery.channel,
        target=delivery.target,
        locale=delivery.locale,
        payload=dict(delivery.payload),
        attempts=delivery.attempts,
        url=endpoint.url if endpoint else "",
        secret=endpoint.secret if endpoint else "",
    )


def _record_failure(session: Session, item: _Claimed, error: str, now: datetime) -> str:
    log.warning("notification delivery %s (%s) failed: %s", item.id, item.channel, error)
    values: dict[str, Any] = {"last_error": error[:500]}
    if item.attempts >= settings.notify_max_attempts:
        values["status"] = DeliveryStatus.failed.value
        outcome = "failed"
    else:
        values["next_attempt_at"] = now + retry_delay(item.attempts)
        outcome = "retried"
    session.exec(update(Delivery).where(Delivery.id == item.id).values(**values))  # type: ignore[call-overload]
    return outcome


# --- the channels ----------------------------------------------------------------------------


def _absolute(link: str) -> str:
    if not link:
        return settings.public_base_url
    return settings.public_base_url.rstrip("/") + link


def _texts(item: _Claimed) -> tuple[str, str, str]:
    kind, params = item.payload.get("kind", ""), item.payload.get("params", {})
    subject = subject_text(kind, item.locale)
    return subject, message_text(kind, params, item.locale), _absolute(item.payload.get("link", ""))


def _send(item: _Claimed) -> None:
    if item.channel == Channel.email.value:
        send_email(item)
    elif item.channel in (Channel.wecom.value, Channel.dingtalk.value):
        if not item.url:
            raise SendFailed("the webhook was removed")
        send_webhook(item)
    else:
        raise SendFailed(f"unknown channel {item.channel}")


def send_email(item: _Claimed) -> None:
    if not settings.smtp_host:
        raise SendFailed("SMTP_HOST is not set")
    subject, text, link = _texts(item)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = item.target
    message["Subject"] = subject
    message.set_content(f"{text}\n\n{link}\n")
    timeout = settings.notify_send_timeout_seconds
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def robot_body(item: _Claimed) -> dict[str, Any]:
    """The robot's JSON: WeCom and DingTalk both take a plain text message in this shape."""
    subject, text, link = _texts(item)
    return {"msgtype": "text", "text": {"content": f"{subject}\n{text}\n{link}"}}


def signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """A DingTalk URL with its 加签 signature: HMAC-SHA256 of "timestamp\\nsecret"."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def send_webhook(item: _Claimed) -> None:
    url = item.url
    if item.channel == Channel.dingtalk.value and item.secret:
        url = signed_url(url, item.secret)
    response = httpx.post(url, json=robot_body(item), timeout=settings.notify_send_timeout_seconds)
    if response.status_code >= 300:
        raise SendFailed(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise SendFailed(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")

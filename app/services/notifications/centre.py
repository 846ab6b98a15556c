"""Writing notifications (within the caller's transaction) and reading one's own."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from app.config import settings
from app.errors import NotFound
from app.models import User
from app.models.base import utcnow
from app.models.notifications import (
    Channel,
    Delivery,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)
from app.services.notifications.kinds import KIND_ORDER, kind_msgid, message_text
from app.services.pagination import Page, paginate


def notify(
    session: Session,
    *,
    recipient_id: int,
    kind: str,
    params: dict[str, Any],
    link: str = "",
    team_id: int | None = None,
    studio_id: int | None = None,
) -> Notification:
    """Tell one user (and the team's or studio's robots) about an event; only flushes, so a
    rolled-back action sends nothing."""
    return notify_many(
        session,
        recipient_ids=[recipient_id],
        kind=kind,
        params=params,
        link=link,
        team_id=team_id,
        studio_id=studio_id,
    )[0]


def notify_many(
    session: Session,
    *,
    recipient_ids: Iterable[int],
    kind: str,
    params: dict[str, Any],
    link: str = "",
    team_id: int | None = None,
    studio_id: int | None = None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """One in-app notification per recipient, an e-mail to each who wants this kind by
    e-mail (when SMTP is set up), and one message to each robot of the team or studio."""
    ids = list(dict.fromkeys(recipient_ids))
    rows = [
        Notification(recipient_id=uid, kind=kind, params=params, link=link, dedupe_key=dedupe_key)
        for uid in ids
    ]
    session.add_all(rows)
    payload = {"kind": kind, "params": params, "link": link}
    if settings.smtp_host and ids:
        for address, locale in _email_targets(session, ids, kind):
            session.add(
                Delivery(
                    channel=Channel.email.value,
                    target=address,
                    locale=locale or settings.default_locale,
                    payload=payload,
                )
            )
    if team_id is not None or studio_id is not None:
        for endpoint in _endpoints(session, team_id=team_id, studio_id=studio_id):
            session.add(
                Delivery(
                    channel=endpoint.kind,
                    endpoint_id=endpoint.id,
                    locale=settings.default_locale,
                    payload=payload,
                )
            )
    session.flush()
    return rows


def _email_targets(session: Session, ids: list[int], kind: str) -> list[tuple[str, str | None]]:
    """Addresses of the active recipients who have not turned this kind's e-mail off."""
    muted = select(NotificationPreference.user_id).where(
        NotificationPreference.kind == kind,
        NotificationPreference.email.is_(False),  # type: ignore[attr-defined]
    )
    rows = session.exec(
        select(User.email, User.locale).where(
            User.id.in_(ids),  # type: ignore[union-attr]
            User.is_active.is_(True),  # type: ignore[attr-defined]
            User.email.is_not(None),  # type: ignore[union-attr]
            User.email != "",
            User.id.not_in(muted),  # type: ignore[union-attr]
        )
    ).all()
    return [(email, locale) for email, locale in rows if email]


def _endpoints(
    session: Session, *, team_id: int | None, studio_id: int | None
) -> list[WebhookEndpoint]:
    conditions = []
    if team_id is not None:
        conditions.append(WebhookEndpoint.team_id == team_id)
    if studio_id is not None:
        conditions.append(WebhookEndpoint.studio_id == studio_id)
    return list(session.exec(select(WebhookEndpoint).where(or_(*conditions))).all())


# --- reading one's own ---------------------------------------------------------------------


@dataclass
class NotificationView:
    id: int
    kind: str
    label: str  # msgid
    text: str
    link: str
    created_at: datetime
    unread: bool


def unread_count(session: Session, *, user_id: int) -> int:
    """How many of the user's notifications are unread (the bell's figure)."""
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.read_at.is_(None),  # type: ignore[union-attr]
        )
    ).one()


def notification_page(
    session: Session, *, user: User, locale: str, page: int, per_page: int
) -> Page[NotificationView]:
    """The user's notifications, newest first, each rendered in ``locale``."""
    query = (
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())  # type: ignore[attr-defined]
    )
    rows, total = paginate(session, query, page=page, per_page=per_page)
    items = [_view(row, locale) for row in rows]
    number = min(page, max(1, ceil(total / per_page)))
    return Page(items, total, number, per_page, base_path="/notifications")


def _view(row: Notification, locale: str) -> NotificationView:
    return NotificationView(
        id=row.id,  # type: ignore[arg-type]
        kind=row.kind,
        label=kind_msgid(row.kind),
        text=message_text(row.kind, row.params, locale),
        link=row.link,
        created_at=row.created_at,
        unread=row.read_at is None,
    )


def mark_read(
    session: Session, *, user: User, notification_id: int, locale: str, now: datetime | None = None
) -> NotificationView:
    """Mark one of the user's own notifications read (another's is not found)."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient_id != user.id:
        raise NotFound("This notification does not exist.")
    if row.read_at is None:
        row.read_at = now or utcnow()
        session.add(row)
        session.flush()
    return _view(row, locale)


def mark_all_read(session: Session, *, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the user read; how many were."""
    result = session.exec(  # type: ignore[call-overload]
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.read_at.is_(None),  # type: ignore[union-attr]
        )
        .values(read_at=now or utcnow())
    )
    session.flush()
    return result.rowcount or 0


# --- preferences ---------------------------------------------------------------------------


@dataclass
class PreferenceRow:
    kind: str
    label: str
    email: bool


def preferences(session: Session, *, user: User) -> list[PreferenceRow]:
    """Each kind with whether the user gets it by e-mail (on unless turned off)."""
    chosen = dict(
        session.exec(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return [PreferenceRow(kind, kind_msgid(kind), chosen.get(kind, True)) for kind in KIND_ORDER]


def save_preferences(session: Session, *, user: User, email_kinds: set[str]) -> None:
    """Keep which kinds the user gets by e-mail (the in-app centre keeps all of them)."""
    existing = {
        row.kind: row
        for row in session.exec(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        ).all()
    }
    for kind in KIND_ORDER:
        row = existing.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        row.email = kind in email_kinds
        session.add(row)
    session.flush()

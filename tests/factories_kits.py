"""Factories for equipment kits: make_x(session, **overrides) -> x (flushed)."""

import itertools
from datetime import datetime, timedelta

from sqlmodel import Session

from app.models.base import utcnow
from app.models.kits import EquipmentItem, KitReservation

_seq = itertools.count(1)


def make_item(session: Session, **overrides) -> EquipmentItem:
    n = next(_seq)
    values = {"name_zh": f"补光灯 {n}", "name_en": f"Ring light {n}", "category": "ring_light"}
    values.update({"quantity_total": 3, **overrides})
    item = EquipmentItem(**values)
    session.add(item)
    session.flush()
    return item


def in_hours(hours: float, *, now: datetime | None = None) -> datetime:
    """A whole minute ``hours`` from now (UTC)."""
    base = (now or utcnow()).replace(second=0, microsecond=0)
    return base + timedelta(hours=hours)


def make_reservation(session: Session, *, item, user, **overrides) -> KitReservation:
    values = {"quantity": 1, "starts_at": in_hours(2), "ends_at": in_hours(4)}
    values.update(overrides)
    reservation = KitReservation(item_id=item.id, user_id=user.id, **values)
    session.add(reservation)
    session.flush()
    return reservation

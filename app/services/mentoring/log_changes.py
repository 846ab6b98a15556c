"""Corrections of guidance logs: what a correction changes, and the record of who
changed which log when (only the author or an administrator may)."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.i18n import N_
from app.models import User
from app.models.teams import ActionItem, GuidanceLog, GuidanceLogChange, GuidanceTopic
from app.schemas.mentoring import LogForm

FIELD_LABELS = {
    "held_on": N_("Date"),
    "minutes": N_("Minutes"),
    "mode": N_("Mode"),
    "notes": N_("Notes"),
    "topics": N_("Topics"),
    "actions": N_("Action items"),
}


@dataclass
class LogChange:
    changed_at: datetime
    editor_id: int | None
    editor: str
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


def diff(session: Session, log: GuidanceLog, form: LogForm) -> list[list[str]]:
    """What a correction changes, as [field, before, after] (texts only as changed: the
    log keeps no earlier wording)."""
    changes = []
    for name, before, after in (
        ("held_on", log.held_on.isoformat(), form.held_on.isoformat()),
        ("minutes", str(log.minutes), str(form.minutes)),
        ("mode", log.mode, form.mode),
    ):
        if before != after:
            changes.append([name, before, after])
    if form.notes != log.notes:
        changes.append(["notes", "", ""])
    topics = set(session.exec(select(GuidanceTopic.skill_id).where(GuidanceTopic.log_id == log.id)))
    if set(form.skill_ids) != topics:
        changes.append(["topics", "", ""])
    actions = session.exec(
        select(ActionItem.text).where(ActionItem.log_id == log.id).order_by(ActionItem.sort_order)
    ).all()
    if list(form.action_items()) != list(actions):
        changes.append(["actions", "", ""])
    return changes


def record(session: Session, *, log: GuidanceLog, editor: User, changes: list[list[str]]) -> None:
    session.add(GuidanceLogChange(log_id=log.id, editor_id=editor.id, summary=json.dumps(changes)))


_CHANGES_OF = (  # built once: every list of logs shows their corrections
    select(GuidanceLogChange, User.full_name)
    .outerjoin(User, User.id == GuidanceLogChange.editor_id)
    .where(GuidanceLogChange.log_id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(GuidanceLogChange.changed_at, GuidanceLogChange.id)
)


def changes_of(session: Session, log_ids: list[int]) -> dict[int, list[LogChange]]:
    """Each log's corrections, oldest first (one query)."""
    found: dict[int, list[LogChange]] = defaultdict(list)
    for change, name in session.exec(_CHANGES_OF, params={"ids": list(log_ids)}).all():
        items = [tuple(item) for item in json.loads(change.summary or "[]")]
        found[change.log_id].append(
            LogChange(change.changed_at, change.editor_id, name or "—", items)
        )
    return found

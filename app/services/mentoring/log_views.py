"""A list of guidance logs as the pages show them: author, open action items and
corrections, and on a log's own page its topics and items (statements built once)."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.models import Post, Skill, User
from app.models.teams import ActionItem, GuidanceLog, GuidanceTopic
from app.services.mentoring import log_changes


@dataclass
class LogView:
    log: GuidanceLog
    author: User
    topics: list[tuple[Skill, Post]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    changes: list[log_changes.LogChange] = field(default_factory=list)
    open_count: int | None = None  # a list's count, where the items themselves are not read

    @property
    def other_editors(self) -> list[str]:
        """Who besides the author changed the log (shown beside the author's name)."""
        names = [c.editor for c in self.changes if c.editor_id != self.log.author_id]
        return sorted(set(names))

    @property
    def open_actions(self) -> int:
        if self.open_count is not None:
            return self.open_count
        return sum(1 for item in self.actions if item.done_at is None)


# Built once: the team page, the pairing page and the guidance pages all show logs.
_AUTHORS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))  # type: ignore[union-attr]
_TOPICS = (
    select(GuidanceTopic.log_id, Skill, Post)
    .join(Skill, Skill.id == GuidanceTopic.skill_id)
    .join(Post, Post.id == Skill.post_id)
    .where(GuidanceTopic.log_id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(Post.sort_order, Skill.sort_order)
)
_ACTIONS = (
    select(ActionItem)
    .where(ActionItem.log_id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(ActionItem.sort_order, ActionItem.id)
)
_OPEN_ACTION_COUNTS = (
    select(ActionItem.log_id, func.count())
    .where(
        ActionItem.log_id.in_(bindparam("ids", expanding=True)),  # type: ignore[attr-defined]
        ActionItem.done_at.is_(None),  # type: ignore[union-attr]
    )
    .group_by(ActionItem.log_id)
)


def log_views(
    session: Session, logs: list[GuidanceLog], *, whole: bool = False, changes: bool = True
) -> list[LogView]:
    """Authors, open action counts and corrections of the logs, and with ``whole`` (a
    log's own page) their topics and action items: at most four queries, whatever their
    number. A list shows neither topics nor items, so it reads only the counts."""
    if not logs:
        return []
    ids = [log.id for log in logs]
    author_ids = sorted({log.author_id for log in logs})
    authors = {u.id: u for u in session.exec(_AUTHORS, params={"ids": author_ids}).all()}
    params = {"ids": ids}
    topics: dict[int, list] = defaultdict(list)
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    open_counts: dict[int, int] | None = None
    if whole:
        for log_id, skill, post in session.exec(_TOPICS, params=params).all():
            topics[log_id].append((skill, post))
        for item in session.exec(_ACTIONS, params=params).all():
            actions[item.log_id].append(item)
    else:
        open_counts = dict(session.exec(_OPEN_ACTION_COUNTS, params=params).all())
    edits = log_changes.changes_of(session, ids) if whole or changes else defaultdict(list)
    return [
        LogView(
            log,
            authors[log.author_id],
            topics[log.id],
            actions[log.id],
            edits[log.id],
            None if open_counts is None else open_counts.get(log.id, 0),
        )
        for log in logs
    ]

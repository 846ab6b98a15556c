"""Review actions: saved with the review (复盘) texts, ticked off by the team, and carried
over to the team's later sessions while they stay open."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.reviews import ActionStatus, ReviewAction
from app.models.teams import LiveSession, TeamMember
from app.schemas.base import FormValues
from app.schemas.reviews import ActionRow, ReviewForm
from app.services import teams as team_service

ACTION_NOT_FOUND = "This action does not exist or is not visible to you."


def live_of_team(session: Session, *, team_id: int, session_id: int) -> LiveSession:
    """The team's live session; NotFound for another team's (or a missing) one."""
    live = session.get(LiveSession, session_id)
    if live is None or live.team_id != team_id:
        raise NotFound("This live session does not exist.")
    return live


def current_member_ids(session: Session, *, team_id: int) -> set[int]:
    return set(
        session.exec(
            select(TeamMember.user_id).where(
                TeamMember.team_id == team_id,
                TeamMember.left_on.is_(None),  # type: ignore[union-attr]
            )
        ).all()
    )


def session_actions(session: Session, *, live_session_id: int) -> list[ReviewAction]:
    return list(
        session.exec(
            select(ReviewAction)
            .where(ReviewAction.session_id == live_session_id)
            .order_by(ReviewAction.sort_order, ReviewAction.id)  # type: ignore[arg-type]
        ).all()
    )


def _check_owners(rows: list[ActionRow], members: set[int], existing: dict) -> None:
    """Every owner is a current member; an action that keeps the owner it had may keep one
    who has since left (saving the texts must not fail over an old row)."""
    errors = {}
    for row in rows:
        kept = existing.get(row.action_id)
        if row.owner_id in members or (kept is not None and kept.owner_id == row.owner_id):
            continue
        errors[f"action_owner_{row.number}"] = _l("Choose a current member of the team.")
    if errors:
        raise FormErrors(errors)


def record_review(
    session: Session, *, user: User, team_id: int, session_id: int, form: ReviewForm
) -> LiveSession:
    """The review (复盘): what went well, what to change, and its actions (staff or a
    current member). The old free-text ``actions`` column is kept as it was."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = live_of_team(session, team_id=team_id, session_id=session_id)
    existing = {a.id: a for a in session_actions(session, live_session_id=live.id)}
    rows = form.actions()
    _check_owners(rows, current_member_ids(session, team_id=team_id), existing)
    live.went_well, live.problems = form.went_well, form.problems
    session.add(live)
    kept: set[int] = set()
    for order, row in enumerate(rows):
        # an id of another session's action is not this session's: the row is a new action
        action = existing.get(row.action_id) or ReviewAction(
            session_id=live.id, text="", owner_id=row.owner_id, created_by_id=user.id
        )
        action.text, action.owner_id, action.due_on = row.text, row.owner_id, row.due_on
        action.sort_order = order
        session.add(action)
        session.flush()
        kept.add(action.id)  # type: ignore[arg-type]
    for action_id, action in existing.items():
        if action_id not in kept:
            session.delete(action)
    session.flush()
    return live


def review_form(session: Session, live: LiveSession) -> FormValues:
    """The saved review as its form shows it."""
    actions = session_actions(session, live_session_id=live.id)
    return ReviewForm.initial(
        went_well=live.went_well,
        problems=live.problems,
        action_ids=[str(a.id) for a in actions],
        action_texts=[a.text for a in actions],
        action_owners=[str(a.owner_id) for a in actions],
        action_dues=[a.due_on.isoformat() if a.due_on else "" for a in actions],
    )


def can_tick(session: Session, *, user: User, team_id: int, action: ReviewAction) -> bool:
    """Its owner, any current member of the team, or staff."""
    return (
        team_service.is_staff(user)
        or user.id == action.owner_id
        or team_service.current_member(session, team_id=team_id, user_id=user.id) is not None
    )


def set_action_done(
    session: Session,
    *,
    user: User,
    team_id: int,
    session_id: int,
    action_id: int,
    done: bool,
    now: datetime | None = None,
) -> ReviewAction:
    """Mark an action done (it stops carrying over) or reopen it."""
    team_service.get_visible_team(session, user=user, team_id=team_id)
    live = live_of_team(session, team_id=team_id, session_id=session_id)
    action = session.get(ReviewAction, action_id)
    if action is None or action.session_id != live.id:
        raise NotFound(ACTION_NOT_FOUND)
    if not can_tick(session, user=user, team_id=team_id, action=action):
        raise Forbidden("Only the team and staff tick off the team's actions.")
    if done and action.status != ActionStatus.done.value:
        action.status, action.done_at, action.done_by_id = "done", now or utcnow(), user.id
    elif not done:
        action.status, action.done_at, action.done_by_id = "open", None, None
    session.add(action)
    session.flush()
    return action


@dataclass
class CarriedAction:
    action: ReviewAction
    live: LiveSession  # the session whose review set it
    owner: User


@dataclass
class CarriedGroup:
    live: LiveSession
    items: list[CarriedAction] = field(default_factory=list)


def open_actions(
    session: Session, *, team_id: int, before: LiveSession | None = None
) -> list[CarriedAction]:
    """The team's open actions, oldest session first; with ``before``, only those of the
    team's sessions planned before it (an equal start counts by id, so two sessions at the
    same time still carry one way)."""
    query = (
        select(ReviewAction, LiveSession, User)
        .join(LiveSession, LiveSession.id == ReviewAction.session_id)
        .join(User, User.id == ReviewAction.owner_id)
        .where(LiveSession.team_id == team_id, ReviewAction.status == ActionStatus.open.value)
        .order_by(
            LiveSession.planned_start,  # type: ignore[arg-type]
            LiveSession.id,  # type: ignore[arg-type]
            ReviewAction.sort_order,  # type: ignore[arg-type]
            ReviewAction.id,  # type: ignore[arg-type]
        )
    )
    if before is not None:
        query = query.where(
            or_(
                LiveSession.planned_start < before.planned_start,  # type: ignore[operator]
                and_(
                    LiveSession.planned_start == before.planned_start,
                    LiveSession.id < before.id,  # type: ignore[operator]
                ),
            )
        )
    return [CarriedAction(a, live, owner) for a, live, owner in session.exec(query).all()]


def carried_over(
    session: Session, *, team_id: int, before: LiveSession | None = None
) -> list[CarriedGroup]:
    """``open_actions`` grouped by the session they come from."""
    groups: list[CarriedGroup] = []
    for item in open_actions(session, team_id=team_id, before=before):
        if not groups or groups[-1].live.id != item.live.id:
            groups.append(CarriedGroup(item.live))
        groups[-1].items.append(item)
    return groups


def action_counts(session: Session, live_session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{live session id: (open, done)} for each id given ((0, 0) for one without actions)."""
    counts = {sid: [0, 0] for sid in live_session_ids}
    if not counts:
        return {}
    rows = session.exec(
        select(ReviewAction.session_id, ReviewAction.status, func.count())
        .where(ReviewAction.session_id.in_(list(counts)))  # type: ignore[attr-defined]
        .group_by(ReviewAction.session_id, ReviewAction.status)
    ).all()
    for sid, status, n in rows:
        counts[sid][0 if status == ActionStatus.open.value else 1] += n
    return {sid: (c[0], c[1]) for sid, c in counts.items()}

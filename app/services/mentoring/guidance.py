"""Guidance logs: a pairing's industry mentor (or its teacher) records a session for one of
*their* pairings only; the team acknowledges it and ticks off its action items.

Every lookup by id goes through an access check that raises NotFound for anyone outside the
pairing, so another mentor's pairing, log or action item looks exactly like a missing one.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Post, Role, Skill, User
from app.models.base import utcnow
from app.models.teams import (
    ActionItem,
    GuidanceLog,
    GuidanceMode,
    GuidanceTopic,
    Pairing,
    Team,
    TeamMember,
)
from app.schemas.base import FormValues
from app.schemas.mentoring import LogForm
from app.services import notifications as notification_service
from app.services.mentoring import log_changes
from app.services.mentoring.log_views import LogView
from app.services.mentoring.log_views import log_views as _log_views

MODES = [mode.value for mode in GuidanceMode]
NOT_FOUND = N_("This pairing does not exist or is not yours.")
LOG_NOT_FOUND = N_("This guidance log does not exist or is not visible to you.")


def _is_author_side(pairing: Pairing, user: User) -> bool:
    return user.id in (pairing.mentor_id, pairing.teacher_id) and user.role in (
        Role.mentor.value,
        Role.teacher.value,
    )


def own_pairing(session: Session, *, user: User, pairing_id: int) -> Pairing:
    """A pairing ``user`` may write guidance for (its mentor or teacher); NotFound otherwise."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or not _is_author_side(pairing, user):
        raise NotFound(NOT_FOUND)
    return pairing


def readable_pairing(session: Session, *, user: User, pairing_id: int) -> Pairing:
    """A pairing ``user`` may read: its mentor or teacher, or an administrator."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or not (user.role == Role.admin or _is_author_side(pairing, user)):
        raise NotFound(NOT_FOUND)
    return pairing


_MEMBER_OF = select(TeamMember.id).where(
    TeamMember.team_id == bindparam("team_id"), TeamMember.user_id == bindparam("user_id")
)
_CURRENT_MEMBER_OF = _MEMBER_OF.where(TeamMember.left_on.is_(None)).limit(1)  # type: ignore[union-attr]
_MEMBER_OF = _MEMBER_OF.limit(1)


def _is_team_member(session: Session, *, team_id: int, user: User, current: bool) -> bool:
    if user.role != Role.student:
        return False
    query = _CURRENT_MEMBER_OF if current else _MEMBER_OF
    return session.exec(query, params={"team_id": team_id, "user_id": user.id}).first() is not None


def _readable_log(session: Session, *, user: User, log_id: int) -> tuple[GuidanceLog, Pairing]:
    log = session.get(GuidanceLog, log_id)
    pairing = session.get(Pairing, log.pairing_id) if log else None
    if log is None or pairing is None:
        raise NotFound(LOG_NOT_FOUND)
    if user.role == Role.admin or _is_author_side(pairing, user):
        return log, pairing
    if _is_team_member(session, team_id=pairing.team_id, user=user, current=False):
        return log, pairing
    raise NotFound(LOG_NOT_FOUND)


def _check_log(session: Session, pairing: Pairing, form: LogForm) -> None:
    """What a log form cannot know: the date lies within the pairing, the topics exist."""
    errors: dict = {}
    if form.held_on < pairing.starts_on:
        errors["held_on"] = _l("The date is before the pairing started.")
    elif pairing.ends_on and form.held_on > pairing.ends_on:
        errors["held_on"] = _l("The date is after the pairing ended.")
    if form.skill_ids:
        found = session.exec(select(Skill.id).where(Skill.id.in_(form.skill_ids))).all()  # type: ignore[union-attr]
        if len(found) != len(set(form.skill_ids)):
            errors["skill_ids"] = _l("Choose topics from the list.")
    if errors:
        raise FormErrors(errors)


def create_log(session: Session, *, user: User, pairing_id: int, form: LogForm) -> GuidanceLog:
    """Record a guidance session for one of the user's own pairings."""
    pairing = own_pairing(session, user=user, pairing_id=pairing_id)
    _check_log(session, pairing, form)
    log = GuidanceLog(
        pairing_id=pairing.id,
        author_id=user.id,
        held_on=form.held_on,
        minutes=form.minutes,
        mode=form.mode,
        notes=form.notes,
    )
    session.add(log)
    session.flush()
    for skill_id in sorted(set(form.skill_ids)):
        session.add(GuidanceTopic(log_id=log.id, skill_id=skill_id))
    for order, text in enumerate(form.action_items()):
        session.add(ActionItem(log_id=log.id, text=text, sort_order=order))
    session.flush()
    notification_service.guidance_logged(session, log=log, pairing=pairing)
    return log


def _own_log(session: Session, *, user: User, log_id: int) -> tuple[GuidanceLog, Pairing]:
    """A log ``user`` may change: its author's, or any for an administrator. The other
    side of the pairing reads it but may not change it (403); others do not see it."""
    log, pairing = _readable_log(session, user=user, log_id=log_id)
    if log.author_id != user.id and user.role != Role.admin:
        raise Forbidden("Only the author of this log, or an administrator, can change it.")
    return log, pairing


def log_form(session: Session, *, user: User, log_id: int) -> tuple[FormValues, Pairing]:
    """What the edit form of a log starts from (the author's side only)."""
    log, pairing = _own_log(session, user=user, log_id=log_id)
    topics = session.exec(select(GuidanceTopic.skill_id).where(GuidanceTopic.log_id == log.id))
    actions = session.exec(
        select(ActionItem.text).where(ActionItem.log_id == log.id).order_by(ActionItem.sort_order)
    )
    form = LogForm.initial(
        held_on=log.held_on.isoformat(),
        minutes=str(log.minutes),
        mode=log.mode,
        skill_ids=[str(skill_id) for skill_id in topics],
        notes=log.notes,
        actions=list(actions),
    )
    return form, pairing


def update_log(session: Session, *, user: User, log_id: int, form: LogForm) -> GuidanceLog:
    """Correct a log. Action items keep their ticks where their text is unchanged; the
    team is asked to acknowledge the corrected log again."""
    log, pairing = _own_log(session, user=user, log_id=log_id)
    _check_log(session, pairing, form)
    changes = log_changes.diff(session, log, form)
    if not changes:
        return log
    log_changes.record(session, log=log, editor=user, changes=changes)
    log.held_on, log.minutes, log.mode, log.notes = (
        form.held_on,
        form.minutes,
        form.mode,
        form.notes,
    )
    log.acknowledged_at, log.acknowledged_by_id = None, None
    session.add(log)
    new_topics = set(form.skill_ids)
    for topic in session.exec(select(GuidanceTopic).where(GuidanceTopic.log_id == log.id)):
        if topic.skill_id in new_topics:
            new_topics.discard(topic.skill_id)
        else:
            session.delete(topic)
    for skill_id in sorted(new_topics):
        session.add(GuidanceTopic(log_id=log.id, skill_id=skill_id))
    kept = {
        item.text: item
        for item in session.exec(select(ActionItem).where(ActionItem.log_id == log.id))
    }
    for order, text in enumerate(form.action_items()):
        item = kept.pop(text, None) or ActionItem(log_id=log.id, text=text)
        item.sort_order = order
        session.add(item)
    for item in kept.values():
        session.delete(item)
    session.flush()
    notification_service.guidance_logged(session, log=log, pairing=pairing, corrected_by=user)
    return log


def delete_log(session: Session, *, user: User, log_id: int) -> int:
    """The author's side of the pairing removes a log; returns the pairing id."""
    log, pairing = _own_log(session, user=user, log_id=log_id)
    session.delete(log)
    session.flush()
    return pairing.id


def acknowledge_log(session: Session, *, user: User, log_id: int) -> GuidanceLog:
    """A current member of the team acknowledges the log (the first acknowledgement stays)."""
    log, pairing = _readable_log(session, user=user, log_id=log_id)
    if not _is_team_member(session, team_id=pairing.team_id, user=user, current=True):
        raise NotFound(LOG_NOT_FOUND)
    if log.acknowledged_at is None:
        log.acknowledged_at, log.acknowledged_by_id = utcnow(), user.id
        session.add(log)
        session.flush()
    return log


def set_action_done(session: Session, *, user: User, action_id: int, done: bool) -> ActionItem:
    """A current member of the team ticks an action item off (or back on)."""
    item = session.get(ActionItem, action_id)
    if item is None:
        raise NotFound(LOG_NOT_FOUND)
    _log, pairing = _readable_log(session, user=user, log_id=item.log_id)
    if not _is_team_member(session, team_id=pairing.team_id, user=user, current=True):
        raise NotFound(LOG_NOT_FOUND)
    if done and item.done_at is None:
        item.done_at, item.done_by_id = utcnow(), user.id
    elif not done:
        item.done_at, item.done_by_id = None, None
    session.add(item)
    session.flush()
    return item


@dataclass
class LogDetail:
    view: LogView
    pairing: Pairing
    team: Team
    can_acknowledge: bool
    can_tick: bool
    can_delete: bool


def log_detail(session: Session, *, user: User, log_id: int) -> LogDetail:
    log, pairing = _readable_log(session, user=user, log_id=log_id)
    member = _is_team_member(session, team_id=pairing.team_id, user=user, current=True)
    return LogDetail(
        view=_log_views(session, [log], whole=True)[0],
        pairing=pairing,
        team=session.get(Team, pairing.team_id),
        can_acknowledge=member and log.acknowledged_at is None,
        can_tick=member,
        can_delete=log.author_id == user.id or user.role == Role.admin,
    )


def skill_choices(session: Session) -> list[tuple[Post, list[Skill]]]:
    """Posts with their current skills, for choosing a log's topics."""
    grouped: dict[int, list[Skill]] = defaultdict(list)
    posts: dict[int, Post] = {}
    for skill, post in session.exec(
        select(Skill, Post)
        .join(Post, Post.id == Skill.post_id)
        .where(Skill.retired == False)  # noqa: E712
        .order_by(Post.sort_order, Skill.sort_order)
    ).all():
        posts[post.id] = post
        grouped[post.id].append(skill)
    return [(posts[post_id], skills) for post_id, skills in grouped.items()]

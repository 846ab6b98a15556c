"""Team membership: members join and leave with a post (history kept), the captain, and
invitations a captain sends to students."""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Post, Role, StudentProfile, User
from app.models.base import utcnow
from app.models.teams import InvitationStatus, Team, TeamInvitation, TeamMember
from app.schemas.fields import row_id_or_none
from app.schemas.teams import (
    CaptainForm,
    InvitationForm,
    LeaveForm,
    MemberForm,
    PostChangeForm,
)
from app.services.clock import today
from app.services.teams.teams import current_member, get_visible_team, is_staff


def resolve_post(session: Session, value: str | int | None) -> Post | None:
    """A post by id or by code (``anchor``)."""
    text = str(value or "").strip()
    if not text:
        return None
    post_id = row_id_or_none(text) if text.isdigit() else None
    if post_id is not None:
        return session.get(Post, post_id)
    return session.exec(select(Post).where(Post.code == text[:32])).first()


def resolve_student(session: Session, value: str) -> User | None:
    """A student by username or student number."""
    text = value.strip()[:64]
    if not text:
        return None
    return session.exec(
        select(User)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .where(
            User.role == Role.student.value,
            User.is_active,  # type: ignore[arg-type]
            or_(User.username == text, StudentProfile.student_number == text),
        )
    ).first()


def add_member(session: Session, *, actor: User, team_id: int, form: MemberForm) -> TeamMember:
    """Add a student to a team with a post (staff)."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    errors: dict = {}
    person = resolve_student(session, form.student)
    if person is None:
        errors["student"] = _l("No active student has this username or student number.")
    elif current_member(session, team_id=team.id, user_id=person.id):
        errors["student"] = _l("This student is already a member of the team.")
    chosen = resolve_post(session, form.post)
    if chosen is None:
        errors["post"] = _l("Choose a post.")
    joined = form.joined_on
    if errors:
        raise FormErrors(errors)
    member = TeamMember(
        team_id=team.id, user_id=person.id, post_id=chosen.id, joined_on=joined or today()
    )
    session.add(member)
    session.flush()
    return member


def _member_of_team(session: Session, *, team_id: int, member_id: int) -> TeamMember:
    member = session.get(TeamMember, member_id)
    if member is None or member.team_id != team_id or member.left_on is not None:
        raise NotFound("This member is not in the team.")
    return member


@dataclass
class MemberActions:
    """What a current member's "change post" and "leave" forms need (loaded on demand)."""

    team: Team
    member: TeamMember
    full_name: str
    posts: list[Post]  # every post, in order (the post form's choices)


def member_actions(session: Session, *, actor: User, team_id: int, member_id: int) -> MemberActions:
    """The forms' data for a current member of a team ``actor`` manages: the same checks
    as the POST routes (staff, the team visible, the member in it and not gone)."""
    if not is_staff(actor):
        raise NotFound("This member is not in the team.")
    team = get_visible_team(session, user=actor, team_id=team_id)
    member = _member_of_team(session, team_id=team_id, member_id=member_id)
    person = session.get(User, member.user_id)
    return MemberActions(
        team=team,
        member=member,
        full_name=person.full_name if person else "",
        posts=list(session.exec(select(Post).order_by(Post.sort_order)).all()),
    )


def change_member_post(
    session: Session, *, actor: User, team_id: int, member_id: int, form: PostChangeForm
) -> TeamMember:
    """A member takes another post: the old stint ends, a new one starts (history kept)."""
    get_visible_team(session, user=actor, team_id=team_id)
    member = _member_of_team(session, team_id=team_id, member_id=member_id)
    errors: dict = {}
    chosen = resolve_post(session, form.post)
    if chosen is None:
        errors["post"] = _l("Choose a post.")
    elif chosen.id == member.post_id:
        errors["post"] = _l("The member already has this post.")
    when = form.on or today()
    if when < member.joined_on:
        errors["on"] = _l("The date is before the member joined.")
    if errors:
        raise FormErrors(errors)
    member.left_on = when
    session.add(member)
    session.flush()
    successor = TeamMember(
        team_id=team_id, user_id=member.user_id, post_id=chosen.id, joined_on=when
    )
    session.add(successor)
    session.flush()
    return successor


def remove_member(
    session: Session, *, actor: User, team_id: int, member_id: int, form: LeaveForm
) -> TeamMember:
    """A member leaves: the stint is closed on ``left_on`` (kept in the history)."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    member = _member_of_team(session, team_id=team_id, member_id=member_id)
    errors: dict = {}
    when = form.left_on or today()
    if when < member.joined_on:
        errors["left_on"] = _l("The date is before the member joined.")
    if errors:
        raise FormErrors(errors)
    member.left_on = when
    if team.captain_id == member.user_id:
        team.captain_id = None
        session.add(team)
    session.add(member)
    session.flush()
    return member


def set_captain(session: Session, *, actor: User, team_id: int, form: CaptainForm) -> Team:
    """Make a current member the captain."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    chosen = form.captain
    if chosen is None or current_member(session, team_id=team.id, user_id=chosen) is None:
        raise FormErrors({"captain": _l("Choose a current member.")})
    team.captain_id = chosen
    session.add(team)
    session.flush()
    return team


def invite_member(
    session: Session, *, actor: User, team_id: int, form: InvitationForm
) -> TeamInvitation:
    """The captain invites a student to join with a post."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    if team.captain_id != actor.id or not current_member(
        session, team_id=team.id, user_id=actor.id
    ):
        raise NotFound("Only the team's captain may invite members.")
    errors: dict = {}
    person = resolve_student(session, form.student)
    if person is None:
        errors["student"] = _l("No active student has this username or student number.")
    elif current_member(session, team_id=team.id, user_id=person.id):
        errors["student"] = _l("This student is already a member of the team.")
    elif session.exec(
        select(TeamInvitation.id).where(
            TeamInvitation.team_id == team.id,
            TeamInvitation.user_id == person.id,
            TeamInvitation.status == InvitationStatus.pending.value,
        )
    ).first():
        errors["student"] = _l("This student already has an open invitation.")
    chosen = resolve_post(session, form.post)
    if chosen is None:
        errors["post"] = _l("Choose a post.")
    if errors:
        raise FormErrors(errors)
    invitation = TeamInvitation(
        team_id=team.id, user_id=person.id, post_id=chosen.id, invited_by_id=actor.id
    )
    session.add(invitation)
    session.flush()
    return invitation


def withdraw_invitation(
    session: Session, *, actor: User, team_id: int, invitation_id: int
) -> TeamInvitation:
    """The captain (or staff) takes back an invitation that is still open."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    is_captain = team.captain_id == actor.id and current_member(
        session, team_id=team.id, user_id=actor.id
    )
    invitation = session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.team_id != team.id or not (is_captain or is_staff(actor)):
        raise NotFound("This invitation does not exist.")
    if invitation.status != InvitationStatus.pending.value:
        raise Conflict("This invitation has already been answered.")
    invitation.status = InvitationStatus.withdrawn.value
    invitation.responded_at = utcnow()
    session.add(invitation)
    session.flush()
    return invitation


def respond_to_invitation(
    session: Session, *, user: User, invitation_id: int, accept: bool
) -> TeamInvitation:
    """The invited student accepts (and joins today) or declines."""
    invitation = session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.user_id != user.id:
        raise NotFound("This invitation does not exist.")
    if invitation.status != InvitationStatus.pending.value:
        raise Conflict("This invitation has already been answered.")
    invitation.status = (InvitationStatus.accepted if accept else InvitationStatus.declined).value
    invitation.responded_at = utcnow()
    session.add(invitation)
    if accept and current_member(session, team_id=invitation.team_id, user_id=user.id) is None:
        session.add(
            TeamMember(
                team_id=invitation.team_id,
                user_id=user.id,
                post_id=invitation.post_id,
                joined_on=today(),
            )
        )
    session.flush()
    return invitation


def pending_invitations(session: Session, *, user: User) -> list[tuple[TeamInvitation, Team, Post]]:
    return [
        (inv, team, post)
        for inv, team, post in session.exec(
            select(TeamInvitation, Team, Post)
            .join(Team, Team.id == TeamInvitation.team_id)
            .join(Post, Post.id == TeamInvitation.post_id)
            .where(
                TeamInvitation.user_id == user.id,
                TeamInvitation.status == InvitationStatus.pending.value,
            )
            .order_by(TeamInvitation.id)
        ).all()
    ]

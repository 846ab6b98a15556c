"""What the review partial shows: the form (or the saved texts), the actions with their
owners, the comments, and the open actions carried over from earlier sessions."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.models import User
from app.models.reviews import ReviewAction
from app.models.teams import LiveSession
from app.schemas.base import FormValues
from app.schemas.reviews import CommentForm
from app.services import teams as team_service
from app.services.reviews import actions as action_service
from app.services.reviews import comments as comment_service

BLANK_ROWS = 2  # room for new actions below the saved ones
MIN_ROWS = 3


@dataclass
class ActionView:
    action: ReviewAction
    owner: User


@dataclass
class ReviewView:
    live: LiveSession
    form: FormValues
    rows: list[tuple[int, str, str, str, str]]  # number, action id, text, owner id, due
    members: list[User]
    actions: list[ActionView]
    comments: list
    carried: list[action_service.CarriedGroup]
    can_edit: bool
    can_comment: bool
    can_tick: bool
    errors: dict = field(default_factory=dict)
    comment_form: FormValues = field(default_factory=CommentForm.initial)
    comment_errors: dict = field(default_factory=dict)


def _rows(form: FormValues) -> list[tuple[int, str, str, str, str]]:
    """The action rows to show: those filled in (or typed), then a few blank ones, as the
    plan's product rows; blank rows sent back are not counted, so they do not pile up."""
    columns = [list(form.get(name) or []) for name in ("action_ids", "action_texts")]
    columns += [list(form.get(name) or []) for name in ("action_owners", "action_dues")]
    filled = max(
        (i + 1 for column in columns[1:] for i, value in enumerate(column) if value.strip()),
        default=0,
    )
    columns = [column[:filled] for column in columns]
    width = max(filled + BLANK_ROWS, MIN_ROWS)
    padded = [column + [""] * (width - len(column)) for column in columns]
    return [(n, *row) for n, row in enumerate(zip(*padded, strict=True), 1)]


def _owner_choices(session: Session, team_id: int, actions: list[ActionView]) -> list[User]:
    """The team's current members, and owners of saved actions who have since left."""
    ids = action_service.current_member_ids(session, team_id=team_id)
    ids |= {view.owner.id for view in actions}  # type: ignore[misc]
    if not ids:
        return []
    query = select(User).where(User.id.in_(ids)).order_by(User.full_name, User.id)  # type: ignore[union-attr,arg-type]
    return list(session.exec(query).all())


def _users(session: Session, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    query = select(User).where(User.id.in_(ids))  # type: ignore[union-attr]
    return {user.id: user for user in session.exec(query).all()}  # type: ignore[misc]


def review_view(
    session: Session,
    *,
    user: User,
    live: LiveSession,
    form: FormValues | None = None,
    errors: dict | None = None,
) -> ReviewView:
    """The review section of a session the caller has already shown ``user`` may see."""
    saved = action_service.session_actions(session, live_session_id=live.id)
    owners = _users(session, {a.owner_id for a in saved})
    actions = [ActionView(a, owners[a.owner_id]) for a in saved]
    can_edit = team_service.is_staff(user) or bool(
        team_service.current_member(session, team_id=live.team_id, user_id=user.id)
    )
    form = form if form is not None else action_service.review_form(session, live)
    return ReviewView(
        live=live,
        form=form,
        rows=_rows(form),
        members=_owner_choices(session, live.team_id, actions),
        actions=actions,
        comments=comment_service.comments_of(session, live_session_id=live.id),
        carried=action_service.carried_over(session, team_id=live.team_id, before=live),
        can_edit=can_edit,
        can_comment=comment_service.can_comment(session, user=user, team_id=live.team_id),
        # the owner of an action who has left may still tick it; the partial asks per item
        can_tick=can_edit,
        errors=errors or {},
    )

"""Comments on a session's review: the team's paired industry mentor and staff write them;
whoever may see the session (its team, paired mentors, staff) reads them, oldest first."""

from sqlmodel import Session, select

from app.errors import Forbidden
from app.models import Role, User
from app.models.reviews import ReviewComment
from app.models.teams import Pairing
from app.schemas.reviews import CommentForm
from app.services import teams as team_service
from app.services.reviews.actions import live_of_team


def can_comment(session: Session, *, user: User, team_id: int) -> bool:
    """Staff, or an industry mentor paired with the team."""
    if team_service.is_staff(user):
        return True
    if user.role != Role.mentor:
        return False
    query = select(Pairing.id).where(Pairing.team_id == team_id, Pairing.mentor_id == user.id)
    return session.exec(query.limit(1)).first() is not None


def add_comment(
    session: Session, *, user: User, team_id: int, session_id: int, form: CommentForm
) -> ReviewComment:
    """A comment on the session's review; NotFound for a team the user cannot see."""
    team_service.get_visible_team(session, user=user, team_id=team_id)
    live = live_of_team(session, team_id=team_id, session_id=session_id)
    if not can_comment(session, user=user, team_id=team_id):
        raise Forbidden("Only the team's paired mentor and staff comment on its reviews.")
    comment = ReviewComment(session_id=live.id, author_id=user.id, body=form.body)
    session.add(comment)
    session.flush()
    return comment


def comments_of(session: Session, *, live_session_id: int) -> list[tuple[ReviewComment, User]]:
    """The session's comments with their authors, oldest first (the caller checked access)."""
    rows = session.exec(
        select(ReviewComment, User)
        .join(User, User.id == ReviewComment.author_id)
        .where(ReviewComment.session_id == live_session_id)
        .order_by(ReviewComment.created_at, ReviewComment.id)  # type: ignore[arg-type]
    ).all()
    return [(comment, author) for comment, author in rows]

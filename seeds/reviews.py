"""Demo review actions and comments: the last two recorded sessions of each demo team get
actions owned by its members (the older one's partly done, so some carry over to the
team's next session) and a comment by the team's paired mentor. Re-runnable: a session
that has actions, or the mentor's comment, is left as it is."""

from datetime import timedelta

from sqlmodel import Session, select

from app.models.reviews import ActionStatus, ReviewAction, ReviewComment
from app.models.teams import LiveSession, Pairing, SessionStatus, Team, TeamMember
from seeds.loader import SeedReport, create

ACTIONS = (
    "提前两天备货并核对库存",
    "重写开场三分钟话术",
    "开播 20 分钟后追加投流",
    "给场控准备断流应急预案",
)
COMMENT = "节奏比上一场稳，福袋留人有效；中段讲解太长，下场把卖点压到一分钟内。"


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """Actions and a mentor comment on the last two recorded sessions of each team."""
    for team in session.exec(select(Team).order_by(Team.id)).all():
        members = list(
            session.exec(
                select(TeamMember.user_id)
                .where(TeamMember.team_id == team.id, TeamMember.left_on.is_(None))  # type: ignore[union-attr]
                .order_by(TeamMember.id)
            ).all()
        )
        recorded = list(
            session.exec(
                select(LiveSession)
                .where(
                    LiveSession.team_id == team.id,
                    LiveSession.status == SessionStatus.completed.value,
                )
                .order_by(LiveSession.planned_start.desc())  # type: ignore[union-attr]
                .limit(2)
            ).all()
        )
        if not members or not recorded:
            continue
        for k, live in enumerate(reversed(recorded)):
            _actions(session, report, live, members, older=k == 0 and len(recorded) == 2)
        _comment(session, report, team, recorded[0])


def _actions(session, report, live: LiveSession, members: list[int], *, older: bool) -> None:
    if session.exec(select(ReviewAction.id).where(ReviewAction.session_id == live.id)).first():
        return
    texts = ACTIONS[:2] if older else ACTIONS[2:]
    for order, text in enumerate(texts):
        owner = members[order % len(members)]
        done = older and order == 0  # the older session's first action is done already
        aired = live.actual_end or live.planned_start
        create(
            session,
            ReviewAction(
                session_id=live.id,
                text=text,
                owner_id=owner,
                due_on=live.session_date + timedelta(days=5),
                status=(ActionStatus.done if done else ActionStatus.open).value,
                done_at=aired + timedelta(days=2) if done else None,
                done_by_id=owner if done else None,
                created_by_id=members[0],
                created_at=aired + timedelta(hours=1),
                sort_order=order,
            ),
            report,
        )


def _comment(session, report, team: Team, live: LiveSession) -> None:
    mentor_id = session.exec(
        select(Pairing.mentor_id).where(Pairing.team_id == team.id).order_by(Pairing.id)
    ).first()
    if mentor_id is None:
        return
    existing = select(ReviewComment.id).where(
        ReviewComment.session_id == live.id, ReviewComment.author_id == mentor_id
    )
    if session.exec(existing).first() is None:
        aired = live.actual_end or live.planned_start
        create(
            session,
            ReviewComment(
                session_id=live.id,
                author_id=mentor_id,
                body=COMMENT,
                created_at=aired + timedelta(hours=3),
            ),
            report,
        )

"""Factories for teams, projects, live sessions, pairings and guidance logs (flushed only)."""

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from app.models import Post, Skill, User
from app.models.teams import (
    ActionItem,
    GuidanceLog,
    LiveSession,
    Pairing,
    Project,
    SessionStatus,
    Team,
    TeamMember,
    TeamStageChange,
)
from tests.factories import make_mentor, make_student, make_teacher

_seq = itertools.count(1)
POSTS = [
    ("anchor", True),
    ("assistant_anchor", False),
    ("field_control", False),
    ("operation", True),
    ("product_selection", True),
    ("traffic", True),
    ("video_creator", False),
    ("platform_manager", False),
    ("operator_director", False),
]


def ensure_posts(session: Session) -> dict[str, Post]:
    """The nine posts (four core), each with two skills; returns them by code."""
    existing = {post.code: post for post in session.exec(select(Post)).all()}
    for order, (code, core) in enumerate(POSTS):
        if code in existing:
            continue
        post = Post(
            code=code,
            name_zh=f"岗位{code}",
            name_en=code.replace("_", " "),
            is_core=core,
            sort_order=order,
        )
        session.add(post)
        session.flush()
        for n in (1, 2):
            session.add(
                Skill(
                    post_id=post.id,
                    code=f"{code[:3].upper()}{order}-{n}",
                    name_zh=f"技能{code}{n}",
                    name_en=f"{code} skill {n}",
                    sort_order=n,
                )
            )
        existing[code] = post
    session.flush()
    return existing


def make_team(
    session: Session,
    *,
    members: list[tuple[User, str]] | None = None,
    captain: User | None = None,
    stage: str = "club",
    **overrides,
) -> Team:
    posts = ensure_posts(session)
    values = {"name": f"测试团队{next(_seq)}", "stage": stage}
    values.update(overrides)
    team = Team(**values)
    session.add(team)
    session.flush()
    session.add(TeamStageChange(team_id=team.id, stage=stage, changed_on=date(2025, 9, 1)))
    for user, code in members or []:
        session.add(
            TeamMember(
                team_id=team.id, user_id=user.id, post_id=posts[code].id, joined_on=date(2025, 9, 1)
            )
        )
    if captain is not None:
        team.captain_id = captain.id
        session.add(team)
    session.flush()
    return team


def make_project(session: Session, team: Team, **overrides) -> Project:
    values = {"team_id": team.id, "title": f"{team.name}的项目"}
    values.update(overrides)
    project = Project(**values)
    session.add(project)
    session.flush()
    return project


def make_live_session(
    session: Session,
    team: Team,
    project: Project,
    *,
    on: date,
    income_fen: int = 10000,
    gmv_fen: int = 50000,
    completed: bool = True,
) -> LiveSession:
    start = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    live = LiveSession(
        team_id=team.id,
        project_id=project.id,
        theme="测试直播",
        planned_start=start,
        planned_minutes=120,
        session_date=on,
        status=(SessionStatus.completed if completed else SessionStatus.planned).value,
    )
    if completed:
        live.actual_start, live.actual_end = start, start + timedelta(hours=2)
        live.actual_minutes, live.gmv_fen, live.income_fen = 120, gmv_fen, income_fen
        live.orders, live.refunds = 10, 1
    session.add(live)
    session.flush()
    return live


def make_pairing(
    session: Session,
    team: Team,
    *,
    teacher: User | None = None,
    mentor: User | None = None,
    starts_on: date = date(2025, 9, 1),
    **overrides,
) -> Pairing:
    pairing = Pairing(
        team_id=team.id,
        teacher_id=(teacher or make_teacher(session)).id,
        mentor_id=(mentor or make_mentor(session)).id,
        starts_on=starts_on,
        **overrides,
    )
    session.add(pairing)
    session.flush()
    return pairing


def make_log(
    session: Session,
    pairing: Pairing,
    *,
    author: User | None = None,
    held_on: date | None = None,
    minutes: int = 90,
    actions: tuple[str, ...] = ("整理选品清单",),
) -> GuidanceLog:
    log = GuidanceLog(
        pairing_id=pairing.id,
        author_id=author.id if author else pairing.mentor_id,
        held_on=held_on or date.today(),
        minutes=minutes,
        mode="online",
        notes="复盘上一场直播",
    )
    session.add(log)
    session.flush()
    for order, text in enumerate(actions):
        session.add(ActionItem(log_id=log.id, text=text, sort_order=order))
    session.flush()
    return log


def make_paired_world(session: Session) -> dict:
    """Two mentors, each paired with their own team (a student in each): the alice/bob set-up."""
    ensure_posts(session)
    student_a, student_b = make_student(session), make_student(session)
    mentor_a, mentor_b = make_mentor(session), make_mentor(session)
    teacher = make_teacher(session)
    team_a = make_team(session, members=[(student_a, "anchor")], captain=student_a)
    team_b = make_team(session, members=[(student_b, "operation")], captain=student_b)
    pairing_a = make_pairing(session, team_a, teacher=teacher, mentor=mentor_a)
    pairing_b = make_pairing(session, team_b, teacher=teacher, mentor=mentor_b)
    log_a = make_log(session, pairing_a)
    log_b = make_log(session, pairing_b)
    return {
        "student_a": student_a,
        "student_b": student_b,
        "mentor_a": mentor_a,
        "mentor_b": mentor_b,
        "teacher": teacher,
        "team_a": team_a,
        "team_b": team_b,
        "pairing_a": pairing_a,
        "pairing_b": pairing_b,
        "log_a": log_a,
        "log_b": log_b,
    }

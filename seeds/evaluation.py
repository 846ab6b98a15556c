"""Evaluation seed data: the default scheme (catalogue), outcomes for the demo graduates,
and ``seed_bulk`` — a college-sized data set written with bulk inserts for the benchmark
(students, cohorts, teams, members, live sessions, accounts, competition entries)."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert
from sqlmodel import Session, select

from app.models import Cohort, Role, StudentProfile, User
from app.models.contests import Edition, Entry, Round, Track
from app.models.curriculum import Competition
from app.models.evaluation import EvaluationScheme, GraduateOutcome
from app.models.teams import (
    FollowerSnapshot,
    LiveSession,
    PlatformAccount,
    Project,
    Team,
    TeamCohort,
    TeamMember,
)
from app.services import evaluation as evaluation_service
from app.services.clock import today
from seeds.loader import demo_data

CHUNK = 2000


def seed_catalogue(session: Session, report) -> None:
    """The default scheme as version 1 (left alone once any version exists)."""
    if session.exec(select(EvaluationScheme.id).limit(1)).first() is None:
        evaluation_service.ensure_scheme(session)
        report.count("created", "evaluation_scheme")


def _pick(rng: random.Random, shares: dict[str, int]) -> str:
    roll, total = rng.randint(1, 100), 0
    for outcome, share in shares.items():
        total += share
        if roll <= total:
            return outcome
    return "other"


# A college-sized body of students per step of ``--scale`` above 1, beside the demo people:
# `seed --demo --scale 20` gives the 10,000 students and 50,000 live sessions of
# benchmarks/evaluation.py, so reports and exports can be tried at a college's size.
COLLEGE_PER_SCALE = {"students": 500, "teams": 100, "sessions": 2_500, "entries": 250}
COLLEGE_TAG = "college"


def seed_demo(session: Session, report, *, scale: int = 1) -> None:
    """Outcomes for the demo students, then (``scale`` > 1) the college-sized body."""
    _seed_outcomes(session, report)
    seed_college(session, report, scale=scale)


def seed_college(session: Session, report, *, scale: int) -> None:
    """Bulk students, classes, teams, live sessions of the last 150 days and contest
    entries, sized by ``scale``; added once (a later, larger scale adds no second body)."""
    if scale < 2:
        return
    if session.exec(select(User.id).where(User.username == f"{COLLEGE_TAG}000000")).first():
        return
    sizes = {name: n * scale for name, n in COLLEGE_PER_SCALE.items()}
    # the report counts the rows from the tables themselves (seeds/loader.py: seed_all)
    seed_bulk(session, **sizes, period_start=today() - timedelta(days=150), tag=COLLEGE_TAG)


def _seed_outcomes(session: Session, report) -> None:
    """Outcomes for the demo students of the oldest intake (seeds/demo/outcomes.json)."""
    if session.exec(select(GraduateOutcome.id).limit(1)).first() is not None:
        return
    oldest = session.exec(select(func.min(Cohort.intake_year))).one()
    if oldest is None:
        return
    data = demo_data("outcomes.json")
    graduation = data["graduation"]
    year = oldest + graduation["years_after_intake"]
    graduated_on = date(year, graduation["month"], graduation["day"])
    rng = random.Random(20260701)
    rows = session.exec(
        select(StudentProfile.user_id)
        .join(Cohort, Cohort.id == StudentProfile.cohort_id)
        .where(Cohort.intake_year == oldest)
        .order_by(StudentProfile.user_id)
    ).all()
    outcomes = []
    for user_id in rows:
        if rng.random() < data["unknown_share"]:
            continue  # not known yet
        outcome = _pick(rng, data["shares"])
        organisation = (
            rng.choice(data["businesses"])
            if outcome != "further_study"
            else data["further_study_at"]
        )
        outcomes.append(
            {
                "student_id": user_id,
                "outcome": outcome,
                "organisation": organisation,
                "outcome_on": graduated_on
                - timedelta(days=rng.randint(0, graduation["spread_days"])),
                "note": "",
                "updated_at": datetime.now(UTC),
            }
        )
    _bulk(session, GraduateOutcome, outcomes)
    for _ in outcomes:
        report.count("created", "graduate_outcome")


def _bulk(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start : start + CHUNK])


def _ids(session: Session, column, where) -> list[int]:
    return list(session.exec(select(column).where(where).order_by(column)).all())


def seed_bulk(
    session: Session,
    *,
    students: int = 10_000,
    teams: int = 2_000,
    sessions: int = 50_000,
    entries: int = 5_000,
    period_start: date = date(2025, 9, 1),
    tag: str = "bulk",
    seed: int = 1,
) -> dict[str, object]:
    """A college-sized data set inserted in bulk (a few seconds): returns its cohort ids."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    per_cohort = 40
    n_cohorts = max(1, -(-students // per_cohort))
    _bulk(
        session,
        Cohort,
        [
            {
                "major": f"网络营销与直播电商{tag}",
                "intake_year": 2022 + n % 4,
                "class_number": n + 1,
            }
            for n in range(n_cohorts)
        ],
    )
    cohort_ids = _ids(session, Cohort.id, Cohort.major == f"网络营销与直播电商{tag}")
    _bulk(
        session,
        User,
        [
            {
                "username": f"{tag}{n:06d}",
                "full_name": f"学生{n:05d}",
                "role": Role.student.value,
                "password_hash": "!",  # no login
                "is_active": True,
                "must_change_password": False,
                "created_at": now,
            }
            for n in range(students)
        ],
    )
    user_ids = _ids(session, User.id, User.username.like(f"{tag}%"))  # type: ignore[attr-defined]
    _bulk(
        session,
        StudentProfile,
        [
            {
                "user_id": uid,
                "student_number": f"{tag[:2].upper()}{n:08d}",
                "cohort_id": cohort_ids[n // per_cohort],
            }
            for n, uid in enumerate(user_ids)
        ],
    )
    post_id = session.exec(select(func.min(_post_id()))).one()
    _bulk(
        session,
        Team,
        [
            {"name": f"{tag}团队{n:05d}", "description": "", "stage": "club", "created_at": now}
            for n in range(teams)
        ],
    )
    team_ids = _ids(session, Team.id, Team.name.like(f"{tag}团队%"))  # type: ignore[attr-defined]
    members: list[dict] = []
    team_cohorts: set[tuple[int, int]] = set()
    per_team = max(1, students // max(1, teams))
    for n, uid in enumerate(user_ids):
        team = team_ids[min(len(team_ids) - 1, n // per_team)]
        left = period_start + timedelta(days=rng.randint(30, 120)) if rng.random() < 0.1 else None
        members.append(
            {
                "team_id": team,
                "user_id": uid,
                "post_id": post_id,
                "joined_on": period_start - timedelta(days=rng.randint(0, 60)),
                "left_on": left,
            }
        )
        team_cohorts.add((team, cohort_ids[n // per_cohort]))
    _bulk(session, TeamMember, members)
    _bulk(session, TeamCohort, [{"team_id": t, "cohort_id": c} for t, c in sorted(team_cohorts)])
    _bulk(
        session,
        Project,
        [
            {
                "team_id": t,
                "title": f"项目{t}",
                "description": "",
                "status": "running",
                "created_at": now,
            }
            for t in team_ids
        ],
    )
    project_of = (
        dict(
            session.exec(
                select(Project.team_id, Project.id).where(Project.team_id.in_(team_ids))  # type: ignore[attr-defined]
            ).all()
        )
        if len(team_ids) < 30000
        else {}
    )
    _bulk(
        session,
        PlatformAccount,
        [
            {"project_id": project_of[t], "platform": "douyin", "handle": f"{tag}-{t}"}
            for t in team_ids
        ],
    )
    accounts = _ids(session, PlatformAccount.id, PlatformAccount.handle.like(f"{tag}-%"))  # type: ignore[attr-defined]
    snapshots = []
    for account in accounts:
        first = rng.randint(0, 5000)
        snapshots.append({"account_id": account, "recorded_on": period_start, "followers": first})
        snapshots.append(
            {
                "account_id": account,
                "recorded_on": period_start + timedelta(days=120),
                "followers": first + rng.randint(0, 20000),
            }
        )
    _bulk(session, FollowerSnapshot, snapshots)
    lives = []
    for n in range(sessions):
        team = team_ids[n % len(team_ids)]
        day = period_start + timedelta(days=rng.randint(0, 150))
        start = datetime.combine(day, time(12), tzinfo=UTC)
        gmv = rng.randint(1000, 500000)
        lives.append(
            {
                "team_id": team,
                "project_id": project_of[team],
                "theme": "直播",
                "planned_start": start,
                "planned_minutes": 120,
                "gmv_target_fen": 0,
                "session_date": day,
                "status": "completed",
                "actual_start": start,
                "actual_end": start + timedelta(hours=2),
                "actual_minutes": 120,
                "gmv_fen": gmv,
                "orders": 10,
                "refunds": 0,
                "income_fen": gmv // 8,
                "new_followers": 5,
                "peak_viewers": 100,
                "went_well": "",
                "problems": "",
                "actions": "",
                "created_at": now,
            }
        )
    _bulk(session, LiveSession, lives)
    if entries:
        _entries(session, rng, team_ids, entries, period_start, tag)
    session.flush()
    return {"cohort_ids": cohort_ids, "students": len(user_ids), "teams": len(team_ids)}


def _post_id():
    from app.models import Post

    return Post.id


def _entries(session, rng, team_ids, count, period_start, tag) -> None:
    session.execute(
        insert(Competition),
        [
            {
                "code": f"{tag}-CMP",
                "name_zh": "互联网+大赛",
                "name_en": "Internet+",
                "level": "national",
                "tier": "key",
                "entry_semester": 3,
            }
        ],
    )
    competition = session.exec(select(Competition.id).where(Competition.code == f"{tag}-CMP")).one()
    session.execute(
        insert(Edition),
        [
            {
                "competition_id": competition,
                "year": 2025,
                "registration_opens_on": period_start,
                "registration_closes_on": period_start + timedelta(days=30),
                "notes": "",
                "created_at": datetime.now(UTC),
            }
        ],
    )
    edition = session.exec(select(Edition.id).where(Edition.competition_id == competition)).one()
    levels = ["school", "municipal", "provincial", "national", "international"]
    published = datetime.combine(period_start + timedelta(days=100), time(8), tzinfo=UTC)
    _bulk(
        session,
        Round,
        [
            {
                "edition_id": edition,
                "position": k + 1,
                "level": level,
                "normalise": False,
                "published_at": published,
                "results_on": period_start + timedelta(days=100 + k),
            }
            for k, level in enumerate(levels)
        ],
    )
    rounds = _ids(session, Round.id, Round.edition_id == edition)
    session.execute(
        insert(Track),
        [
            {
                "edition_id": edition,
                "name_zh": "创意组",
                "name_en": "",
                "requires_business": False,
                "excludes_national_winners": False,
            }
        ],
    )
    track = session.exec(select(Track.id).where(Track.edition_id == edition)).one()
    awards = ["participation"] * 5 + [
        "excellence",
        "third",
        "second",
        "first",
        "bronze",
        "silver",
        "gold",
    ]
    _bulk(
        session,
        Entry,
        [
            {
                "round_id": rounds[min(4, int(rng.expovariate(1.2)))],
                "track_id": track,
                "team_id": team_ids[n % len(team_ids)],
                "title": "参赛项目",
                "status": "registered",
                "award": rng.choice(awards),
                "created_at": datetime.now(UTC),
            }
            for n in range(count)
        ],
    )

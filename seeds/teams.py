"""Demo teams (seeds/demo/teams.json) across the pipeline, with projects, accounts, two
months of live sessions, pairings with guidance logs, and teachers' enterprise practice.
Runs after the demo people exist; does nothing when the first demo team is there."""

import itertools
import random
from datetime import timedelta

from sqlmodel import Session, select

from app.models import Post, Role, Skill, StudentProfile
from app.models.teams import (
    ActionItem,
    EnterprisePairing,
    FollowerSnapshot,
    GuidanceLog,
    GuidanceTopic,
    LiveSession,
    LiveSessionProduct,
    LiveSessionRole,
    Pairing,
    PlatformAccount,
    PracticeDay,
    Project,
    SessionStatus,
    Team,
    TeamCohort,
    TeamMember,
    TeamStageChange,
)
from app.services.clock import today
from seeds.loader import SeedReport, create, demo_data, local_time, user_named, users


def _students(session: Session):
    students = users(session, Role.student, prefix="student")
    students.sort(key=lambda u: int(u.username[7:]) if u.username[7:].isdigit() else 10**9)
    return students


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """A dozen teams per ``scale`` with their work of the last two months."""
    data = demo_data("teams.json")
    specs = data["teams"]
    if session.exec(select(Team.id).where(Team.name == specs[0]["name"])).first() is not None:
        return
    rng = random.Random(20251123)
    students = _students(session)
    teachers, mentors = users(session, Role.teacher), users(session, Role.mentor)
    if not students or not teachers or not mentors:
        return
    posts = {p.code: p for p in session.exec(select(Post)).all()}
    skills = list(session.exec(select(Skill).where(Skill.retired == False)).all())  # noqa: E712
    cohorts = {p.user_id: p.cohort_id for p in session.exec(select(StudentProfile)).all()}
    day0 = today()
    start = day0 - timedelta(days=60)
    period = (start, day0)
    student_iter = itertools.cycle(students)  # at a large scale students join two teams
    for n in range(len(specs) * scale):
        spec = specs[n % len(specs)]
        copy = n // len(specs)
        team = create(
            session,
            Team(
                name=spec["name"] + (f" {copy + 1}" if copy else ""),
                stage=spec["stage"],
                created_by_id=teachers[n % len(teachers)].id,
                description=data["team_description"],
            ),
            report,
        )
        stages = data["stages"]
        for k, past in enumerate(stages[: stages.index(spec["stage"]) + 1]):
            session.add(
                TeamStageChange(
                    team_id=team.id,
                    stage=past,
                    changed_on=day0 - timedelta(days=400 - 90 * k),
                    changed_by_id=team.created_by_id,
                )
            )
        members = _members(session, data, n, spec, team, student_iter, posts, cohorts, day0)
        project = Project(
            team_id=team.id,
            title=data["project"]["title"].format(team=team.name),
            description=data["project"]["description"],
            status="running" if spec["stage"] != "club" else "planning",
        )
        session.add(project)
        session.flush()
        accounts = _accounts(session, rng, data, n, spec, team, project, start)
        _sessions(session, rng, data, team, project, accounts, members, posts, period)
        if spec.get("paired", True):
            people = (teachers[n % len(teachers)], _mentor(session, spec, n, mentors), mentors)
            _guidance(session, rng, data, spec, n, team, project, people, skills, members, period)
    _practice(session, rng, data["enterprise_practice"], teachers, day0)
    session.flush()


def _members(session, data, n, spec, team, student_iter, posts, cohorts, day0) -> list:
    """The next ``members`` students, each in the next of the member posts; every fifth
    team keeps an earlier post of its last member in its history."""
    order = [code for code in data["member_posts"] if code in posts]
    members = []
    for k in range(spec["members"]):
        student = next(student_iter)
        if student in members:
            break
        members.append(student)
        session.add(
            TeamMember(
                team_id=team.id,
                user_id=student.id,
                post_id=posts[order[k % len(order)]].id,
                joined_on=day0 - timedelta(days=200 - k),
            )
        )
    if n % 5 == 1 and members:
        session.add(
            TeamMember(
                team_id=team.id,
                user_id=members[-1].id,
                post_id=posts[data["earlier_post"]].id,
                joined_on=day0 - timedelta(days=300),
                left_on=day0 - timedelta(days=200 - len(members) + 1),
            )
        )
    team.captain_id = members[0].id if members else None
    for cohort_id in sorted({cohorts.get(m.id) for m in members} - {None}):
        session.add(TeamCohort(team_id=team.id, cohort_id=cohort_id))
    return members


def _accounts(session, rng, data, n, spec, team, project, start) -> list[PlatformAccount]:
    """The project's platform accounts (the platforms take turns) with weekly followers."""
    platforms, accounts = data["platforms"], []
    for k in range(spec["accounts"]):
        account = PlatformAccount(
            project_id=project.id,
            platform=platforms[(n + k) % len(platforms)],
            handle=f"cj_demo_{team.id}_{k + 1}",
        )
        session.add(account)
        session.flush()
        accounts.append(account)
        followers = rng.randint(200, 3000) * (1 + data["stages"].index(spec["stage"]))
        for week in range(9):
            followers += rng.randint(20, 400)
            session.add(
                FollowerSnapshot(
                    account_id=account.id,
                    followers=followers,
                    recorded_on=start + timedelta(days=7 * week),
                )
            )
    return accounts


def _sessions(session, rng, data, team, project, accounts, members, posts, period):
    start, day0 = period
    spec = data["live_sessions"]
    per_week = spec["per_week"][team.stage]
    products = [(p["name"], p["price_fen"]) for p in spec["products"]]
    day = start + timedelta(days=rng.randint(0, 3))
    while day < day0 + timedelta(days=7):
        planned = local_time(day, rng.choice((10, 14, 19, 20)))
        minutes = rng.choice((60, 90, 120, 180))
        target = rng.randint(20, 200) * 10000 * (1 + data["stages"].index(team.stage))
        live = LiveSession(
            team_id=team.id,
            project_id=project.id,
            account_id=accounts[0].id,
            theme=rng.choice(spec["themes"]),
            planned_start=planned,
            planned_minutes=minutes,
            gmv_target_fen=target,
            session_date=day,
            recorded_by_id=members[0].id if members else None,
        )
        if day < day0:
            actual = planned + timedelta(minutes=rng.randint(0, 10))
            length = minutes + rng.randint(-15, 30)
            gmv = int(target * rng.uniform(0.4, 1.5))
            orders = max(1, gmv // rng.randint(3000, 12000))
            live.status = SessionStatus.completed.value
            live.actual_start, live.actual_end = actual, actual + timedelta(minutes=length)
            live.actual_minutes, live.gmv_fen, live.orders = length, gmv, orders
            live.refunds = rng.randint(0, max(0, orders // 10))
            live.income_fen = int(gmv * rng.uniform(0.08, 0.2))
            live.new_followers, live.peak_viewers = rng.randint(5, 300), rng.randint(50, 2500)
            live.went_well, live.problems = spec["went_well"], spec["problems"]
            live.actions = spec["actions"]
        _platform_figures(live, random.Random(f"{team.name}/{day.isoformat()}"))
        session.add(live)
        session.flush()
        for k, (name, price) in enumerate(rng.sample(products, 3)):
            session.add(
                LiveSessionProduct(session_id=live.id, name=name, price_fen=price, sort_order=k)
            )
        for member in members[:4]:
            post = rng.choice(list(posts.values()))
            session.add(LiveSessionRole(session_id=live.id, user_id=member.id, post_id=post.id))
        day += timedelta(days=max(1, 7 // per_week + rng.randint(-1, 1)))


def _platform_figures(live: LiveSession, rng: random.Random) -> None:
    """Targets for viewers and orders, and the platform's figures of a completed session.

    Its own generator, seeded by team and day, so the draws of every other demo figure stay
    what they were; one session in eight has no platform export (its rates show —).
    """
    live.orders_target = max(1, live.gmv_target_fen // rng.randint(4000, 9000))
    live.viewers_target = live.orders_target * rng.randint(20, 60)
    if live.status != SessionStatus.completed.value or rng.random() < 0.125:
        return
    live.viewers = max(live.peak_viewers, int(live.orders / rng.uniform(0.01, 0.08)))
    live.avg_watch_seconds = rng.randint(35, 190)
    live.interactions = int(live.viewers * rng.uniform(0.2, 1.8))
    if rng.random() < 0.6:
        live.ad_spend_fen = int(live.gmv_fen * rng.uniform(0.05, 0.3))


def _mentor(session, spec, n, mentors):
    """The team's named mentor (mentor1 keeps several pairings so that the demo login shows
    real data); otherwise the mentors take turns."""
    named = user_named(session, spec["mentor"]) if "mentor" in spec else None
    return named or mentors[n % len(mentors)]


def _guidance(session, rng, data, spec, n, team, project, people, skills, members, period):
    (teacher, mentor, mentors), (start, day0) = people, period
    texts = data["guidance"]
    if spec.get("earlier_pairing"):
        session.add(
            Pairing(
                team_id=team.id,
                teacher_id=teacher.id,
                mentor_id=mentors[(n + 1) % len(mentors)].id,
                project_id=project.id,
                starts_on=day0 - timedelta(days=400),
                ends_on=day0 - timedelta(days=200),
                goals=texts["earlier_goals"],
            )
        )
    pairing = Pairing(
        team_id=team.id,
        teacher_id=teacher.id,
        mentor_id=mentor.id,
        project_id=project.id,
        starts_on=start - timedelta(days=30),
        goals=texts["goals"],
    )
    session.add(pairing)
    session.flush()
    quiet = spec.get("guidance_stops", False)  # guidance that stopped a while ago
    day = start + timedelta(days=rng.randint(0, 6))
    while day <= day0 - timedelta(days=1) and not (quiet and day > start + timedelta(days=14)):
        author = mentor if rng.random() < 0.75 else teacher
        log = GuidanceLog(
            pairing_id=pairing.id,
            author_id=author.id,
            held_on=day,
            minutes=rng.choice((45, 60, 90, 120)),
            mode=rng.choice(("on_site", "online", "in_studio")),
            notes=rng.choice(texts["notes"]),
        )
        if members and day < day0 - timedelta(days=7):
            log.acknowledged_at = local_time(day + timedelta(days=1), 9)
            log.acknowledged_by_id = members[0].id
        session.add(log)
        session.flush()
        for skill in rng.sample(skills, min(2, len(skills))):
            session.add(GuidanceTopic(log_id=log.id, skill_id=skill.id))
        for k, text in enumerate(rng.sample(texts["actions"], 2)):
            item = ActionItem(log_id=log.id, text=text, sort_order=k)
            if members and day < day0 - timedelta(days=10) and rng.random() < 0.8:
                item.done_at = local_time(day + timedelta(days=3), 18)
                item.done_by_id = members[-1].id
            session.add(item)
        day += timedelta(days=rng.randint(6, 12))


def _practice(session, rng, spec, teachers, day0):
    for k, teacher in enumerate(teachers):
        enterprise = spec["enterprises"][k % len(spec["enterprises"])]
        session.add(
            EnterprisePairing(
                teacher_id=teacher.id,
                enterprise=enterprise,
                contact=spec["contact"],
                starts_on=day0 - timedelta(days=500),
                notes=spec["notes"],
            )
        )
        for year_back in (1, 0):
            for _ in range(2 + k % 3):
                begin = day0 - timedelta(days=365 * year_back + rng.randint(10, 300))
                length = rng.randint(1, 5)
                session.add(
                    PracticeDay(
                        teacher_id=teacher.id,
                        enterprise=enterprise,
                        starts_on=begin,
                        ends_on=begin + timedelta(days=length - 1),
                        days=length,
                        content=spec["content"],
                    )
                )

"""Demo teams across the pipeline, with projects, accounts, two months of live sessions,
pairings with guidance logs, and teachers' enterprise practice. Runs after seeding.seed_demo
(the demo people exist); does nothing when the demo teams are already there."""

import itertools
import random
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from app.config import settings
from app.models import Post, Role, Skill, StudentProfile, User
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

TEAM_NAMES = [
    "星火直播队",
    "瓯江好物",
    "鹿城优选",
    "晨曦电商",
    "南塘小铺",
    "雁荡山货",
    "温州鞋都直播间",
    "楠溪江农品",
    "五马街潮品",
    "江心屿文创",
    "山海之间",
    "青灯茶社",
]
STAGE_PLAN = [
    "club",
    "club",
    "club",
    "academy",
    "academy",
    "academy",
    "studio",
    "studio",
    "studio",
    "incubated",
    "incubated",
    "academy",
]
PRODUCTS = [
    ("保温杯", 5990),
    ("真皮乐福鞋", 25900),
    ("杨梅干", 3980),
    ("瓯绣书签", 1990),
    ("高山云雾茶", 12800),
    ("手工锡壶", 36800),
    ("蓝夹缬丝巾", 8900),
    ("番薯枣", 2590),
]
PLATFORMS = ["douyin", "kuaishou", "taobao", "wechat_channels", "xiaohongshu"]
THEMES = ["宠粉福利专场", "新品首发", "产地溯源直播", "周末秒杀", "节日礼盒专场", "老粉回馈"]
ACTIONS = [
    "重写开场三分钟话术",
    "整理下场选品清单并核对库存",
    "复盘投流数据，调整人群包",
    "练习逼单与憋单节奏",
    "拍三条预热短视频",
    "给场控准备应急预案",
]
NOTES = [
    "复盘上一场直播的流量曲线，讨论停留时长下降的原因。",
    "现场指导主播与助播配合，强调产品卖点讲解顺序。",
    "线上讲解千川投流的出价策略和素材测试方法。",
]
ENTERPRISES = ["温州直播电商产业园", "义乌小商品直播基地", "杭州星耀传媒", "瓯海鞋服直播中心"]


def seed_catalogue(session: Session, report) -> None:
    """Teams have no catalogue of their own."""


def _users(session: Session, role: Role) -> list[User]:
    return list(session.exec(select(User).where(User.role == role.value).order_by(User.id)).all())


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=settings.tz).astimezone(UTC)


def seed_demo(session: Session, report, *, scale: int = 1) -> None:
    """A dozen teams per ``scale`` with their work of the last two months."""
    if session.exec(select(Team.id).where(Team.name == TEAM_NAMES[0])).first() is not None:
        return
    rng = random.Random(20251123)
    students = [u for u in _users(session, Role.student) if u.username.startswith("student")]
    students.sort(key=lambda u: int(u.username[7:]) if u.username[7:].isdigit() else 10**9)
    teachers, mentors = _users(session, Role.teacher), _users(session, Role.mentor)
    if not students or not teachers or not mentors:
        return
    posts = {p.code: p for p in session.exec(select(Post)).all()}
    order = [
        "anchor",
        "operation",
        "product_selection",
        "traffic",
        "assistant_anchor",
        "field_control",
        "video_creator",
        "platform_manager",
        "operator_director",
    ]
    order = [code for code in order if code in posts]
    skills = list(session.exec(select(Skill).where(Skill.retired == False)).all())  # noqa: E712
    cohorts = {p.user_id: p.cohort_id for p in session.exec(select(StudentProfile)).all()}
    day0 = today()
    start = day0 - timedelta(days=60)
    student_iter = itertools.cycle(students)  # at a large scale students join two teams
    for n in range(12 * scale):
        name = TEAM_NAMES[n % 12] + ("" if n < 12 else f" {n // 12 + 1}")
        stage = STAGE_PLAN[n % 12]
        team = Team(
            name=name,
            stage=stage,
            created_by_id=teachers[n % len(teachers)].id,
            description="学生创业团队，围绕温州本地好物开展直播电商。",
        )
        session.add(team)
        session.flush()
        report.count("created", "team")
        history = ["club", "academy", "studio", "incubated"]
        for k, past in enumerate(history[: history.index(stage) + 1]):
            session.add(
                TeamStageChange(
                    team_id=team.id,
                    stage=past,
                    changed_on=day0 - timedelta(days=400 - 90 * k),
                    changed_by_id=team.created_by_id,
                )
            )
        size = 3 + n % 4  # 3 to 6 members; the smallest teams leave a core post uncovered
        members = []
        for k in range(size):
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
        if n % 5 == 1 and members:  # a post change kept in the history
            session.add(
                TeamMember(
                    team_id=team.id,
                    user_id=members[-1].id,
                    post_id=posts["video_creator"].id,
                    joined_on=day0 - timedelta(days=300),
                    left_on=day0 - timedelta(days=200 - len(members) + 1),
                )
            )
        team.captain_id = members[0].id if members else None
        for cohort_id in sorted({cohorts.get(m.id) for m in members} - {None}):
            session.add(TeamCohort(team_id=team.id, cohort_id=cohort_id))
        project = Project(
            team_id=team.id,
            title=f"{name}·本地好物直播",
            description="以温州特色产品为主的直播带货项目。",
            status="running" if stage != "club" else "planning",
        )
        session.add(project)
        session.flush()
        accounts = []
        for k in range(1 + n % 2):
            account = PlatformAccount(
                project_id=project.id,
                platform=PLATFORMS[(n + k) % 5],
                handle=f"cj_demo_{team.id}_{k + 1}",
            )
            session.add(account)
            session.flush()
            accounts.append(account)
            followers = rng.randint(200, 3000) * (1 + history.index(stage))
            for week in range(9):
                followers += rng.randint(20, 400)
                session.add(
                    FollowerSnapshot(
                        account_id=account.id,
                        followers=followers,
                        recorded_on=start + timedelta(days=7 * week),
                    )
                )
        _sessions(session, rng, team, project, accounts, members, posts, start, day0, stage)
        _guidance(session, rng, team, project, n, teachers, mentors, skills, members, start, day0)
    _practice(session, rng, teachers, day0)
    session.flush()


def _sessions(session, rng, team, project, accounts, members, posts, start, day0, stage):
    per_week = {"club": 1, "academy": 2, "studio": 2, "incubated": 3}[stage]
    day = start + timedelta(days=rng.randint(0, 3))
    while day < day0 + timedelta(days=7):
        planned = _at(day, rng.choice((10, 14, 19, 20)))
        minutes = rng.choice((60, 90, 120, 180))
        target = (
            rng.randint(20, 200)
            * 10000
            * (1 + ["club", "academy", "studio", "incubated"].index(stage))
        )
        live = LiveSession(
            team_id=team.id,
            project_id=project.id,
            account_id=accounts[0].id,
            theme=rng.choice(THEMES),
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
            live.went_well = "互动率高，福袋环节留人效果好。"
            live.problems = "中段流量下滑，讲解节奏偏慢。"
            live.actions = "下场提前准备三套话术，投流在开播后 20 分钟追加。"
        session.add(live)
        session.flush()
        for k, (name, price) in enumerate(rng.sample(PRODUCTS, 3)):
            session.add(
                LiveSessionProduct(session_id=live.id, name=name, price_fen=price, sort_order=k)
            )
        for member in members[:4]:
            post = rng.choice(list(posts.values()))
            session.add(LiveSessionRole(session_id=live.id, user_id=member.id, post_id=post.id))
        day += timedelta(days=max(1, 7 // per_week + rng.randint(-1, 1)))


def _guidance(session, rng, team, project, n, teachers, mentors, skills, members, start, day0):
    # mentor1 keeps several pairings so the demo login shows real data; two teams stay unpaired
    if n % 12 in (2, 8):
        return
    mentor = mentors[0] if n % 3 == 0 else mentors[n % len(mentors)]
    teacher = teachers[n % len(teachers)]
    if n % 6 == 5:  # an earlier pairing that has ended
        session.add(
            Pairing(
                team_id=team.id,
                teacher_id=teacher.id,
                mentor_id=mentors[(n + 1) % len(mentors)].id,
                project_id=project.id,
                starts_on=day0 - timedelta(days=400),
                ends_on=day0 - timedelta(days=200),
                goals="完成账号冷启动。",
            )
        )
    pairing = Pairing(
        team_id=team.id,
        teacher_id=teacher.id,
        mentor_id=mentor.id,
        project_id=project.id,
        starts_on=start - timedelta(days=30),
        goals="三个月内单场 GMV 稳定过万，补齐投流岗位能力。",
    )
    session.add(pairing)
    session.flush()
    quiet = n % 12 == 10  # a team whose guidance stopped a while ago
    day = start + timedelta(days=rng.randint(0, 6))
    while day <= day0 - timedelta(days=1) and not (quiet and day > start + timedelta(days=14)):
        author = mentor if rng.random() < 0.75 else teacher
        log = GuidanceLog(
            pairing_id=pairing.id,
            author_id=author.id,
            held_on=day,
            minutes=rng.choice((45, 60, 90, 120)),
            mode=rng.choice(("on_site", "online", "in_studio")),
            notes=rng.choice(NOTES),
        )
        if members and day < day0 - timedelta(days=7):
            log.acknowledged_at = _at(day + timedelta(days=1), 9)
            log.acknowledged_by_id = members[0].id
        session.add(log)
        session.flush()
        for skill in rng.sample(skills, min(2, len(skills))):
            session.add(GuidanceTopic(log_id=log.id, skill_id=skill.id))
        for k, text in enumerate(rng.sample(ACTIONS, 2)):
            item = ActionItem(log_id=log.id, text=text, sort_order=k)
            if members and day < day0 - timedelta(days=10) and rng.random() < 0.8:
                item.done_at, item.done_by_id = _at(day + timedelta(days=3), 18), members[-1].id
            session.add(item)
        day += timedelta(days=rng.randint(6, 12))


def _practice(session, rng, teachers, day0):
    for k, teacher in enumerate(teachers):
        enterprise = ENTERPRISES[k % len(ENTERPRISES)]
        session.add(
            EnterprisePairing(
                teacher_id=teacher.id,
                enterprise=enterprise,
                contact="企业导师",
                starts_on=day0 - timedelta(days=500),
                notes="“一院百企”结对",
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
                        content="跟岗直播运营，参与选品会。",
                    )
                )

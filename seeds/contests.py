"""Demo data for competitions and certificates: a finished edition (school round judged,
awarded by quota and published; the best entries sent on to a provincial round that is
published too), an edition open for registration with a round being judged (teacher1 and
mentor1 have entries to score), an external result, issued certificates (one revoked)
and an open practical exam. Runs once: skipped when any edition exists."""

import random
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, select

from app.models import Role, User
from app.models.certificates import ExamCandidate, ExamCriterion, ExamExaminer, PracticalExam
from app.models.contests import (
    AdvisorKind,
    Edition,
    Entry,
    EntryAdvisor,
    EntryMember,
    ExternalResult,
    JudgeAssignment,
    Round,
    RubricCriterion,
    Score,
    Track,
)
from app.models.curriculum import CertificateType, Competition
from app.models.teams import Pairing, Team, TeamMember
from app.services import certificates as certificate_service
from app.services import clock
from app.services import contests as contest_service
from app.services import judging as judging_service

RUBRIC = (  # how judges score a live-selling round: rhythm over raw passion
    ("直播节奏把控", "Rhythm and pacing", Decimal("1.5"), 20),
    ("产品讲解", "Product knowledge", Decimal("1"), 20),
    ("互动与转化", "Interaction and conversion", Decimal("1"), 20),
    ("合规表达", "Compliance", Decimal("1"), 10),
    ("数据成果", "Results", Decimal("1"), 20),
)


def seed_catalogue(session: Session, report) -> None:
    """Nothing to load: competitions and certificates come from the curriculum catalogue."""


def _users(session: Session, role: Role) -> list[User]:
    return list(session.exec(select(User).where(User.role == role.value).order_by(User.id)))


def _rubric(session: Session, round_: Round) -> list[RubricCriterion]:
    rows = []
    for order, (zh, en, weight, top) in enumerate(RUBRIC, start=1):
        row = RubricCriterion(
            round_id=round_.id,
            name_zh=zh,
            name_en=en,
            weight=weight,
            max_score=top,
            sort_order=order,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    round_.tiebreak_criterion_id = rows[0].id
    session.add(round_)
    return rows


def _entry(session, round_, track, team, members, teacher, mentor, title) -> Entry:
    entry = Entry(
        round_id=round_.id,
        track_id=track.id,
        team_id=team.id,
        title=title,
        registered_by_id=teacher.id,
    )
    session.add(entry)
    session.flush()
    for user_id in members:
        session.add(EntryMember(entry_id=entry.id, user_id=user_id))
    session.add(EntryAdvisor(entry_id=entry.id, user_id=teacher.id, kind=AdvisorKind.college))
    if mentor is not None:
        session.add(EntryAdvisor(entry_id=entry.id, user_id=mentor.id, kind=AdvisorKind.enterprise))
    session.flush()
    return entry


def _judge(session, rng, entry, judges, rubric, count, *, complete=True) -> None:
    chosen = 0
    for judge in rng.sample(judges, len(judges)):
        if chosen >= count:
            break
        if judging_service.conflict_reason(session, judge=judge, entry=entry) is not None:
            continue
        assignment = JudgeAssignment(entry_id=entry.id, judge_id=judge.id)
        session.add(assignment)
        session.flush()
        chosen += 1
        if not complete:
            continue
        bias = rng.uniform(-0.1, 0.1)
        for criterion in rubric:
            share = min(1.0, max(0.3, rng.uniform(0.55, 0.95) + bias))
            value = Decimal(round(criterion.max_score * share * 2) / 2).quantize(Decimal("0.1"))
            session.add(Score(assignment_id=assignment.id, criterion_id=criterion.id, value=value))
        if rng.random() < 0.3:
            assignment.note = rng.choice(
                ("开场节奏好，但促单略急。", "产品卖点讲得清楚。", "互动回复慢，需加强场控配合。")
            )
            session.add(assignment)
    session.flush()


def seed_demo(session: Session, report, *, scale: int = 1) -> None:
    if session.exec(select(Edition.id)).first() is not None:
        return
    competitions = list(
        session.exec(select(Competition).order_by(Competition.sort_order, Competition.id))
    )
    teams = list(session.exec(select(Team).order_by(Team.id)))
    teachers, mentors = _users(session, Role.teacher), _users(session, Role.mentor)
    admin = session.exec(select(User).where(User.role == Role.admin.value)).first()
    if len(competitions) < 2 or len(teams) < 4 or not teachers or not mentors or admin is None:
        return
    rng = random.Random(20251124)
    day0 = clock.today()
    judges = teachers + mentors
    members_of: dict[int, list[int]] = {}
    for member in session.exec(select(TeamMember).where(TeamMember.left_on.is_(None))):
        members_of.setdefault(member.team_id, []).append(member.user_id)
    pairing_of = {p.team_id: p for p in session.exec(select(Pairing))}
    users = {u.id: u for u in teachers + mentors}

    # A finished edition: school round judged and published, provincial round too.
    past = Edition(
        competition_id=competitions[0].id,
        year=day0.year,
        registration_opens_on=day0 - timedelta(days=50),
        registration_closes_on=day0 - timedelta(days=35),
        notes="校赛 → 省赛",
    )
    session.add(past)
    session.flush()
    report.count("created", "edition")
    creative = Track(
        edition_id=past.id,
        name_zh="创意组",
        name_en="Creative group",
        min_members=3,
        max_members=15,
    )
    startup = Track(
        edition_id=past.id,
        name_zh="创业组",
        name_en="Start-up group",
        min_members=3,
        max_members=15,
        requires_business=True,
        max_business_age_years=5,
    )
    session.add_all([creative, startup])
    school = Round(
        edition_id=past.id,
        position=1,
        level="school",
        held_on=day0 - timedelta(days=20),
        advance_cap=3 * scale,
    )
    provincial = Round(
        edition_id=past.id, position=2, level="provincial", held_on=day0 - timedelta(days=6)
    )
    session.add_all([school, provincial])
    session.flush()
    rubric = _rubric(session, school)
    entries = []
    for n, team in enumerate(teams[: 8 * scale]):
        pairing = pairing_of.get(team.id)
        teacher = users.get(pairing.teacher_id) if pairing else teachers[n % len(teachers)]
        mentor = users.get(pairing.mentor_id) if pairing else None
        entries.append(
            _entry(
                session,
                school,
                creative,
                team,
                members_of.get(team.id, []),
                teacher,
                mentor,
                f"{team.name}：温州好物直播带货",
            )
        )
    for entry in entries:
        _judge(session, rng, entry, judges, rubric, rng.choice((3, 5)))
    judging_service.apply_quotas(
        session, round_id=school.id, bands=list(judging_service.DEFAULT_QUOTAS)
    )
    judging_service.publish_round(session, actor=admin, round_id=school.id)
    view = judging_service.ranking(session, round_id=school.id)
    for row in view.rows[: min(3 * scale, len(view.rows))]:
        contest_service.advance_entry(session, round_id=school.id, entry_id=row.entry.id)
    provincial_rubric = _rubric(session, provincial)
    for entry in session.exec(select(Entry).where(Entry.round_id == provincial.id)).all():
        _judge(session, rng, entry, judges, provincial_rubric, 3)
    judging_service.apply_quotas(
        session,
        round_id=provincial.id,
        bands=[("gold", Decimal(20)), ("silver", Decimal(30)), ("bronze", Decimal(50))],
    )
    judging_service.publish_round(session, actor=admin, round_id=provincial.id)

    # An edition open for registration, its school round being judged now.
    current = Edition(
        competition_id=competitions[1].id,
        year=day0.year,
        registration_opens_on=day0 - timedelta(days=10),
        registration_closes_on=day0 + timedelta(days=20),
    )
    session.add(current)
    session.flush()
    report.count("created", "edition")
    live = Track(
        edition_id=current.id,
        name_zh="直播电商实战赛道",
        name_en="Live-commerce track",
        min_members=3,
        max_members=5,
        max_college_mentors=2,
        max_enterprise_mentors=2,
    )
    session.add(live)
    school_now = Round(
        edition_id=current.id,
        position=1,
        level="school",
        held_on=day0 + timedelta(days=25),
        advance_cap=2,
    )
    session.add(school_now)
    session.flush()
    rubric_now = _rubric(session, school_now)
    demo_judges = [u for u in judges if u.username in ("teacher1", "mentor1")] or judges[:2]
    for n, team in enumerate(teams[8 * scale : 8 * scale + 4]):
        pairing = pairing_of.get(team.id)
        teacher = users.get(pairing.teacher_id) if pairing else teachers[-1]
        entry = _entry(
            session,
            school_now,
            live,
            team,
            members_of.get(team.id, [])[:5],
            teacher,
            None,
            f"{team.name}：助农直播专场",
        )
        _judge(
            session,
            rng,
            entry,
            [j for j in judges if j not in demo_judges],
            rubric_now,
            2,
            complete=n % 2 == 0,
        )
        for judge in demo_judges:
            if judging_service.conflict_reason(session, judge=judge, entry=entry) is None:
                session.add(JudgeAssignment(entry_id=entry.id, judge_id=judge.id))
    session.flush()

    # A result won outside the college.
    first_team = teams[0]
    session.add(
        ExternalResult(
            team_id=first_team.id,
            competition_name="浙江省大学生电子商务竞赛",
            edition=str(day0.year),
            round_name="省赛",
            level="provincial",
            award="second",
            awarded_on=day0 - timedelta(days=12),
            recorded_by_id=teachers[0].id,
        )
    )

    # Certificates: level 5 直播销售员 for some students, one of them revoked.
    cert = session.exec(select(CertificateType).where(CertificateType.code == "IM-LIVE")).first()
    students = _users(session, Role.student)
    if cert is not None and students:
        for n, student in enumerate(students[: 6 * scale]):
            award = certificate_service.issue_award(
                session,
                actor=admin,
                student=student,
                type_id=cert.id,
                level=5,
                issued_on=day0 - timedelta(days=30 + n),
                source="bulk",
            )
            report.count("created", "certificate_award")
            if n == 5:
                certificate_service.revoke_award(
                    session, actor=admin, award_id=award.id, reason="考试违纪，成绩作废"
                )
        exam = PracticalExam(
            certificate_type_id=cert.id,
            level=4,
            title="直播销售员四级实操考核",
            held_on=day0 + timedelta(days=7),
            pass_mark=Decimal(60),
            created_by_id=admin.id,
        )
        session.add(exam)
        session.flush()
        for order, (zh, en, top) in enumerate(
            (
                ("两小时直播挑战：GMV 目标达成", "Two-hour challenge: GMV target", 40),
                ("话术与节奏", "Script and rhythm", 30),
                ("合规与售后", "Compliance and after-sales", 30),
            ),
            start=1,
        ):
            session.add(
                ExamCriterion(
                    exam_id=exam.id, name_zh=zh, name_en=en, max_score=top, sort_order=order
                )
            )
        for examiner in demo_judges:
            session.add(ExamExaminer(exam_id=exam.id, user_id=examiner.id))
        session.flush()
        for student in students[:4]:
            check = certificate_service.check_eligibility(
                session, student_id=student.id, type_id=cert.id, level=4, on=exam.held_on
            )
            if check.ok:
                session.add(ExamCandidate(exam_id=exam.id, student_id=student.id))
    session.flush()

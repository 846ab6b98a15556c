"""Demo competitions and certificates (seeds/demo/contests.json): a finished edition, an
edition whose school round is being judged (teacher1 and mentor1 have entries to score),
an external result, issued certificates (one revoked) and an open practical exam.
Runs once: skipped when any edition exists."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
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
from app.schemas.judging import PublishForm
from app.services import certificates as certificate_service
from app.services import clock
from app.services import contests as contest_service
from app.services import judging as judging_service
from seeds.loader import SeedReport, create, demo_data, users


@dataclass
class Cast:
    """Who takes part: the teams in order, their members and pairings, and the staff."""

    admin: User
    teams: list[Team]
    teachers: list[User]
    judges: list[User]
    demo_judges: list[User]
    members_of: dict[int, list[int]]
    pairing_of: dict[int, Pairing]
    staff: dict[int, User]

    def advisors(self, team: Team, fallback: User) -> tuple[User, User | None]:
        """The team's paired teacher and mentor, or ``fallback`` and no mentor."""
        pairing = self.pairing_of.get(team.id)
        if pairing is None:
            return fallback, None
        return self.staff.get(pairing.teacher_id), self.staff.get(pairing.mentor_id)


def _rubric(session: Session, round_: Round, spec: list[dict]) -> list[RubricCriterion]:
    rows = []
    for order, item in enumerate(spec, start=1):
        row = RubricCriterion(
            round_id=round_.id,
            name_zh=item["name_zh"],
            name_en=item["name_en"],
            weight=Decimal(item["weight"]),
            max_score=item["max_score"],
            sort_order=order,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    round_.tiebreak_criterion_id = rows[0].id
    session.add(round_)
    return rows


def _entry(session, round_, track, team, members, advisors, title) -> Entry:
    teacher, mentor = advisors
    entry = Entry(
        round_id=round_.id,
        track_id=track.id,
        team_id=team.id,
        title=title.format(team=team.name),
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
            assignment.note = rng.choice(demo_data("contests.json")["judge_notes"])
            session.add(assignment)
    session.flush()


def _edition(session, report, competition, spec, day0) -> Edition:
    opens, closes = spec["registration_days"]
    edition = Edition(
        competition_id=competition.id,
        year=day0.year,
        registration_opens_on=day0 + timedelta(days=opens),
        registration_closes_on=day0 + timedelta(days=closes),
        notes=spec.get("notes", ""),
    )
    return create(session, edition, report)


def _cast(session: Session) -> Cast | None:
    teams = list(session.exec(select(Team).order_by(Team.id)))
    teachers, mentors = users(session, Role.teacher), users(session, Role.mentor)
    admins = users(session, Role.admin)
    if len(teams) < 4 or not teachers or not mentors or not admins:
        return None
    judges = teachers + mentors
    names = demo_data("contests.json")["demo_judges"]
    members_of: dict[int, list[int]] = {}
    for member in session.exec(select(TeamMember).where(TeamMember.left_on.is_(None))):
        members_of.setdefault(member.team_id, []).append(member.user_id)
    return Cast(
        admin=admins[0],
        teams=teams,
        teachers=teachers,
        judges=judges,
        demo_judges=[u for u in judges if u.username in names] or judges[:2],
        members_of=members_of,
        pairing_of={p.team_id: p for p in session.exec(select(Pairing))},
        staff={u.id: u for u in judges},
    )


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    if session.exec(select(Edition.id)).first() is not None:
        return
    data = demo_data("contests.json")
    codes = (data["finished_edition"]["competition"], data["open_edition"]["competition"])
    competitions = {
        c.code: c for c in session.exec(select(Competition).where(Competition.code.in_(codes)))
    }
    cast = _cast(session)
    if len(competitions) < 2 or cast is None:
        return
    rng = random.Random(20251124)
    day0 = clock.today()
    finished, current = data["finished_edition"], data["open_edition"]
    _finished(session, report, rng, competitions[codes[0]], finished, cast, day0, scale)
    _open(session, report, rng, competitions[codes[1]], current, cast, day0, scale)
    team = next((t for t in cast.teams if t.name == data["external_result"]["team"]), None)
    if team is not None:
        _external_result(session, data["external_result"], team, cast, day0)
    _certificates(session, report, data["certificates"], cast, day0, scale)
    session.flush()


def _finished(session, report, rng, competition, spec, cast: Cast, day0, scale) -> None:
    """School round judged, awarded by quota and published; the best entries go on to a
    provincial round that is judged and published too."""
    rubric_spec = demo_data("contests.json")["rubric"]
    past = _edition(session, report, competition, spec, day0)
    tracks = [Track(edition_id=past.id, **track) for track in spec["tracks"]]
    session.add_all(tracks)
    school_spec, provincial_spec = spec["school_round"], spec["provincial_round"]
    school = Round(
        edition_id=past.id,
        position=1,
        level="school",
        held_on=day0 + timedelta(days=school_spec["held_in_days"]),
        advance_cap=school_spec["advance_per_scale"] * scale,
    )
    provincial = Round(
        edition_id=past.id,
        position=2,
        level="provincial",
        held_on=day0 + timedelta(days=provincial_spec["held_in_days"]),
    )
    session.add_all([school, provincial])
    session.flush()
    rubric = _rubric(session, school, rubric_spec)
    entries = []
    for n, team in enumerate(cast.teams[: spec["teams_per_scale"] * scale]):
        advisors = cast.advisors(team, cast.teachers[n % len(cast.teachers)])
        members = cast.members_of.get(team.id, [])
        entries.append(
            _entry(session, school, tracks[0], team, members, advisors, spec["entry_title"])
        )
    for entry in entries:
        _judge(session, rng, entry, cast.judges, rubric, rng.choice((3, 5)))
    judging_service.apply_quotas(
        session, round_id=school.id, bands=list(judging_service.DEFAULT_QUOTAS)
    )
    publish = PublishForm.parse({})  # every sheet is in: nothing to publish anyway
    judging_service.publish_round(
        session, actor=cast.admin, round_id=school.id, form=publish, on=school.held_on
    )
    view = judging_service.ranking(session, round_id=school.id)
    for row in view.rows[: min(school.advance_cap, len(view.rows))]:
        contest_service.advance_entry(session, round_id=school.id, entry_id=row.entry.id)
    provincial_rubric = _rubric(session, provincial, rubric_spec)
    for entry in session.exec(select(Entry).where(Entry.round_id == provincial.id)).all():
        _judge(session, rng, entry, cast.judges, provincial_rubric, 3)
    bands = [(band, Decimal(share)) for band, share in provincial_spec["quotas"].items()]
    judging_service.apply_quotas(session, round_id=provincial.id, bands=bands)
    judging_service.publish_round(
        session, actor=cast.admin, round_id=provincial.id, form=publish, on=provincial.held_on
    )


def _open(session, report, rng, competition, spec, cast: Cast, day0, scale) -> None:
    """An edition open for registration, its school round being judged now: the demo
    judges have entries to score, other judges have scored some."""
    current = _edition(session, report, competition, spec, day0)
    track = Track(edition_id=current.id, **spec["track"])
    session.add(track)
    school = Round(
        edition_id=current.id,
        position=1,
        level="school",
        held_on=day0 + timedelta(days=spec["school_round"]["held_in_days"]),
        advance_cap=spec["school_round"]["advance_cap"],
    )
    session.add(school)
    session.flush()
    rubric = _rubric(session, school, demo_data("contests.json")["rubric"])
    first = demo_data("contests.json")["finished_edition"]["teams_per_scale"] * scale
    others = [j for j in cast.judges if j not in cast.demo_judges]
    for n, team in enumerate(cast.teams[first : first + spec["teams"]]):
        teacher, _ = cast.advisors(team, cast.teachers[-1])
        members = cast.members_of.get(team.id, [])[: track.max_members]
        entry = _entry(session, school, track, team, members, (teacher, None), spec["entry_title"])
        _judge(session, rng, entry, others, rubric, 2, complete=n % 2 == 0)
        for judge in cast.demo_judges:
            if judging_service.conflict_reason(session, judge=judge, entry=entry) is None:
                session.add(JudgeAssignment(entry_id=entry.id, judge_id=judge.id))
    session.flush()


def _external_result(session, spec: dict, team: Team, cast: Cast, day0: date) -> None:
    """A result won outside the college."""
    session.add(
        ExternalResult(
            team_id=team.id,
            competition_name=spec["competition_name"],
            edition=str(day0.year),
            round_name=spec["round_name"],
            level=spec["level"],
            award=spec["award"],
            awarded_on=day0 + timedelta(days=spec["awarded_in_days"]),
            recorded_by_id=cast.teachers[0].id,
        )
    )


def _certificates(session, report, spec: dict, cast: Cast, day0: date, scale: int) -> None:
    """Certificates issued to some students (one revoked), and an open practical exam."""
    cert = session.exec(select(CertificateType).where(CertificateType.code == spec["type"])).first()
    students = users(session, Role.student)
    if cert is None or not students:
        return
    admin = cast.admin
    for n, student in enumerate(students[: spec["per_scale"] * scale]):
        award = certificate_service.issue_award(
            session,
            actor=admin,
            student=student,
            type_id=cert.id,
            level=spec["level"],
            issued_on=day0 - timedelta(days=30 + n),
            source="bulk",
        )
        report.count("created", "certificate_award")
        if n + 1 == spec["revoked"]["nth"]:
            certificate_service.revoke_award(
                session, actor=admin, award_id=award.id, reason=spec["revoked"]["reason"]
            )
    exam_spec = spec["exam"]
    exam = PracticalExam(
        certificate_type_id=cert.id,
        level=exam_spec["level"],
        title=exam_spec["title"],
        held_on=day0 + timedelta(days=exam_spec["in_days"]),
        pass_mark=Decimal(exam_spec["pass_mark"]),
        created_by_id=admin.id,
    )
    session.add(exam)
    session.flush()
    for order, criterion in enumerate(exam_spec["criteria"], start=1):
        session.add(ExamCriterion(exam_id=exam.id, sort_order=order, **criterion))
    for examiner in cast.demo_judges:
        session.add(ExamExaminer(exam_id=exam.id, user_id=examiner.id))
    session.flush()
    for student in students[: exam_spec["candidates"]]:
        check = certificate_service.check_eligibility(
            session, student_id=student.id, type_id=exam.certificate_type_id,
            level=exam.level, on=exam.held_on,
        )  # fmt: skip
        if check.ok:
            session.add(ExamCandidate(exam_id=exam.id, student_id=student.id))

"""Seed the competition and certificate catalogue, and the demo training programme.

Both are re-runnable: rows are found by their natural codes, and a demo course that
already has modules keeps them (teachers' edits survive a second `seed --demo`).
"""

from decimal import Decimal

from sqlmodel import Session, select

from app.models import CoreCompetency, Post, Role, Skill, User
from app.models.curriculum import (
    CertificateLevel,
    CertificatePost,
    CertificateType,
    CertificateUnit,
    Competition,
    CompetitionItem,
    CompetitionPost,
    Course,
    CourseModule,
    CourseOwner,
    ModuleCertificateUnit,
    ModuleCompetency,
    ModuleCompetitionItem,
    ModuleSkill,
    Placement,
    ProgrammeVersion,
    TrainingProgramme,
)
from seeds.curriculum_data import (
    CERTIFICATES,
    COMPETITIONS,
    DEMO_COURSES,
    DEMO_V2_DROPS,
    DEMO_V2_MOVES,
)
from seeds.loader import DEMO_MAJOR, SeedReport, _upsert

DEMO_INTAKE = 2024


def _ensure_link(session: Session, model, key: dict, report: SeedReport) -> None:
    if session.get(model, tuple(key.values())) is None:
        session.add(model(**key))
        session.flush()
        report.count("created", model.__tablename__)


def _post_ids(session: Session) -> dict[str, int]:
    return {p.code: p.id for p in session.exec(select(Post)).all()}


def seed_catalogue(session: Session, report: SeedReport) -> None:
    """The competitions with their items and the certificate types with units and levels."""
    posts = _post_ids(session)
    for order, data in enumerate(COMPETITIONS):
        values = {
            k: data[k]
            for k in (
                "name_zh",
                "name_en",
                "organiser_zh",
                "organiser_en",
                "level",
                "tier",
                "description_zh",
                "description_en",
            )
        }
        values["sort_order"] = order
        existing = session.exec(select(Competition).where(Competition.code == data["code"])).first()
        if existing is None:  # the entry semester is the admin's setting once it exists
            values["entry_semester"] = data["entry_semester"]
        competition = _upsert(session, Competition, {"code": data["code"]}, values, report)
        for post_code in data["posts"]:
            if post_code in posts:
                key = {"competition_id": competition.id, "post_id": posts[post_code]}
                _ensure_link(session, CompetitionPost, key, report)
        for item_order, (code, name_zh, name_en) in enumerate(data["items"]):
            _upsert(
                session,
                CompetitionItem,
                {"code": code},
                {
                    "competition_id": competition.id,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "sort_order": item_order,
                },
                report,
            )
    for order, data in enumerate(CERTIFICATES):
        values = {
            k: data[k]
            for k in (
                "name_zh",
                "name_en",
                "issuer_zh",
                "issuer_en",
                "occupation_code",
                "work_type_zh",
                "work_type_en",
            )
        }
        values["sort_order"] = order
        certificate = _upsert(session, CertificateType, {"code": data["code"]}, values, report)
        for post_code in data["posts"]:
            if post_code in posts:
                key = {"certificate_type_id": certificate.id, "post_id": posts[post_code]}
                _ensure_link(session, CertificatePost, key, report)
        for level, hours in data["hours"].items():
            _upsert(
                session,
                CertificateLevel,
                {"certificate_type_id": certificate.id, "level": level},
                {"min_training_hours": hours},
                report,
            )
        for unit_order, (code, name_zh, name_en, level) in enumerate(data["units"]):
            _upsert(
                session,
                CertificateUnit,
                {"code": code},
                {
                    "certificate_type_id": certificate.id,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "level": level,
                    "sort_order": unit_order,
                },
                report,
            )


def _codes(session: Session, model) -> dict[str, int]:
    return {row.code: row.id for row in session.exec(select(model)).all()}


def _add_modules(session: Session, course: Course, modules, lookups, report: SeedReport) -> None:
    skills, items, units, competencies = lookups
    for position, (title_zh, title_en, hours, method, studio, s, i, u, c) in enumerate(
        modules, start=1
    ):
        module = CourseModule(
            course_id=course.id,
            position=position,
            title_zh=title_zh,
            title_en=title_en,
            hours=hours,
            teaching_method=method,
            needs_studio=studio,
            outcomes=f"能够完成“{title_zh}”相关的岗位任务。",
        )
        session.add(module)
        session.flush()
        report.count("created", "course_module")
        for codes, lookup, model, column in (
            (s, skills, ModuleSkill, "skill_id"),
            (i, items, ModuleCompetitionItem, "item_id"),
            (u, units, ModuleCertificateUnit, "unit_id"),
            (c, competencies, ModuleCompetency, "competency_id"),
        ):
            for code in codes.split():
                if code in lookup:
                    session.add(model(module_id=module.id, **{column: lookup[code]}))
        session.flush()


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """The 网络营销与直播电商 2024 programme: 19 courses over six semesters with mapped
    modules and a few deliberate gaps; version 1 published, version 2 a draft."""
    teachers = list(
        session.exec(
            select(User)
            .where(User.role == Role.teacher, User.username.startswith("teacher"))
            .order_by(User.id)
        ).all()
    )
    lookups = (
        _codes(session, Skill),
        _codes(session, CompetitionItem),
        _codes(session, CertificateUnit),
        _codes(session, CoreCompetency),
    )
    courses: dict[str, Course] = {}
    for n, (code, t_zh, t_en, semester, credits, theory, practice, kind, modules) in enumerate(
        DEMO_COURSES
    ):
        course = _upsert(
            session,
            Course,
            {"code": code},
            {
                "title_zh": t_zh,
                "title_en": t_en,
                "semester": semester,
                "credits": Decimal(credits),
                "theory_hours": theory,
                "practice_hours": practice,
                "kind": kind,
            },
            report,
        )
        courses[code] = course
        if teachers:
            owner = teachers[n % len(teachers)]
            _ensure_link(
                session, CourseOwner, {"course_id": course.id, "user_id": owner.id}, report
            )
        has_modules = session.exec(
            select(CourseModule.id).where(CourseModule.course_id == course.id)
        ).first()
        if has_modules is None:
            _add_modules(session, course, modules, lookups, report)
    for n in range(1, (scale - 1) * 10 + 1):  # extra elective courses for larger demos
        _upsert(
            session,
            Course,
            {"code": f"XX{n:04d}"},
            {
                "title_zh": f"专业选修课{n}",
                "title_en": f"Elective {n}",
                "semester": 1 + n % 6,
                "credits": Decimal("2"),
                "theory_hours": 16,
                "practice_hours": 16,
                "kind": "module_directed",
            },
            report,
        )
    _seed_programme(session, report, courses)


def _seed_programme(session: Session, report: SeedReport, courses: dict[str, Course]) -> None:
    programme = _upsert(
        session,
        TrainingProgramme,
        {"major": DEMO_MAJOR, "intake_year": DEMO_INTAKE},
        {},
        report,
    )
    if (
        session.exec(
            select(ProgrammeVersion.id).where(ProgrammeVersion.programme_id == programme.id)
        ).first()
        is not None
    ):
        return  # the programme's versions are the admin's once they exist
    programme.min_semester_credits = Decimal("8")
    programme.max_semester_credits = Decimal("26")
    programme.min_total_credits = Decimal("60")
    programme.max_semester_hours = 520
    programme.min_practice_share = 50
    session.add(programme)
    from app.models.base import utcnow

    v1 = ProgrammeVersion(
        programme_id=programme.id,
        number=1,
        status="published",
        published_at=utcnow(),
        note="2024级首版",
    )
    v2 = ProgrammeVersion(programme_id=programme.id, number=2, note="调整第3、5学期课程")
    session.add_all([v1, v2])
    session.flush()
    report.count("created", "programme_version")
    report.count("created", "programme_version")
    for code, course in courses.items():
        session.add(
            Placement(
                version_id=v1.id,
                course_id=course.id,
                semester=course.semester,
                credits=course.credits,
                theory_hours=course.theory_hours,
                practice_hours=course.practice_hours,
            )
        )
        if code not in DEMO_V2_DROPS:
            semester = DEMO_V2_MOVES.get(code, course.semester)
            session.add(Placement(version_id=v2.id, course_id=course.id, semester=semester))
    session.flush()

"""The competition and certificate catalogue (seeds/catalogue/competitions.json,
certificates.json) and the demo training programme (seeds/demo/programme.json).

Both are re-runnable: rows are found by their natural codes, and a demo course that
already has modules keeps them (teachers' edits survive a second `seed --demo`).
"""

from decimal import Decimal

from sqlmodel import Session, select

from app.models import CoreCompetency, Post, Role, Skill
from app.models.base import utcnow
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
from seeds.loader import (
    CATALOGUE_DIR,
    SeedReport,
    create,
    demo_data,
    ensure_link,
    ids_by_code,
    read,
    upsert,
    users,
)

COMPETITION_FIELDS = (
    "name_zh",
    "name_en",
    "organiser_zh",
    "organiser_en",
    "level",
    "tier",
    "description_zh",
    "description_en",
)
CERTIFICATE_FIELDS = (
    "name_zh",
    "name_en",
    "issuer_zh",
    "issuer_en",
    "occupation_code",
    "work_type_zh",
    "work_type_en",
)
# A module's list of codes → (the table it is looked up in, the link table, its column).
MODULE_LINKS = {
    "skills": (Skill, ModuleSkill, "skill_id"),
    "competition_items": (CompetitionItem, ModuleCompetitionItem, "item_id"),
    "certificate_units": (CertificateUnit, ModuleCertificateUnit, "unit_id"),
    "competencies": (CoreCompetency, ModuleCompetency, "competency_id"),
}
COURSE_FIELDS = ("title_zh", "title_en", "semester", "theory_hours", "practice_hours", "kind")
LIMITS = ("min_semester_credits", "max_semester_credits", "min_total_credits")


def _link_posts(session, model, column: str, row_id: int, codes, posts, report) -> None:
    for code in codes:
        if code in posts:
            ensure_link(session, model, {column: row_id, "post_id": posts[code]}, report)


def seed_catalogue(session: Session, report: SeedReport) -> None:
    """The competitions with their items and the certificate types with units and levels."""
    posts = ids_by_code(session, Post)
    for order, data in enumerate(read("competitions.json", CATALOGUE_DIR)):
        values = {k: data[k] for k in COMPETITION_FIELDS} | {"sort_order": order}
        existing = session.exec(select(Competition).where(Competition.code == data["code"])).first()
        if existing is None:  # the entry semester is the admin's setting once it exists
            values["entry_semester"] = data["entry_semester"]
        competition = upsert(session, Competition, {"code": data["code"]}, values, report)
        _link_posts(
            session, CompetitionPost, "competition_id", competition.id, data["posts"], posts, report
        )
        for item_order, item in enumerate(data["items"]):
            values = {
                "competition_id": competition.id,
                "name_zh": item["name_zh"],
                "name_en": item["name_en"],
                "sort_order": item_order,
            }
            upsert(session, CompetitionItem, {"code": item["code"]}, values, report)
    for order, data in enumerate(read("certificates.json", CATALOGUE_DIR)):
        values = {k: data[k] for k in CERTIFICATE_FIELDS} | {"sort_order": order}
        certificate = upsert(session, CertificateType, {"code": data["code"]}, values, report)
        _link_posts(
            session,
            CertificatePost,
            "certificate_type_id",
            certificate.id,
            data["posts"],
            posts,
            report,
        )
        for level, hours in data["min_training_hours"].items():
            key = {"certificate_type_id": certificate.id, "level": int(level)}
            upsert(session, CertificateLevel, key, {"min_training_hours": hours}, report)
        for unit_order, unit in enumerate(data["units"]):
            values = {
                "certificate_type_id": certificate.id,
                "name_zh": unit["name_zh"],
                "name_en": unit["name_en"],
                "level": unit["level"],
                "sort_order": unit_order,
            }
            upsert(session, CertificateUnit, {"code": unit["code"]}, values, report)


def _add_modules(session: Session, course: Course, modules, lookups, report: SeedReport) -> None:
    outcomes = demo_data("programme.json")["module_outcomes"]
    for position, spec in enumerate(modules, start=1):
        module = CourseModule(
            course_id=course.id,
            position=position,
            title_zh=spec["title_zh"],
            title_en=spec["title_en"],
            hours=spec["hours"],
            teaching_method=spec["teaching_method"],
            needs_studio=spec.get("needs_studio", False),
            outcomes=outcomes.format(title_zh=spec["title_zh"]),
        )
        create(session, module, report)
        for name, (_, link, column) in MODULE_LINKS.items():
            for code in spec.get(name, ()):
                if code in lookups[name]:
                    session.add(link(module_id=module.id, **{column: lookups[name][code]}))
        session.flush()


def _course(session: Session, report: SeedReport, spec: dict) -> Course:
    values = {k: spec[k] for k in COURSE_FIELDS} | {"credits": Decimal(spec["credits"])}
    return upsert(session, Course, {"code": spec["code"]}, values, report)


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """The demo programme: its courses with mapped modules and a few deliberate gaps (see
    programme.json's "about"); version 1 published, version 2 a draft."""
    data = demo_data("programme.json")
    teachers = users(session, Role.teacher, prefix="teacher")
    lookups = {name: ids_by_code(session, table) for name, (table, _, _) in MODULE_LINKS.items()}
    courses: dict[str, Course] = {}
    for n, spec in enumerate(data["courses"]):
        course = courses[spec["code"]] = _course(session, report, spec)
        if teachers:  # the demo teachers take turns owning the courses
            owner = {"course_id": course.id, "user_id": teachers[n % len(teachers)].id}
            ensure_link(session, CourseOwner, owner, report)
        has_modules = session.exec(
            select(CourseModule.id).where(CourseModule.course_id == course.id)
        ).first()
        if has_modules is None:
            _add_modules(session, course, spec["modules"], lookups, report)
    electives = data["electives"]
    for n in range(1, (scale - 1) * electives["per_scale"] + 1):  # for larger demos
        spec = {key: value.format(n=n) if isinstance(value, str) else value
                for key, value in electives.items()}  # fmt: skip
        _course(session, report, spec | {"semester": 1 + n % 6})
    _seed_programme(session, report, data, courses)


def _seed_programme(session: Session, report: SeedReport, data: dict, courses) -> None:
    key = {"major": data["major"], "intake_year": data["intake_year"]}
    programme = upsert(session, TrainingProgramme, key, {}, report)
    if (
        session.exec(
            select(ProgrammeVersion.id).where(ProgrammeVersion.programme_id == programme.id)
        ).first()
        is not None
    ):
        return  # the programme's versions are the admin's once they exist
    limits = data["limits"]
    for name, value in limits.items():
        setattr(programme, name, Decimal(value) if name in LIMITS else value)
    session.add(programme)
    versions = [
        ProgrammeVersion(
            programme_id=programme.id,
            number=spec["number"],
            status=spec["status"],
            published_at=utcnow() if spec["status"] == "published" else None,
            note=spec["note"],
        )
        for spec in data["versions"]
    ]
    session.add_all(versions)
    session.flush()
    for _ in versions:
        report.count("created", "programme_version")
    for code, course in courses.items():
        for version, spec in zip(versions, data["versions"], strict=True):
            if code not in spec.get("drops", ()):
                session.add(_placement(version, spec, course))
    session.flush()


def _placement(version: ProgrammeVersion, spec: dict, course: Course) -> Placement:
    """A version places a course in its own semester unless it "moves" it; with
    "copies_course_figures" it also keeps the course's credits and hours of the day."""
    placement = Placement(
        version_id=version.id,
        course_id=course.id,
        semester=spec.get("moves", {}).get(course.code, course.semester),
    )
    if spec.get("copies_course_figures"):
        placement.credits = course.credits
        placement.theory_hours = course.theory_hours
        placement.practice_hours = course.practice_hours
    return placement

"""Factories for the curriculum: make_x(session, **overrides) -> x (flushed, not committed)."""

import itertools
from decimal import Decimal

from sqlmodel import Session

from app.models import CoreCompetency, Post, Skill, User
from app.models.curriculum import (
    CertificateLevel,
    CertificateType,
    CertificateUnit,
    Competition,
    CompetitionItem,
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

_seq = itertools.count(1)


def _add(session: Session, obj):
    session.add(obj)
    session.flush()
    return obj


def make_post(session: Session, **overrides) -> Post:
    n = next(_seq)
    values = {"code": f"post{n}", "name_zh": f"岗位{n}", "name_en": f"Post {n}", "sort_order": n}
    return _add(session, Post(**{**values, **overrides}))


def make_skill(session: Session, *, post: Post, **overrides) -> Skill:
    n = next(_seq)
    values = {
        "post_id": post.id,
        "code": f"SK-{n:06d}",
        "name_zh": f"技能{n}",
        "name_en": f"Skill {n}",
        "sort_order": n,
    }
    return _add(session, Skill(**{**values, **overrides}))


def make_competency(session: Session, **overrides) -> CoreCompetency:
    n = next(_seq)
    values = {"code": f"comp{n}", "name_zh": f"素养{n}", "name_en": f"Competency {n}"}
    return _add(session, CoreCompetency(**{**values, **overrides}))


def make_competition(session: Session, **overrides) -> Competition:
    n = next(_seq)
    values = {
        "code": f"CMP-{n:06d}",
        "name_zh": f"大赛{n}",
        "name_en": f"Competition {n}",
        "level": "national",
        "tier": "key",
        "entry_semester": 3,
    }
    return _add(session, Competition(**{**values, **overrides}))


def make_item(session: Session, *, competition: Competition, **overrides) -> CompetitionItem:
    n = next(_seq)
    values = {
        "competition_id": competition.id,
        "code": f"IT-{n:06d}",  # zero-padded: text order is creation order
        "name_zh": f"赛项{n}",
        "name_en": f"Item {n}",
    }
    return _add(session, CompetitionItem(**{**values, **overrides}))


def make_certificate(
    session: Session, *, hours: dict[int, int] | None = None, **overrides
) -> CertificateType:
    n = next(_seq)
    values = {
        "code": f"CERT-{n:06d}",
        "name_zh": f"证书{n}",
        "name_en": f"Certificate {n}",
        "work_type_zh": "直播销售员",
        "work_type_en": "Live salesperson",
    }
    cert = _add(session, CertificateType(**{**values, **overrides}))
    for level, minimum in (hours or {5: 120, 4: 104}).items():
        _add(
            session,
            CertificateLevel(certificate_type_id=cert.id, level=level, min_training_hours=minimum),
        )
    return cert


def make_unit(
    session: Session, *, certificate: CertificateType, level: int = 5, **overrides
) -> CertificateUnit:
    n = next(_seq)
    values = {
        "certificate_type_id": certificate.id,
        "code": f"UN-{n:06d}",
        "name_zh": f"模块{n}",
        "name_en": f"Unit {n}",
        "level": level,
    }
    return _add(session, CertificateUnit(**{**values, **overrides}))


def make_course(session: Session, *, owners: list[User] = (), **overrides) -> Course:
    n = next(_seq)
    values = {
        "code": f"C{n:05d}",
        "title_zh": f"课程{n}",
        "title_en": f"Course {n}",
        "semester": 1,
        "credits": Decimal("2"),
        "theory_hours": 16,
        "practice_hours": 16,
        "kind": "module_directed",
    }
    course = _add(session, Course(**{**values, **overrides}))
    for owner in owners:
        _add(session, CourseOwner(course_id=course.id, user_id=owner.id))
    return course


def make_module(
    session: Session, *, course: Course, skills=(), items=(), units=(), competencies=(), **overrides
) -> CourseModule:
    n = next(_seq)
    values = {
        "course_id": course.id,
        "position": n,
        "title_zh": f"模块{n}",
        "title_en": f"Module {n}",
        "hours": 16,
        "teaching_method": "task_driven",
    }
    module = _add(session, CourseModule(**{**values, **overrides}))
    for skill in skills:
        session.add(ModuleSkill(module_id=module.id, skill_id=skill.id))
    for item in items:
        session.add(ModuleCompetitionItem(module_id=module.id, item_id=item.id))
    for unit in units:
        session.add(ModuleCertificateUnit(module_id=module.id, unit_id=unit.id))
    for competency in competencies:
        session.add(ModuleCompetency(module_id=module.id, competency_id=competency.id))
    session.flush()
    return module


def make_programme(
    session: Session, *, courses=(), status: str = "draft", **overrides
) -> tuple[TrainingProgramme, ProgrammeVersion]:
    n = next(_seq)
    values = {"major": f"专业{n}", "intake_year": 2024}
    programme = _add(session, TrainingProgramme(**{**values, **overrides}))
    version = _add(session, ProgrammeVersion(programme_id=programme.id, number=1, status=status))
    for course in courses:
        session.add(Placement(version_id=version.id, course_id=course.id, semester=course.semester))
    session.flush()
    return programme, version

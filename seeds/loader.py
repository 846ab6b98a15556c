"""Load the catalogue from seeds/ (idempotent, keyed by natural keys) and demo data."""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from app.config import PROJECT_ROOT
from app.models import (
    Cohort,
    CoreCompetency,
    MentorExpertise,
    MentorProfile,
    Post,
    Role,
    Skill,
    StudentProfile,
    TeacherProfile,
    User,
)
from app.security import hash_password

CATALOGUE_DIR = PROJECT_ROOT / "seeds" / "catalogue"
DEMO_PASSWORD = "chanjiao-demo"
DEMO_LOGINS = ("admin", "teacher1", "student1", "mentor1")
DEMO_MAJOR = "网络营销与直播电商"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, table: str) -> None:
        bucket = self.created if kind == "created" else self.updated
        bucket[table] = bucket.get(table, 0) + 1


def _upsert(
    session: Session, model, key: dict, values: dict, report: SeedReport, *, update: bool = False
):
    """Insert a missing row keyed by its natural key; a second run changes no row.

    Existing rows are left alone unless ``update`` is set, so that administrators' edits
    to seeded catalogue rows survive the next ``seed`` (``make run`` seeds every time).
    """
    row = session.exec(select(model).filter_by(**key)).first()
    if row is None:
        row = model(**key, **values)
        session.add(row)
        session.flush()
        report.count("created", model.__tablename__)
        return row
    if not update:
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        session.add(row)
        session.flush()
        report.count("updated", model.__tablename__)
    return row


def _domain_seeders():
    """Each domain's seeder, in dependency order; each exposes seed_catalogue(session,
    report) and/or seed_demo(session, report, scale)."""
    from seeds import contests, curriculum, evaluation, studios, teams

    return (curriculum, studios, teams, contests, evaluation)


def seed_domains(session: Session, report: SeedReport, *, demo: bool, scale: int = 1) -> None:
    """Run every domain's catalogue seeder, and with ``demo`` its demo seeder."""
    for module in _domain_seeders():
        if hasattr(module, "seed_catalogue"):
            module.seed_catalogue(session, report)
    if demo:
        for module in _domain_seeders():
            if hasattr(module, "seed_demo"):
                module.seed_demo(session, report, scale=scale)


def _read(directory: Path, name: str) -> list[dict]:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def seed_catalogue(session: Session, *, directory: Path | None = None) -> SeedReport:
    """Posts with their skills, and the core competencies, from the JSON files."""
    directory = directory or CATALOGUE_DIR
    report = SeedReport()
    for order, item in enumerate(_read(directory, "posts.json")):
        post_values = {
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "description_zh": item.get("description_zh", ""),
            "description_en": item.get("description_en", ""),
            "is_core": bool(item.get("is_core", False)),
            "sort_order": order,
        }
        post = _upsert(session, Post, {"code": item["code"]}, post_values, report)
        for skill_order, skill in enumerate(item["skills"]):
            skill_values = {
                "post_id": post.id,
                "name_zh": skill["name_zh"],
                "name_en": skill["name_en"],
                "sort_order": skill_order,
            }
            _upsert(session, Skill, {"code": skill["code"]}, skill_values, report)
    for order, item in enumerate(_read(directory, "competencies.json")):
        values = {
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "description_zh": item.get("description_zh", ""),
            "description_en": item.get("description_en", ""),
            "sort_order": order,
        }
        _upsert(session, CoreCompetency, {"code": item["code"]}, values, report)
    return report


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
)
GIVEN = (
    "子涵欣怡梓萱诗涵浩宇宇轩雨桐一诺思彤俊杰家豪明轩佳怡梦琪可馨嘉怡雅琪晨阳博文天佑睿泽昊然嘉懿"
)
ENTERPRISES = [
    "温州直播电商产业园",
    "义乌小商品直播基地",
    "杭州星耀传媒",
    "鹿城区电商协会",
    "瓯海鞋服直播中心",
]


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _demo_user(
    session: Session,
    report: SeedReport,
    *,
    username: str,
    role: Role,
    full_name: str,
    password_hash: str,
    email: str | None = None,
) -> User:
    existing = session.exec(select(User).where(User.username == username)).first()
    if existing is not None:
        return existing
    user = User(
        username=username,
        role=role.value,
        full_name=full_name,
        email=email,
        password_hash=password_hash,
        must_change_password=False,
    )
    session.add(user)
    session.flush()
    report.count("created", "user_account")
    return user


def seed_demo(session: Session, *, scale: int = 1) -> SeedReport:
    """Cohorts, students, teachers and mentors (growing with ``scale``), plus the demo logins."""
    report = SeedReport()
    rng = random.Random(20240901)
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every demo account
    _demo_user(
        session,
        report,
        username="admin",
        role=Role.admin,
        full_name="系统管理员",
        password_hash=password_hash,
        email="admin@chanjiao.example",
    )
    teachers = []
    for n in range(1, 4 * scale + 1):
        teacher = _demo_user(
            session,
            report,
            username=f"teacher{n}",
            role=Role.teacher,
            full_name=_name(rng) if n > 1 else "陈老师",
            password_hash=password_hash,
        )
        if session.get(TeacherProfile, teacher.id) is None:
            session.add(
                TeacherProfile(
                    user_id=teacher.id, department="电子商务学院", double_qualified=n % 2 == 1
                )
            )
        teachers.append(teacher)
    posts = session.exec(select(Post).order_by(Post.sort_order)).all()
    for n in range(1, 3 * scale + 1):
        mentor = _demo_user(
            session,
            report,
            username=f"mentor{n}",
            role=Role.mentor,
            full_name=_name(rng) if n > 1 else "林导师",
            password_hash=password_hash,
        )
        if session.get(MentorProfile, mentor.id) is None:
            session.add(
                MentorProfile(
                    user_id=mentor.id,
                    enterprise=ENTERPRISES[n % len(ENTERPRISES)],
                    title="直播运营总监" if n % 2 else "资深主播",
                )
            )
            session.flush()
            for post in posts[(n % 3) :: 3][:3]:
                session.add(MentorExpertise(mentor_id=mentor.id, post_id=post.id))
    cohorts = []
    for n in range(2 * scale):
        year, class_number = 2023 + n % 3, n // 3 + 1
        cohort = session.exec(
            select(Cohort).where(
                Cohort.major == DEMO_MAJOR,
                Cohort.intake_year == year,
                Cohort.class_number == class_number,
            )
        ).first()
        if cohort is None:
            cohort = Cohort(
                major=DEMO_MAJOR,
                intake_year=year,
                class_number=class_number,
                head_teacher_id=teachers[n % len(teachers)].id,
            )
            session.add(cohort)
            session.flush()
            report.count("created", "cohort")
        cohorts.append(cohort)
    for n in range(1, 30 * scale + 1):
        student = _demo_user(
            session,
            report,
            username=f"student{n}",
            role=Role.student,
            full_name=_name(rng) if n > 1 else "张同学",
            password_hash=password_hash,
        )
        if session.get(StudentProfile, student.id) is None:
            cohort = cohorts[(n - 1) % len(cohorts)]
            session.add(
                StudentProfile(
                    user_id=student.id,
                    student_number=f"{cohort.intake_year}{n:06d}",
                    cohort_id=cohort.id,
                    phone=None,
                )
            )
    session.flush()
    return report

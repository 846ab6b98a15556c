"""Load the catalogue and the demo data from the JSON files beside this module.

Every record is found by its natural key (post and skill codes, course codes, usernames,
studio and team names), so a second run creates nothing. Catalogue rows that exist are
left alone, so that administrators' edits survive the next ``seed`` (``make run`` seeds
every time). The domain modules (seeds.curriculum, .studios, .teams, .contests,
.evaluation) share the look-ups and the upsert below.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from app.models import CoreCompetency, Post, Role, Skill, User
from app.services import clock

SEEDS_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = SEEDS_DIR / "catalogue"
DEMO_DIR = SEEDS_DIR / "demo"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, table: str) -> None:
        bucket = self.created if kind == "created" else self.updated
        bucket[table] = bucket.get(table, 0) + 1

    def add(self, other: "SeedReport") -> None:
        for mine, theirs in ((self.created, other.created), (self.updated, other.updated)):
            for table, n in theirs.items():
                mine[table] = mine.get(table, 0) + n


def read(name: str, directory: Path | None = None):
    """One data file: ``read("teams.json")`` from seeds/demo, or from ``directory``."""
    return json.loads(((directory or DEMO_DIR) / name).read_text(encoding="utf-8"))


@cache
def demo_data(name: str):
    """A demo data file, read once per process (treat it as read-only)."""
    return read(name)


DEMO_PASSWORD: str = demo_data("people.json")["password"]
DEMO_LOGINS: tuple[str, ...] = tuple(demo_data("people.json")["logins"])
DEMO_MAJOR: str = demo_data("people.json")["cohorts"]["major"]


# --- one path for writing rows ------------------------------------------------------------


def create(session: Session, row, report: SeedReport):
    """Insert ``row``, flush it (so it has an id) and count it as created."""
    session.add(row)
    session.flush()
    report.count("created", row.__tablename__)
    return row


def upsert(
    session: Session, model, key: dict, values: dict, report: SeedReport, *, update: bool = False
):
    """The row with this natural ``key``, inserted with ``values`` when missing.

    Existing rows are left alone unless ``update`` is set.
    """
    row = session.exec(select(model).filter_by(**key)).first()
    if row is None:
        return create(session, model(**key, **values), report)
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


def ensure_link(session: Session, model, key: dict, report: SeedReport) -> None:
    """A row of a link table (its primary key is ``key``), inserted when missing."""
    if session.get(model, tuple(key.values())) is None:
        create(session, model(**key), report)


# --- look-ups by natural key --------------------------------------------------------------


def ids_by_code(session: Session, model) -> dict[str, int]:
    """Every row's id by its ``code``."""
    return {row.code: row.id for row in session.exec(select(model)).all()}


def users(
    session: Session,
    role: Role,
    *,
    prefix: str = "",
    active_only: bool = False,
    limit: int | None = None,
) -> list[User]:
    """Users of ``role`` in the order they were created (optionally by username prefix)."""
    query = select(User).where(User.role == role.value)
    if prefix:
        query = query.where(User.username.startswith(prefix))
    if active_only:
        query = query.where(User.is_active == True)  # noqa: E712
    return list(session.exec(query.order_by(User.id).limit(limit)).all())


def user_named(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def minutes(clock_time: str) -> int:
    """Minutes after midnight of "HH:MM"."""
    hours, mins = clock_time.split(":")
    return int(hours) * 60 + int(mins)


def local_time(day: date, clock_time: str | int) -> datetime:
    """The UTC instant of a local "HH:MM" (or a whole hour) on ``day``."""
    minute = clock_time * 60 if isinstance(clock_time, int) else minutes(clock_time)
    return clock.boundary_instant(day, minute)


def cycle(values: list, n: int):
    """Entry ``(n - 1) % len(values)``: person n of a numbered series takes turns."""
    return values[(n - 1) % len(values)]


# --- the catalogue of posts, skills and competencies, and the whole seed ------------------


def seed_catalogue(session: Session, *, directory: Path | None = None) -> SeedReport:
    """Posts with their skills, and the core competencies, from the JSON files."""
    directory = directory or CATALOGUE_DIR
    report = SeedReport()
    for order, item in enumerate(read("posts.json", directory)):
        post_values = {
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "description_zh": item.get("description_zh", ""),
            "description_en": item.get("description_en", ""),
            "is_core": bool(item.get("is_core", False)),
            "sort_order": order,
        }
        post = upsert(session, Post, {"code": item["code"]}, post_values, report)
        for skill_order, skill in enumerate(item["skills"]):
            skill_values = {
                "post_id": post.id,
                "name_zh": skill["name_zh"],
                "name_en": skill["name_en"],
                "sort_order": skill_order,
            }
            upsert(session, Skill, {"code": skill["code"]}, skill_values, report)
    for order, item in enumerate(read("competencies.json", directory)):
        values = {
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "description_zh": item.get("description_zh", ""),
            "description_en": item.get("description_en", ""),
            "sort_order": order,
        }
        upsert(session, CoreCompetency, {"code": item["code"]}, values, report)
    return report


def seed_demo(session: Session, *, scale: int = 1) -> SeedReport:
    """Cohorts, students, teachers and mentors (growing with ``scale``), plus the demo logins."""
    from seeds import people

    report = SeedReport()
    people.seed_demo(session, report, scale=scale)
    return report


def _domain_seeders():
    """Each domain's seeder, in dependency order; each exposes seed_catalogue(session,
    report) and/or seed_demo(session, report, scale)."""
    from seeds import (
        ad_rules,
        contests,
        curriculum,
        evaluation,
        kits,
        notifications,
        platform_imports,
        reviews,
        studios,
        teams,
        terms,
    )

    return (
        curriculum,
        studios,
        terms,
        kits,
        teams,
        ad_rules,
        reviews,
        platform_imports,
        contests,
        evaluation,
        notifications,
    )


def seed_domains(session: Session, report: SeedReport, *, demo: bool, scale: int = 1) -> None:
    """Run every domain's catalogue seeder, and with ``demo`` its demo seeder."""
    for module in _domain_seeders():
        if hasattr(module, "seed_catalogue"):
            module.seed_catalogue(session, report)
    if demo:
        for module in _domain_seeders():
            if hasattr(module, "seed_demo"):
                module.seed_demo(session, report, scale=scale)


def row_counts(session: Session) -> dict[str, int]:
    """Rows in every table of the schema."""
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def seed_all(session: Session, *, demo: bool = False, scale: int = 1) -> SeedReport:
    """The whole catalogue and, with ``demo``, the demo people and every domain's demo data.

    The report's ``created`` is counted from the tables themselves, before and after: it
    lists every row written, also those added in bulk or as links (profiles, live sessions,
    pairings, guidance logs...), which the per-row counts of ``create()`` miss.
    """
    before = row_counts(session)
    report = seed_catalogue(session)
    if demo:
        report.add(seed_demo(session, scale=scale))
    seed_domains(session, report, demo=demo, scale=scale)
    session.flush()
    after = row_counts(session)
    report.created = {name: n - before[name] for name, n in after.items() if n > before[name]}
    return report

"""The coverage map and the gap report of a programme version.

Everything is read with a fixed set of statements (catalogue tables, the version's modules,
one per link kind) and combined in Python, so a programme ten times larger costs the same
number of queries. A module counts toward a post in a semester once, however many of the
post's skills it teaches; competencies come from the module↔competency link that teachers
set in the course editor (the catalogue does not tie competencies to skills).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from sqlmodel import Session, select

from app.models import CoreCompetency, Post, Skill
from app.models.curriculum import (
    SEMESTERS,
    CertificateLevel,
    CertificatePost,
    CertificateType,
    CertificateUnit,
    Competition,
    CompetitionItem,
    CompetitionPost,
    Course,
    CourseModule,
    ModuleCertificateUnit,
    ModuleCompetency,
    ModuleCompetitionItem,
    ModuleSkill,
    Placement,
)
from app.services.curriculum import programmes as programme_service
from app.services.curriculum.labels import CERT_LEVEL_LABELS

# A cell's heat level is how many of these hour marks it exceeds (0–5).
HEAT_STEPS = (0, 16, 32, 64, 128)


@dataclass
class ModuleFact:
    id: int
    course_id: int
    hours: int
    semester: int


@dataclass
class ProgrammeFacts:
    """The version's modules and what each is mapped to."""

    modules: dict[int, ModuleFact]
    courses: dict[int, Course]
    skills: dict[int, set[int]]  # module → skill ids
    competencies: dict[int, set[int]]
    items: dict[int, set[int]]
    units: dict[int, set[int]]


def _links(session: Session, version_id: int, link, column: str) -> dict[int, set[int]]:
    rows = session.exec(
        select(link.module_id, getattr(link, column))
        .join(CourseModule, CourseModule.id == link.module_id)
        .join(Placement, Placement.course_id == CourseModule.course_id)
        .where(Placement.version_id == version_id)
    ).all()
    grouped: dict[int, set[int]] = defaultdict(set)
    for module_id, target_id in rows:
        grouped[module_id].add(target_id)
    return grouped


def programme_facts(session: Session, version_id: int) -> ProgrammeFacts:
    """Modules of the courses placed in the version, with their semester and links."""
    rows = session.exec(
        select(CourseModule, Placement.semester, Course)
        .join(Placement, Placement.course_id == CourseModule.course_id)
        .join(Course, Course.id == CourseModule.course_id)
        .where(Placement.version_id == version_id)
    ).all()
    modules = {m.id: ModuleFact(m.id, m.course_id, m.hours, semester) for m, semester, _c in rows}
    courses = {c.id: c for _m, _s, c in rows}
    return ProgrammeFacts(
        modules=modules,
        courses=courses,
        skills=_links(session, version_id, ModuleSkill, "skill_id"),
        competencies=_links(session, version_id, ModuleCompetency, "competency_id"),
        items=_links(session, version_id, ModuleCompetitionItem, "item_id"),
        units=_links(session, version_id, ModuleCertificateUnit, "unit_id"),
    )


# --- the map ---------------------------------------------------------------------------------


@dataclass
class Row:
    subject: object  # Post, Skill or CoreCompetency
    cells: list[int]
    heat: list[int] = field(default_factory=list)
    children: list["Row"] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class CoverageMap:
    view: programme_service.VersionView
    posts: list[Row]
    competencies: list[Row]
    semesters: tuple[int, ...] = SEMESTERS


def _cells(module_ids: set[int], facts: ProgrammeFacts) -> list[int]:
    cells = [0] * len(SEMESTERS)
    for module_id in module_ids:
        fact = facts.modules.get(module_id)
        if fact is not None:
            cells[fact.semester - 1] += fact.hours
    return cells


def _invert(links: dict[int, set[int]]) -> dict[int, set[int]]:
    inverted: dict[int, set[int]] = defaultdict(set)
    for module_id, targets in links.items():
        for target in targets:
            inverted[target].add(module_id)
    return inverted


def heat_level(hours: int) -> int:
    """0 for no hours, then 1–5 by fixed steps, so maps of two programmes compare."""
    return sum(1 for step in HEAT_STEPS if hours > step) if hours > 0 else 0


def _heat(rows: list[Row]) -> None:
    for row in rows:
        for target in [row, *row.children]:
            target.heat = [heat_level(c) for c in target.cells]


def coverage_map(session: Session, *, programme_id: int, version_id: int) -> CoverageMap:
    """Posts (expandable to skills) and core competencies by semester: module hours."""
    view = programme_service.version_view(session, programme_id=programme_id, version_id=version_id)
    facts = programme_facts(session, view.version.id)
    posts = session.exec(select(Post).order_by(Post.sort_order, Post.code)).all()
    skills = session.exec(select(Skill).order_by(Skill.sort_order, Skill.code)).all()
    competencies = session.exec(
        select(CoreCompetency).order_by(CoreCompetency.sort_order, CoreCompetency.code)
    ).all()
    by_skill = _invert(facts.skills)
    by_competency = _invert(facts.competencies)
    skills_of: dict[int, list[Skill]] = defaultdict(list)
    for skill in skills:
        if not skill.retired or by_skill.get(skill.id):
            skills_of[skill.post_id].append(skill)
    post_rows = []
    for post in posts:
        children = [Row(s, _cells(by_skill.get(s.id, set()), facts)) for s in skills_of[post.id]]
        teaching = set().union(*(by_skill.get(s.id, set()) for s in skills_of[post.id]))
        post_rows.append(Row(post, _cells(teaching, facts), children=children))
    competency_rows = [Row(c, _cells(by_competency.get(c.id, set()), facts)) for c in competencies]
    _heat(post_rows)
    _heat(competency_rows)
    return CoverageMap(view, post_rows, competency_rows)


# --- the gap report --------------------------------------------------------------------------


@dataclass
class Fix:
    """Where a gap can be fixed: a course of the programme, or the programme itself."""

    course: Course | None
    url: str


@dataclass
class SkillGap:
    skill: Skill
    post: Post
    fix: Fix


@dataclass
class UnitGap:
    unit: CertificateUnit
    certificate: CertificateType
    fix: Fix


@dataclass
class ItemGap:
    item: CompetitionItem
    competition: Competition
    implanted_in: int | None  # the earliest semester it is implanted in, if any
    fix: Fix


@dataclass
class HoursCheck:
    certificate: CertificateType
    level: int
    hours: int
    minimum: int

    @property
    def short_by(self) -> int:
        return max(0, self.minimum - self.hours)


@dataclass
class GapReport:
    view: programme_service.VersionView
    skills: list[SkillGap]
    units: list[UnitGap]
    items: list[ItemGap]
    hours: list[HoursCheck]
    # for the kept page's fragment, which sees nothing but this report
    level_labels: ClassVar[dict] = CERT_LEVEL_LABELS

    @property
    def count(self) -> int:
        short = sum(1 for h in self.hours if h.short_by)
        return len(self.skills) + len(self.units) + len(self.items) + short


def _post_hours(facts: ProgrammeFacts, skill_post: dict[int, int]) -> dict[tuple[int, int], int]:
    """(course, post) → module hours teaching that post's skills."""
    hours: dict[tuple[int, int], int] = defaultdict(int)
    for module_id, skill_ids in facts.skills.items():
        fact = facts.modules.get(module_id)
        if fact is None:
            continue
        for post_id in {skill_post[s] for s in skill_ids if s in skill_post}:
            hours[(fact.course_id, post_id)] += fact.hours
    return hours


def gap_report(session: Session, *, programme_id: int, version_id: int) -> GapReport:
    """Untaught skills, uncovered certificate units, competition items not implanted by the
    semester the competition is entered, and certificate hours against the standard."""
    view = programme_service.version_view(session, programme_id=programme_id, version_id=version_id)
    facts = programme_facts(session, view.version.id)
    base = f"/programmes/{programme_id}/versions/{version_id}"
    posts = {p.id: p for p in session.exec(select(Post)).all()}
    skills = session.exec(
        select(Skill).where(Skill.retired == False).order_by(Skill.sort_order, Skill.code)  # noqa: E712
    ).all()
    skill_post = {s.id: s.post_id for s in session.exec(select(Skill)).all()}
    post_hours = _post_hours(facts, skill_post)
    course_semester = {p.course.id: p.placement.semester for p in view.courses}

    def fix_for(post_ids, *, by_semester: int | None = None) -> Fix:
        best, best_hours = None, 0
        for (course_id, post_id), hours in post_hours.items():
            if post_id not in post_ids:
                continue
            if by_semester is not None and course_semester.get(course_id, 99) > by_semester:
                continue
            if hours > best_hours or (hours == best_hours and best and course_id < best):
                best, best_hours = course_id, hours
        if best is None:
            return Fix(None, f"{base}#place")
        return Fix(facts.courses[best], f"/courses/{best}#modules")

    taught = set().union(*facts.skills.values()) if facts.skills else set()
    skill_gaps = [
        SkillGap(s, posts[s.post_id], fix_for({s.post_id}))
        for s in sorted(skills, key=lambda s: (posts[s.post_id].sort_order, s.sort_order, s.code))
        if s.id not in taught
    ]

    certificates = {c.id: c for c in session.exec(select(CertificateType)).all()}
    cert_posts: dict[int, set[int]] = defaultdict(set)
    for link in session.exec(select(CertificatePost)).all():
        cert_posts[link.certificate_type_id].add(link.post_id)
    units = session.exec(
        select(CertificateUnit).order_by(
            CertificateUnit.certificate_type_id, CertificateUnit.level.desc(), CertificateUnit.code
        )
    ).all()
    covering = _invert(facts.units)
    unit_gaps = [
        UnitGap(u, certificates[u.certificate_type_id], fix_for(cert_posts[u.certificate_type_id]))
        for u in units
        if not covering.get(u.id)
    ]
    cert_order = {c.id: (c.sort_order, c.code) for c in certificates.values()}
    unit_gaps.sort(key=lambda g: (cert_order[g.certificate.id], -g.unit.level, g.unit.code))

    competitions = {c.id: c for c in session.exec(select(Competition)).all()}
    comp_posts: dict[int, set[int]] = defaultdict(set)
    for link in session.exec(select(CompetitionPost)).all():
        comp_posts[link.competition_id].add(link.post_id)
    implanting = _invert(facts.items)
    item_gaps = []
    for item in session.exec(
        select(CompetitionItem).order_by(
            CompetitionItem.competition_id, CompetitionItem.sort_order, CompetitionItem.code
        )
    ).all():
        competition = competitions[item.competition_id]
        semesters = [
            facts.modules[m].semester for m in implanting.get(item.id, ()) if m in facts.modules
        ]
        earliest = min(semesters, default=None)
        if earliest is None or earliest > competition.entry_semester:
            fix = fix_for(comp_posts[competition.id], by_semester=competition.entry_semester)
            item_gaps.append(ItemGap(item, competition, earliest, fix))
    comp_order = {c.id: (c.sort_order, c.code) for c in competitions.values()}
    item_gaps.sort(key=lambda g: (comp_order[g.competition.id], g.item.sort_order, g.item.code))

    hours_checks = []
    units_by_cert: dict[int, list[CertificateUnit]] = defaultdict(list)
    for unit in units:
        units_by_cert[unit.certificate_type_id].append(unit)
    for level in session.exec(
        select(CertificateLevel).order_by(
            CertificateLevel.certificate_type_id, CertificateLevel.level.desc()
        )
    ).all():
        syllabus = [
            u.id for u in units_by_cert[level.certificate_type_id] if u.level >= level.level
        ]
        module_ids = set().union(*(covering.get(u, set()) for u in syllabus)) if syllabus else set()
        hours = sum(facts.modules[m].hours for m in module_ids if m in facts.modules)
        hours_checks.append(
            HoursCheck(
                certificates[level.certificate_type_id],
                level.level,
                hours,
                level.min_training_hours,
            )
        )
    hours_checks.sort(key=lambda h: (cert_order[h.certificate.id], -h.level))
    return GapReport(view, skill_gaps, unit_gaps, item_gaps, hours_checks)

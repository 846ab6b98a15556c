"""Modules of a course: add, edit, delete, reorder, and map each one to skills, core
competencies, competition items and certificate units. Only editors of the course write."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import func, or_
from sqlmodel import Session, select

from app.errors import Invalid, NotFound
from app.models import CoreCompetency, Post, Skill, User
from app.models.curriculum import (
    CertificateType,
    CertificateUnit,
    Competition,
    CompetitionItem,
    Course,
    CourseModule,
    ModuleCertificateUnit,
    ModuleCompetency,
    ModuleCompetitionItem,
    ModuleSkill,
)
from app.schemas.curriculum import LinkForm, ModuleForm
from app.services.curriculum import courses as course_service
from app.services.curriculum.labels import METHOD_LABELS

TITLE_MAX = 200
OUTCOMES_MAX = 2000
HOURS_MAX = 2000
SEARCH_MAX = 100

# kind → (link model, link column, target model)
LINKS = {
    "skill": (ModuleSkill, "skill_id", Skill),
    "competency": (ModuleCompetency, "competency_id", CoreCompetency),
    "item": (ModuleCompetitionItem, "item_id", CompetitionItem),
    "unit": (ModuleCertificateUnit, "unit_id", CertificateUnit),
}


@dataclass
class ModuleView:
    module: CourseModule
    skills: list[Skill] = field(default_factory=list)
    competencies: list[CoreCompetency] = field(default_factory=list)
    items: list[CompetitionItem] = field(default_factory=list)
    units: list[CertificateUnit] = field(default_factory=list)


@dataclass(eq=False)
class CourseView:
    course: Course
    modules: list[ModuleView]
    owners: list[User]
    can_edit: bool
    # for the kept readers' fragment, which sees nothing but this view
    method_labels: ClassVar[dict] = METHOD_LABELS

    @property
    def module_hours(self) -> int:
        return sum(m.module.hours for m in self.modules)

    @property
    def difference(self) -> int:
        return self.module_hours - self.course.hours


def _linked(session: Session, module_ids: list[int]) -> dict[str, dict[int, list]]:
    """Targets of every link kind per module: one statement per kind."""
    result: dict[str, dict[int, list]] = {}
    for kind, (link, column, target) in LINKS.items():
        grouped: dict[int, list] = defaultdict(list)
        if module_ids:
            rows = session.exec(
                select(link.module_id, target)
                .join(target, target.id == getattr(link, column))
                .where(link.module_id.in_(module_ids))
                .order_by(target.code)
            ).all()
            for module_id, obj in rows:
                grouped[module_id].append(obj)
        result[kind] = grouped
    return result


def course_view(session: Session, *, course_id: int, user: User | None) -> CourseView:
    """A course with its modules in order, what each is mapped to, its owners, and whether
    ``user`` may edit it (None: a reader's view). A bounded number of statements whatever
    the course's size."""
    course = course_service.get_course(session, course_id)
    modules = list(
        session.exec(
            select(CourseModule)
            .where(CourseModule.course_id == course.id)
            .order_by(CourseModule.position, CourseModule.id)
        ).all()
    )
    links = _linked(session, [m.id for m in modules])
    views = [
        ModuleView(
            m,
            links["skill"].get(m.id, []),
            links["competency"].get(m.id, []),
            links["item"].get(m.id, []),
            links["unit"].get(m.id, []),
        )
        for m in modules
    ]
    owners = course_service.owners_of(session, [course.id]).get(course.id, [])
    editable = user is not None and course_service.can_edit(session, course=course, user=user)
    return CourseView(course, views, owners, editable)


def get_module(session: Session, *, course_id: int, module_id: int) -> CourseModule:
    """A module of the given course, or NotFound."""
    module = session.get(CourseModule, module_id)
    if module is None or module.course_id != course_id:
        raise NotFound("This module does not exist.")
    return module


def _editable_course(session: Session, *, actor: User, course_id: int) -> Course:
    course = course_service.get_course(session, course_id)
    course_service.require_editor(session, course=course, user=actor)
    return course


def add_module(session: Session, *, actor: User, course_id: int, form: ModuleForm) -> CourseModule:
    """Append a module to the course."""
    course = _editable_course(session, actor=actor, course_id=course_id)
    clean = form.model_dump()
    last = session.exec(
        select(func.max(CourseModule.position)).where(CourseModule.course_id == course.id)
    ).one()
    module = CourseModule(course_id=course.id, position=(last or 0) + 1, **clean)
    session.add(module)
    session.flush()
    return module


def update_module(
    session: Session, *, actor: User, course_id: int, module_id: int, form: ModuleForm
) -> CourseModule:
    """Change a module's title, hours, outcomes, teaching method and studio flag."""
    _editable_course(session, actor=actor, course_id=course_id)
    module = get_module(session, course_id=course_id, module_id=module_id)
    for name, value in form.model_dump().items():
        setattr(module, name, value)
    session.add(module)
    session.flush()
    return module


def delete_module(session: Session, *, actor: User, course_id: int, module_id: int) -> None:
    """Delete a module with its mappings."""
    _editable_course(session, actor=actor, course_id=course_id)
    module = get_module(session, course_id=course_id, module_id=module_id)
    for link, _column, _target in LINKS.values():
        for row in session.exec(select(link).where(link.module_id == module.id)).all():
            session.delete(row)
    session.delete(module)
    session.flush()


def move_module(
    session: Session, *, actor: User, course_id: int, module_id: int, direction: str
) -> None:
    """Swap a module with its neighbour above ("up") or below ("down")."""
    _editable_course(session, actor=actor, course_id=course_id)
    if direction not in ("up", "down"):
        raise Invalid("Move a module up or down.")
    modules = list(
        session.exec(
            select(CourseModule)
            .where(CourseModule.course_id == course_id)
            .order_by(CourseModule.position, CourseModule.id)
        ).all()
    )
    index = next((i for i, m in enumerate(modules) if m.id == module_id), None)
    if index is None:
        raise NotFound("This module does not exist.")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(modules):
        modules[index], modules[other] = modules[other], modules[index]
    for position, module in enumerate(modules, start=1):
        if module.position != position:
            module.position = position
            session.add(module)
    session.flush()


def _target_allowed(session: Session, kind: str, target_id: int):
    _link, _column, target_model = LINKS[kind]
    target = session.get(target_model, target_id)
    if target is None:
        raise NotFound("This item cannot be mapped.")
    if kind == "skill" and target.retired:
        raise Invalid("This skill is retired and can no longer be picked.")
    return target


def set_link(
    session: Session,
    *,
    actor: User,
    course_id: int,
    module_id: int,
    form: LinkForm,
) -> None:
    """Map (or unmap) a module to a skill, competency, competition item or certificate unit."""
    _editable_course(session, actor=actor, course_id=course_id)
    module = get_module(session, course_id=course_id, module_id=module_id)
    kind, target_key, present = form.kind, form.target_id, form.action != "remove"
    if kind not in LINKS:
        raise Invalid("Choose what to map the module to.")
    if target_key is None:
        raise NotFound("This item cannot be mapped.")
    link_model, column, _target = LINKS[kind]
    existing = session.get(link_model, (module.id, target_key))
    if present and existing is None:
        _target_allowed(session, kind, target_key)
        session.add(link_model(module_id=module.id, **{column: target_key}))
    elif not present and existing is not None:
        session.delete(existing)
    session.flush()


# --- the picker ------------------------------------------------------------------------------


@dataclass
class PickerGroup:
    """A heading (post, competition or certificate) and the things to pick under it."""

    owner: object
    entries: list = field(default_factory=list)


@dataclass
class Picker:
    skills: list[PickerGroup]
    competencies: list[CoreCompetency]
    items: list[PickerGroup]
    units: list[PickerGroup]
    selected: dict[str, set[int]]
    search: str


def _like(term: str, *columns):
    return or_(*(c.icontains(term, autoescape=True) for c in columns))


def _grouped(owners, entries, key: str) -> list[PickerGroup]:
    by_owner: dict[int, list] = defaultdict(list)
    for entry in entries:
        by_owner[getattr(entry, key)].append(entry)
    return [PickerGroup(o, by_owner[o.id]) for o in owners if by_owner.get(o.id)]


def picker(session: Session, *, module: CourseModule, search: str = "") -> Picker:
    """What a module can be mapped to: active skills grouped by post, competencies, items by
    competition and units by certificate; a search narrows every list. Selected ones stay."""
    term = search.strip()[:SEARCH_MAX]
    selected = {
        kind: set(
            session.exec(select(getattr(link, column)).where(link.module_id == module.id)).all()
        )
        for kind, (link, column, _t) in LINKS.items()
    }
    # Retired skills cannot be picked; one already mapped is listed so it can be taken off.
    skill_q = select(Skill).where(
        or_(Skill.retired == False, Skill.id.in_(selected["skill"] or [0]))  # noqa: E712
    )
    comp_q = select(CoreCompetency)
    item_q = select(CompetitionItem)
    unit_q = select(CertificateUnit)
    if term:
        skill_q = skill_q.where(
            or_(
                _like(term, Skill.code, Skill.name_zh, Skill.name_en),
                Skill.id.in_(selected["skill"] or [0]),
            )
        )
        comp_q = comp_q.where(
            or_(
                _like(term, CoreCompetency.name_zh, CoreCompetency.name_en),
                CoreCompetency.id.in_(selected["competency"] or [0]),
            )
        )
        item_q = item_q.where(
            or_(
                _like(term, CompetitionItem.code, CompetitionItem.name_zh, CompetitionItem.name_en),
                CompetitionItem.id.in_(selected["item"] or [0]),
            )
        )
        unit_q = unit_q.where(
            or_(
                _like(term, CertificateUnit.code, CertificateUnit.name_zh, CertificateUnit.name_en),
                CertificateUnit.id.in_(selected["unit"] or [0]),
            )
        )
    posts = session.exec(select(Post).order_by(Post.sort_order, Post.code)).all()
    skills = session.exec(skill_q.order_by(Skill.sort_order, Skill.code)).all()
    competencies = list(
        session.exec(comp_q.order_by(CoreCompetency.sort_order, CoreCompetency.code)).all()
    )
    competitions = session.exec(
        select(Competition).order_by(Competition.sort_order, Competition.code)
    ).all()
    items = session.exec(item_q.order_by(CompetitionItem.sort_order, CompetitionItem.code)).all()
    certificates = session.exec(
        select(CertificateType).order_by(CertificateType.sort_order, CertificateType.code)
    ).all()
    units = session.exec(
        unit_q.order_by(
            CertificateUnit.level.desc(), CertificateUnit.sort_order, CertificateUnit.code
        )
    ).all()
    return Picker(
        skills=_grouped(posts, skills, "post_id"),
        competencies=competencies,
        items=_grouped(competitions, items, "competition_id"),
        units=_grouped(certificates, units, "certificate_type_id"),
        selected=selected,
        search=term,
    )

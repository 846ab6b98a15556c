"""Pairings (college mentor + team + industry mentor + project), teacher–enterprise pairings
and teachers' enterprise-practice days, summarised per teacher per year."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, extract, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.teams import EnterprisePairing, Pairing, PracticeDay, Project, Team
from app.schemas.mentoring import (
    EndPairingForm,
    EnterprisePairingForm,
    PairingForm,
    PracticeForm,
)
from app.services.clock import today
from app.services.pagination import Page, paginate


@dataclass
class PairingRow:
    pairing: Pairing
    team: Team
    teacher: User
    mentor: User
    project: Project | None

    @property
    def active(self) -> bool:
        return self.pairing.ends_on is None or self.pairing.ends_on >= today()


Teacher = aliased(User, name="teacher")
Mentor = aliased(User, name="mentor")


def pairing_rows_query():
    """Pairings with their team, teacher, mentor and project, in one statement."""
    return (
        select(Pairing, Team, Teacher, Mentor, Project)
        .join(Team, Team.id == Pairing.team_id)
        .join(Teacher, Teacher.id == Pairing.teacher_id)
        .join(Mentor, Mentor.id == Pairing.mentor_id)
        .outerjoin(Project, Project.id == Pairing.project_id)
    )


class _TeamCell(NamedTuple):
    id: int
    name: str


class _PersonCell(NamedTuple):
    full_name: str


class _ProjectCell(NamedTuple):
    title: str


class _PairingCell(NamedTuple):
    id: int
    starts_on: date
    ends_on: date | None


@dataclass
class PairingListRow:
    """One line of the pairings list: only the columns it shows (no entities to load)."""

    pairing: _PairingCell
    team: _TeamCell
    teacher: _PersonCell
    mentor: _PersonCell
    project: _ProjectCell | None
    active: bool


# Built once: the list and its count, all pairings or the active ones (ending today or later).
_LIST_COLUMNS = select(
    Pairing.id,
    Pairing.starts_on,
    Pairing.ends_on,
    Team.id,
    Team.name,
    Teacher.full_name,
    Mentor.full_name,
    Project.title,
).select_from(Pairing)
_LIST = (
    _LIST_COLUMNS.join(Team, Team.id == Pairing.team_id)
    .join(Teacher, Teacher.id == Pairing.teacher_id)
    .join(Mentor, Mentor.id == Pairing.mentor_id)
    .outerjoin(Project, Project.id == Pairing.project_id)
)
_ACTIVE = (Pairing.ends_on.is_(None)) | (Pairing.ends_on >= bindparam("today"))  # type: ignore[union-attr,operator]
_ORDER = (Pairing.starts_on.desc(), Pairing.id.desc())  # type: ignore[union-attr]
_PAGE = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
# The page carries the list's total as a window aggregate (computed before the LIMIT): the
# count is a statement of its own only past the last page.
_TOTAL = func.count().over().label("total")
_ALL_PAGE = _LIST.add_columns(_TOTAL).order_by(*_ORDER).limit(_PAGE[0]).offset(_PAGE[1])
_ACTIVE_PAGE = (
    _LIST.add_columns(_TOTAL).where(_ACTIVE).order_by(*_ORDER).limit(_PAGE[0]).offset(_PAGE[1])
)
_ALL_COUNT = select(func.count(Pairing.id))
_ACTIVE_COUNT = _ALL_COUNT.where(_ACTIVE)


def list_pairings(
    session: Session, *, page: int, per_page: int, active_only: bool = False
) -> Page[PairingListRow]:
    on = today()
    statement = _ACTIVE_PAGE if active_only else _ALL_PAGE
    params = {"today": on, "limit": per_page, "offset": (page - 1) * per_page}
    rows = session.exec(statement, params=params).all()
    if rows:
        total = rows[0].total
    else:  # no pairing, or past the last page: count, and show the last page
        total = session.exec(_ACTIVE_COUNT if active_only else _ALL_COUNT, params=params).one()
        last = max(1, -(-total // per_page))
        if page > last and total:
            page = last
            params["offset"] = (page - 1) * per_page
            rows = session.exec(statement, params=params).all()
        page = min(page, last)
    return Page(
        items=[
            PairingListRow(
                _PairingCell(pid, starts_on, ends_on),
                _TeamCell(team_id, team_name),
                _PersonCell(teacher),
                _PersonCell(mentor),
                None if title is None else _ProjectCell(title),
                ends_on is None or ends_on >= on,
            )
            for pid, starts_on, ends_on, team_id, team_name, teacher, mentor, title, _n in rows
        ],
        total=total,
        number=page,
        per_page=per_page,
        base_path="/pairings",
        query={"active": "1" if active_only else ""},
    )


def people_choices(session: Session, role: Role) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.role == role.value, User.is_active).order_by(User.full_name)  # type: ignore[arg-type]
        ).all()
    )


def create_pairing(session: Session, *, form: PairingForm) -> Pairing:
    """Pair a team with a college mentor and an industry mentor (administrators)."""
    errors: dict = {}
    team = session.get(Team, form.team_id) if form.team_id else None
    if team is None:
        errors["team_id"] = _l("Choose a team.")
    teacher = session.get(User, form.teacher_id) if form.teacher_id else None
    if teacher is None or teacher.role != Role.teacher or not teacher.is_active:
        errors["teacher_id"] = _l("Choose a teacher.")
    mentor = session.get(User, form.mentor_id) if form.mentor_id else None
    if mentor is None or mentor.role != Role.mentor or not mentor.is_active:
        errors["mentor_id"] = _l("Choose an industry mentor.")
    if errors:
        raise FormErrors(errors)
    project = session.exec(select(Project).where(Project.team_id == team.id)).first()
    pairing = Pairing(
        team_id=team.id,
        teacher_id=teacher.id,
        mentor_id=mentor.id,
        project_id=project.id if project else None,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
        goals=form.goals,
    )
    session.add(pairing)
    session.flush()
    return pairing


def end_pairing(session: Session, *, pairing_id: int, form: EndPairingForm) -> Pairing:
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFound("This pairing does not exist.")
    end = form.ends_on or today()
    if end < pairing.starts_on:
        raise FormErrors({"ends_on": _l("The end must not be before the start.")})
    pairing.ends_on = end
    session.add(pairing)
    session.flush()
    return pairing


# --- teacher–enterprise pairings and practice days ------------------------------------------


def list_enterprise_pairings(
    session: Session, *, page: int, per_page: int, teacher_id: int | None = None
) -> Page:
    query = (
        select(EnterprisePairing, User)
        .join(User, User.id == EnterprisePairing.teacher_id)
        .order_by(EnterprisePairing.starts_on.desc(), EnterprisePairing.id.desc())  # type: ignore[attr-defined]
    )
    if teacher_id is not None:
        query = query.where(EnterprisePairing.teacher_id == teacher_id)
    rows, total = paginate(session, query, page=page, per_page=per_page)
    page = min(page, max(1, -(-total // per_page)))
    return Page(
        items=list(rows),
        total=total,
        number=page,
        per_page=per_page,
        base_path="/pairings/enterprise",
    )


def create_enterprise_pairing(
    session: Session, *, form: EnterprisePairingForm
) -> EnterprisePairing:
    teacher = session.get(User, form.teacher_id) if form.teacher_id else None
    if teacher is None or teacher.role != Role.teacher:
        raise FormErrors({"teacher_id": _l("Choose a teacher.")})
    row = EnterprisePairing(
        teacher_id=teacher.id,
        enterprise=form.enterprise,
        contact=form.contact,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
        notes=form.notes,
    )
    session.add(row)
    session.flush()
    return row


def record_practice(session: Session, *, actor: User, form: PracticeForm) -> PracticeDay:
    """A teacher's enterprise practice (an administrator for anyone, a teacher for self)."""
    if actor.role == Role.teacher:
        teacher = actor
    else:
        teacher = session.get(User, form.teacher_id) if form.teacher_id else None
        if teacher is None or teacher.role != Role.teacher:
            raise FormErrors({"teacher_id": _l("Choose a teacher.")})
    start, end = form.starts_on, form.ends_on
    row = PracticeDay(
        teacher_id=teacher.id,
        enterprise=form.enterprise,
        starts_on=start,
        ends_on=end,
        days=(end - start).days + 1,
        content=form.content,
    )
    session.add(row)
    session.flush()
    return row


def practice_summary(session: Session, *, teacher_id: int | None = None) -> list[tuple]:
    """(teacher, year, days, entries, enterprises) per teacher per year, newest year first."""
    year = extract("year", PracticeDay.starts_on)
    query = (
        select(
            User,
            year.label("year"),
            func.sum(PracticeDay.days),
            func.count(PracticeDay.id),
            func.count(func.distinct(PracticeDay.enterprise)),
        )
        .join(User, User.id == PracticeDay.teacher_id)
        .group_by(User.id, year)
        .order_by(year.desc(), User.full_name)
    )
    if teacher_id is not None:
        query = query.where(PracticeDay.teacher_id == teacher_id)
    return [
        (teacher, int(y), int(days or 0), int(n), int(ent))
        for teacher, y, days, n, ent in session.exec(query).all()
    ]


def recent_practice(session: Session, *, teacher_id: int | None = None, limit: int = 20):
    query = (
        select(PracticeDay, User)
        .join(User, User.id == PracticeDay.teacher_id)
        .order_by(PracticeDay.starts_on.desc(), PracticeDay.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    if teacher_id is not None:
        query = query.where(PracticeDay.teacher_id == teacher_id)
    return list(session.exec(query).all())

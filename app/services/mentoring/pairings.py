"""Pairings (college mentor + team + industry mentor + project), teacher–enterprise pairings
and teachers' enterprise-practice days, summarised per teacher per year."""

from dataclasses import dataclass

from sqlalchemy import extract, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.teams import EnterprisePairing, Pairing, PracticeDay, Project, Team
from app.services.clock import today
from app.services.pagination import Page, paginate
from app.services.teams.forms import clean_text, parse_date, parse_id


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


def list_pairings(
    session: Session, *, page: int, per_page: int, active_only: bool = False
) -> Page[PairingRow]:
    query = pairing_rows_query().order_by(Pairing.starts_on.desc(), Pairing.id.desc())  # type: ignore[union-attr]
    if active_only:
        query = query.where((Pairing.ends_on.is_(None)) | (Pairing.ends_on >= today()))  # type: ignore[union-attr,operator]
    rows, total = paginate(session, query, page=page, per_page=per_page)
    page = min(page, max(1, -(-total // per_page)))
    return Page(
        items=[PairingRow(*row) for row in rows],
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


def create_pairing(
    session: Session,
    *,
    team_id: str,
    teacher_id: str,
    mentor_id: str,
    starts_on: str,
    ends_on: str = "",
    goals: str = "",
) -> Pairing:
    """Pair a team with a college mentor and an industry mentor (administrators)."""
    errors: dict = {}
    team = session.get(Team, parse_id(team_id) or 0)
    if team is None:
        errors["team_id"] = _l("Choose a team.")
    teacher = session.get(User, parse_id(teacher_id) or 0)
    if teacher is None or teacher.role != Role.teacher or not teacher.is_active:
        errors["teacher_id"] = _l("Choose a teacher.")
    mentor = session.get(User, parse_id(mentor_id) or 0)
    if mentor is None or mentor.role != Role.mentor or not mentor.is_active:
        errors["mentor_id"] = _l("Choose an industry mentor.")
    start = parse_date(starts_on, "starts_on", errors)
    end = parse_date(ends_on, "ends_on", errors, required=False)
    if start and end and end < start:
        errors["ends_on"] = _l("The end must not be before the start.")
    goals = clean_text(goals, "goals", errors, max_length=5000)
    if errors:
        raise FormErrors(errors)
    project = session.exec(select(Project).where(Project.team_id == team.id)).first()
    pairing = Pairing(
        team_id=team.id,
        teacher_id=teacher.id,
        mentor_id=mentor.id,
        project_id=project.id if project else None,
        starts_on=start,
        ends_on=end,
        goals=goals,
    )
    session.add(pairing)
    session.flush()
    return pairing


def end_pairing(session: Session, *, pairing_id: int, ends_on: str) -> Pairing:
    pairing = session.get(Pairing, pairing_id)
    if pairing is None:
        raise NotFound("This pairing does not exist.")
    errors: dict = {}
    end = parse_date(ends_on, "ends_on", errors, required=False) or today()
    if end < pairing.starts_on:
        errors["ends_on"] = _l("The end must not be before the start.")
    if errors:
        raise FormErrors(errors)
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
    session: Session,
    *,
    teacher_id: str,
    enterprise: str,
    contact: str = "",
    starts_on: str,
    ends_on: str = "",
    notes: str = "",
) -> EnterprisePairing:
    errors: dict = {}
    teacher = session.get(User, parse_id(teacher_id) or 0)
    if teacher is None or teacher.role != Role.teacher:
        errors["teacher_id"] = _l("Choose a teacher.")
    enterprise = clean_text(enterprise, "enterprise", errors, max_length=200, required=True)
    contact = clean_text(contact, "contact", errors, max_length=100)
    notes = clean_text(notes, "notes", errors, max_length=2000)
    start = parse_date(starts_on, "starts_on", errors)
    end = parse_date(ends_on, "ends_on", errors, required=False)
    if start and end and end < start:
        errors["ends_on"] = _l("The end must not be before the start.")
    if errors:
        raise FormErrors(errors)
    row = EnterprisePairing(
        teacher_id=teacher.id,
        enterprise=enterprise,
        contact=contact,
        starts_on=start,
        ends_on=end,
        notes=notes,
    )
    session.add(row)
    session.flush()
    return row


def record_practice(
    session: Session,
    *,
    actor: User,
    teacher_id: str,
    enterprise: str,
    starts_on: str,
    ends_on: str,
    content: str = "",
) -> PracticeDay:
    """A teacher's enterprise practice (an administrator for anyone, a teacher for self)."""
    errors: dict = {}
    if actor.role == Role.teacher:
        teacher = actor
    else:
        teacher = session.get(User, parse_id(teacher_id) or 0)
        if teacher is None or teacher.role != Role.teacher:
            errors["teacher_id"] = _l("Choose a teacher.")
    enterprise = clean_text(enterprise, "enterprise", errors, max_length=200, required=True)
    content = clean_text(content, "content", errors, max_length=2000)
    start = parse_date(starts_on, "starts_on", errors, not_future=True)
    end = parse_date(ends_on, "ends_on", errors, not_future=True)
    if start and end and end < start:
        errors["ends_on"] = _l("The end must not be before the start.")
    elif start and end and (end - start).days >= 366:
        errors["ends_on"] = _l("Record at most one year at a time.")
    if errors:
        raise FormErrors(errors)
    row = PracticeDay(
        teacher_id=teacher.id,
        enterprise=enterprise,
        starts_on=start,
        ends_on=end,
        days=(end - start).days + 1,
        content=content,
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

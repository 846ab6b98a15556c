"""Results won outside the college, recorded by teachers and admins with an evidence file.

Evidence is kept in the database (so every worker can serve it), capped in size and
limited to PDF and common image types, checked by the file's leading bytes as well as
the type the browser claims.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.contests import ExternalResult
from app.models.curriculum import Competition
from app.models.teams import Team
from app.schemas.contests import ExternalResultForm
from app.services.pagination import paginate

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def _require_staff(user: User) -> None:
    if user.role not in (Role.admin, Role.teacher):
        raise Forbidden("Only teachers and administrators record external results.")


def check_evidence(content: bytes, content_type: str) -> str:
    """The checked content type of an evidence file, or FormErrors on ``evidence``."""
    if not content:
        raise FormErrors({"evidence": _l("Attach the certificate or notice as evidence.")})
    if len(content) > MAX_EVIDENCE_BYTES:
        raise FormErrors({"evidence": _l("The evidence file must be under 5 MB.")})
    for kind, signatures in EVIDENCE_TYPES.items():
        if content.startswith(signatures):
            if content_type and content_type.split(";")[0].strip() not in (
                kind,
                "application/octet-stream",
            ):
                break
            return kind
    raise FormErrors({"evidence": _l("The evidence must be a PDF, PNG or JPEG file.")})


def record_external(
    session: Session,
    *,
    actor: User,
    form: ExternalResultForm,
    filename: str,
    content: bytes,
    content_type: str,
) -> ExternalResult:
    """Record an outside award for a team or a student (both counted in the evaluation)."""
    _require_staff(actor)
    errors: dict = {}
    team = session.get(Team, form.team_id) if form.team_id else None
    student = session.get(User, form.student_id) if form.student_id else None
    if form.team_id and team is None:
        errors["team_id"] = _l("Choose a team from the list.")
    if form.student_id and (student is None or student.role != Role.student):
        errors["student_id"] = _l("Choose a student from the list.")
    competition = None
    if form.competition_id:
        competition = session.get(Competition, form.competition_id)
        if competition is None:
            errors["competition_id"] = _l("Choose a competition from the list.")
    name = form.competition_name or (competition.name_zh if competition else "")
    if not name:
        errors["competition_name"] = _l("Name the competition.")
    try:
        kind = check_evidence(content, content_type)
    except FormErrors as exc:
        errors.update(exc.errors)
        kind = ""
    if errors:
        raise FormErrors(errors)
    result = ExternalResult(
        team_id=team.id if team else None,
        student_id=student.id if student else None,
        competition_id=competition.id if competition else None,
        competition_name=name,
        edition=form.edition,
        round_name=form.round_name,
        level=form.level,
        award=form.award,
        awarded_on=form.awarded_on,
        evidence_name=(filename or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:255],
        evidence_type=kind,
        evidence=content,
        recorded_by_id=actor.id,
    )
    session.add(result)
    session.flush()
    return result


@dataclass
class ExternalRow:
    result: ExternalResult
    holder: str
    recorded_by: str


def list_external(session: Session, *, page: int, per_page: int) -> tuple[list[ExternalRow], int]:
    """External results, newest award first (3 statements per page)."""
    query = select(ExternalResult).order_by(
        ExternalResult.awarded_on.desc(), ExternalResult.id.desc()
    )
    items, total = paginate(session, query, page=page, per_page=per_page)
    team_ids = {r.team_id for r in items if r.team_id}
    user_ids = {r.student_id for r in items if r.student_id} | {
        r.recorded_by_id for r in items if r.recorded_by_id
    }
    teams = (
        dict(session.exec(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all())
        if team_ids
        else {}
    )
    users = (
        dict(session.exec(select(User.id, User.full_name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    rows = [
        ExternalRow(
            r,
            teams.get(r.team_id, "") if r.team_id else users.get(r.student_id, ""),
            users.get(r.recorded_by_id, ""),
        )
        for r in items
    ]
    return rows, total


def may_delete(actor: User, result: ExternalResult) -> bool:
    """Administrators, and the teacher who recorded it, may take a result back."""
    return actor.role == Role.admin or result.recorded_by_id == actor.id


def delete_external(session: Session, *, actor: User, result_id: int) -> None:
    """Remove a result recorded by mistake (with its evidence); it leaves the evaluation."""
    _require_staff(actor)
    result = session.get(ExternalResult, result_id)
    if result is None:
        raise NotFound("This result does not exist.")
    if not may_delete(actor, result):
        raise Forbidden("Only an administrator or the teacher who recorded it may delete it.")
    session.delete(result)
    session.flush()


def evidence(session: Session, *, actor: User, result_id: int) -> ExternalResult:
    _require_staff(actor)
    result = session.get(ExternalResult, result_id)
    if result is None or not result.evidence:
        raise NotFound("This evidence file does not exist.")
    return result


def student_choices(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.student.value, User.is_active)
            .order_by(User.full_name)
            .limit(2000)
        )
    )

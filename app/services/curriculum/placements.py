"""Editing a draft programme version: placing, moving and removing courses.

Administrators change any course in a draft; a teacher changes only the courses they own,
and only in a draft. Publishing stays with the administrators (programmes.py).
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.curriculum import Course, CourseOwner, Placement, ProgrammeVersion, VersionStatus
from app.schemas.curriculum import MoveForm, PlacementForm
from app.services.curriculum.programmes import PlacedCourse, get_version, require_draft


def owned_course_ids(session: Session, *, user: User) -> set[int]:
    """The ids of the courses the user owns (one statement)."""
    rows = session.exec(select(CourseOwner.course_id).where(CourseOwner.user_id == user.id))
    return set(rows.all())


def editable_version(
    session: Session, *, actor: User, programme_id: int, version_id: int
) -> ProgrammeVersion:
    """The version, if the actor may change placements in it: administrators any draft
    (a published one is a Conflict), course owners a draft (a published one is Forbidden)."""
    version = get_version(session, programme_id=programme_id, version_id=version_id)
    if actor.role == Role.admin:
        require_draft(version)
        return version
    if actor.role != Role.teacher or not owned_course_ids(session, user=actor):
        raise Forbidden("Only administrators and the owners of a course place it in a programme.")
    if version.status != VersionStatus.draft:
        raise Forbidden(
            "Version %(n)s is published: teachers change only a draft version. "
            "Ask an administrator to start a new version.",
            n=version.number,
        )
    return version


def _require_own(session: Session, *, actor: User, course: Course) -> None:
    """A teacher places, moves or removes only their own courses."""
    if actor.role == Role.admin:
        return
    if course.id not in owned_course_ids(session, user=actor):
        raise Forbidden(
            "You can place, move or remove only your own courses; %(code)s is not yours.",
            code=course.code,
        )


def place_course(
    session: Session, *, actor: User, programme_id: int, version_id: int, form: PlacementForm
) -> Placement:
    """Put a course in a semester of a draft (its own semester when none is given)."""
    version = editable_version(
        session, actor=actor, programme_id=programme_id, version_id=version_id
    )
    course = session.get(Course, form.course_id) if form.course_id else None
    if course is None:
        raise FormErrors({"course_id": _l("Choose a course.")})
    _require_own(session, actor=actor, course=course)
    taken = session.exec(
        select(Placement.id).where(
            Placement.version_id == version.id, Placement.course_id == course.id
        )
    ).first()
    if taken is not None:
        raise FormErrors({"course_id": _l("This course is already in the programme.")})
    placement = Placement(
        version_id=version.id, course_id=course.id, semester=form.semester or course.semester
    )
    session.add(placement)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request placed it first
        raise FormErrors({"course_id": _l("This course is already in the programme.")}) from exc
    return placement


def _editable_placement(
    session: Session, *, actor: User, programme_id: int, version_id: int, placement_id: int
) -> Placement:
    version = editable_version(
        session, actor=actor, programme_id=programme_id, version_id=version_id
    )
    placement = session.get(Placement, placement_id)
    if placement is None or placement.version_id != version.id:
        raise NotFound("This course is not in the programme.")
    _require_own(session, actor=actor, course=session.get(Course, placement.course_id))
    return placement


def move_placement(
    session: Session,
    *,
    actor: User,
    programme_id: int,
    version_id: int,
    placement_id: int,
    form: MoveForm,
) -> Placement:
    """Move a placed course to another semester of a draft."""
    placement = _editable_placement(
        session,
        actor=actor,
        programme_id=programme_id,
        version_id=version_id,
        placement_id=placement_id,
    )
    placement.semester = form.semester
    session.add(placement)
    session.flush()
    return placement


def remove_placement(
    session: Session, *, actor: User, programme_id: int, version_id: int, placement_id: int
) -> None:
    """Take a course out of a draft."""
    placement = _editable_placement(
        session,
        actor=actor,
        programme_id=programme_id,
        version_id=version_id,
        placement_id=placement_id,
    )
    session.delete(placement)
    session.flush()


def unplaced_courses(session: Session, version_id: int) -> list[Course]:
    """Courses not yet in the version, for the 'place a course' picker."""
    placed = select(Placement.course_id).where(Placement.version_id == version_id)
    return list(
        session.exec(
            select(Course).where(Course.id.not_in(placed)).order_by(Course.semester, Course.code)
        ).all()
    )


def placing_rights(
    session: Session, *, actor: User, version: ProgrammeVersion, placed: list[PlacedCourse]
) -> tuple[list[Course], set[int]]:
    """What the actor may do on a version's page: the courses they may place (the picker)
    and the ids of the placements they may move or remove. Nothing in a published version."""
    if version.status != VersionStatus.draft or actor.role not in (Role.admin, Role.teacher):
        return [], set()
    unplaced = unplaced_courses(session, version.id)
    if actor.role == Role.admin:
        return unplaced, {item.placement.id for item in placed}
    own = owned_course_ids(session, user=actor)
    return (
        [c for c in unplaced if c.id in own],
        {item.placement.id for item in placed if item.course.id in own},
    )

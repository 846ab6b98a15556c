"""The course list and a course's page as everyone reads them, kept per worker until a
course, its owners or modules, the catalogue or a teacher's name changes
(app/services/revisions.py).

A page of the list is the same for every reader (who may create a course is decided
outside it), so one page of results per filter set is kept with the filter form's
choices, and its fragments render once per language (``shared_fragment``). A course's
modules and their mappings are kept as the readers' view; who may edit is decided per
request and an editor's page is rendered with its forms.
"""

from dataclasses import dataclass, replace
from typing import ClassVar

from sqlmodel import Session

from app.models import CoreCompetency, Post, Skill
from app.models.curriculum import SEMESTERS, CourseKind
from app.services import revisions
from app.services.curriculum import catalogue, courses, modules
from app.services.curriculum.kept import CURRICULUM_TABLES
from app.services.curriculum.labels import KIND_LABELS
from app.services.pagination import Page, paginate

COURSES = "courses"
revisions.track(
    COURSES,
    {Post, Skill, CoreCompetency, *CURRICULUM_TABLES},
    # owners' names, the owner filter and the owner picker ("name (username)")
    user_fields=("full_name", "username", "role", "is_active"),
)
_KEPT = revisions.Keeper(COURSES, size=32)


@dataclass(frozen=True, eq=False)
class FilterChoices:
    """The filter form's options: posts that have active skills, active teachers."""

    posts: tuple
    teachers: tuple


@dataclass(frozen=True, eq=False)
class CourseListing:
    """One page of the course list for one set of filters, with the form's choices."""

    page: Page
    params: dict
    choices: FilterChoices
    semesters: ClassVar[tuple] = SEMESTERS
    kinds: ClassVar[list] = [(k.value, KIND_LABELS[k.value]) for k in CourseKind]
    kind_labels: ClassVar[dict] = KIND_LABELS

    @property
    def filtered(self) -> bool:
        return any(self.params.values())


def _choices(session: Session) -> FilterChoices:
    posts = tuple(group.post for group in catalogue.list_active_skills_by_post(session))
    return FilterChoices(posts, tuple(courses.list_teachers(session)))


def _listing(session, *, filters: dict, params: dict, page: int, per_page: int) -> CourseListing:
    items, total = paginate(session, courses.course_query(**filters), page=page, per_page=per_page)
    shown = Page(
        courses.rows_for(session, items),
        total,
        min(page, max(1, -(-total // per_page))),
        per_page,
        "/courses",
        params,
    )
    choices = _KEPT.get(session, ("choices",), lambda: _choices(session))
    return CourseListing(shown, params, choices)


def course_listing(
    session: Session, *, filters: dict, params: dict, page: int, per_page: int
) -> CourseListing:
    """A page of courses matching ``filters`` (``course_query``), kept; ``params`` are
    the query string as given (the form's values and the page links keep them)."""
    key = (tuple(sorted(filters.items())), tuple(sorted(params.items())), page, per_page)
    return _KEPT.get(
        session,
        key,
        lambda: _listing(session, filters=filters, params=params, page=page, per_page=per_page),
    )


def _course_page(session: Session, course_id: int) -> tuple:
    reader = modules.course_view(session, course_id=course_id, user=None)
    editor = replace(reader, can_edit=True)
    return reader, editor, tuple(courses.list_teachers(session))


def kept_course_view(session: Session, *, course_id: int, user) -> tuple:
    """``modules.course_view`` for ``user``, and the active teachers (the owner picker).
    Both views, the readers' and the editors', are kept (each fragment rendered from one
    renders once with ``shared_fragment``); who may edit is decided afresh."""
    reader, editor, teachers = _KEPT.get(
        session, ("course", course_id), lambda: _course_page(session, course_id)
    )
    if courses.can_edit(session, course=reader.course, user=user):
        return editor, teachers
    return reader, teachers

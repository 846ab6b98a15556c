"""The people and cohort lists, kept per worker until an account's listed fields, a
profile or a cohort changes (app/services/revisions.py).

Both lists are the same for every administrator (a teacher's cohort list is keyed by
the teacher), read a page of joined rows and render a table of them; a kept page renders
once per language (``shared_fragment``). The lists show no time-dependent state (a
login lock is shown on a person's own page only), so a token renewed at each committed
change is all they need.
"""

from dataclasses import dataclass

from sqlmodel import Session

from app.models import Cohort, MentorProfile, Role, StudentProfile, TeacherProfile, User
from app.services import accounts as account_service
from app.services import revisions
from app.services.pagination import Page
from app.services.roster import cohorts

PEOPLE = "people"
# The account columns the lists show or filter by; a login or a password change does not
# renew the token (an added or deleted account always does).
LISTED_FIELDS = ("username", "email", "full_name", "role", "is_active", "must_change_password")
revisions.track(
    PEOPLE, {Cohort, StudentProfile, TeacherProfile, MentorProfile}, user_fields=LISTED_FIELDS
)
_KEPT = revisions.Keeper(PEOPLE, size=32)


@dataclass(frozen=True, eq=False)
class PeopleListing:
    """One page of the people list for one set of filters, with the cohort filter's
    choices."""

    page: Page
    filters: dict
    cohorts: tuple

    @property
    def filtered(self) -> bool:
        return bool(self.filters["q"] or self.filters["role"] or self.filters["cohort"])


def kept_people_listing(
    session: Session, *, q: str, role: str, cohort_id: str, page: int, per_page: int
) -> PeopleListing:
    """``accounts.list_people`` for these filters with the cohort choices, kept."""

    def compute() -> PeopleListing:
        found = account_service.list_people(
            session, q=q, role=role, cohort_id=cohort_id, page=page, per_page=per_page
        )
        filters = {"q": q.strip(), "role": role, "cohort": cohort_id}
        return PeopleListing(found, filters, tuple(cohorts.cohort_choices(session)))

    return _KEPT.get(session, ("people", q, role, cohort_id, page, per_page), compute)


def kept_cohort_page(session: Session, *, viewer: User, page: int, per_page: int):
    """``cohorts.list_cohorts`` as ``viewer`` sees it, kept per administrators / teacher."""
    scope = "all" if viewer.role == Role.admin else viewer.id
    return _KEPT.get(
        session,
        ("cohorts", scope, page, per_page),
        lambda: cohorts.list_cohorts(session, viewer=viewer, page=page, per_page=per_page),
    )

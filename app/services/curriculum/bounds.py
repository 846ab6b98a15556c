"""The bounds an administrator sets on a training programme, and checking a version against them."""

from typing import TYPE_CHECKING

from sqlmodel import Session

from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.curriculum import TrainingProgramme
from app.schemas.curriculum import BoundsForm

if TYPE_CHECKING:
    from app.services.curriculum.programmes import Semester, Totals

BOUND_FIELDS = (
    "min_semester_credits",
    "max_semester_credits",
    "min_total_credits",
    "max_semester_hours",
    "min_practice_share",
)


def update_bounds(
    session: Session, *, actor: User, programme_id: int, form: BoundsForm
) -> TrainingProgramme:
    """Set the bounds every version is checked against; a blank field means no bound."""
    from app.services.curriculum import programmes as programme_service

    programme_service.require_admin(actor)
    programme = programme_service.get_programme(session, programme_id)
    for name, value in form.model_dump().items():
        setattr(programme, name, value)
    session.add(programme)
    session.flush()
    return programme


def check_bounds(
    programme: TrainingProgramme, semesters: "list[Semester]", totals: "Totals"
) -> list:
    """The bounds a version breaks, as messages (empty when it keeps them all)."""
    issues = []
    p = programme
    for s in semesters:
        c = s.totals.credits
        if p.min_semester_credits is not None and c < p.min_semester_credits:
            issues.append(
                _l(
                    "Semester %(s)s has %(c)s credits, below the minimum of %(b)s.",
                    s=s.number,
                    c=c,
                    b=p.min_semester_credits,
                )
            )
        if p.max_semester_credits is not None and c > p.max_semester_credits:
            issues.append(
                _l(
                    "Semester %(s)s has %(c)s credits, above the maximum of %(b)s.",
                    s=s.number,
                    c=c,
                    b=p.max_semester_credits,
                )
            )
        if p.max_semester_hours is not None and s.totals.hours > p.max_semester_hours:
            issues.append(
                _l(
                    "Semester %(s)s has %(h)s hours, above the maximum of %(b)s.",
                    s=s.number,
                    h=s.totals.hours,
                    b=p.max_semester_hours,
                )
            )
    if p.min_total_credits is not None and totals.credits < p.min_total_credits:
        issues.append(
            _l(
                "The programme has %(c)s credits in all, below the minimum of %(b)s.",
                c=totals.credits,
                b=p.min_total_credits,
            )
        )
    if p.min_practice_share is not None and totals.hours:
        share = round(100 * totals.practice_hours / totals.hours)
        if share < p.min_practice_share:
            issues.append(
                _l(
                    "Practice is %(p)s%% of all hours, below the minimum of %(b)s%%.",
                    p=share,
                    b=p.min_practice_share,
                )
            )
    return issues

"""What a scheme change would do, before it is saved: every cohort's students scored under
the current version and under the proposed parameters, for one period, side by side."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from app.models import Cohort, StudentProfile
from app.services.evaluation import compute as evaluation
from app.services.evaluation import scheme as scheme_service
from app.services.evaluation.scoring import ZERO, Period, mean

TOP_CHANGES = 20


@dataclass
class CohortChange:
    cohort_id: int
    label: str
    students: int
    mean_before: Decimal
    mean_after: Decimal

    @property
    def delta(self) -> Decimal:
        return self.mean_after - self.mean_before


@dataclass
class StudentChange:
    student_id: int
    student_number: str
    full_name: str
    cohort: str
    before: Decimal
    after: Decimal
    rank_before: int
    rank_after: int

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass
class SchemePreview:
    version: int  # the current version, compared with the proposed parameters
    period: Period
    cohorts: list[CohortChange] = field(default_factory=list)
    changes: list[StudentChange] = field(default_factory=list)  # the largest first
    changed: int = 0  # students whose total would change
    students: int = 0


def preview(session: Session, *, params: dict[str, Any], period: Period) -> SchemePreview:
    """Every cohort with students, scored under the current version and under ``params``."""
    current = scheme_service.current_scheme(session)
    cohort_ids = list(
        session.exec(
            select(StudentProfile.cohort_id).where(StudentProfile.cohort_id.is_not(None)).distinct()
        ).all()
    )
    result = SchemePreview(current.version, period)
    if not cohort_ids:
        return result
    run = {"session": session, "cohort_ids": cohort_ids, "period": period}
    before = evaluation.evaluate(**run, params=current.params, scheme_version=current.version)
    after = evaluation.evaluate(**run, params=params, scheme_version=current.version + 1)
    cohorts = session.exec(select(Cohort).where(Cohort.id.in_(cohort_ids))).all()  # type: ignore[union-attr]
    labels = {cohort.id: cohort.label() for cohort in cohorts}
    proposed = {s.student_id: s for s in after.students}
    for summary in before.cohorts:
        members = [proposed[s.student_id] for s in before.students_of(summary.cohort_id)]
        result.cohorts.append(
            CohortChange(
                summary.cohort_id,
                summary.label,
                summary.students,
                summary.means.get("total", ZERO),
                mean([m.total for m in members]),
            )
        )
    for old in before.students:
        new = proposed[old.student_id]
        if new.total != old.total or new.rank != old.rank:
            result.changed += 1
        result.changes.append(
            StudentChange(
                old.student_id,
                old.student_number,
                old.full_name,
                labels.get(old.cohort_id, ""),
                old.total,
                new.total,
                old.rank,
                new.rank,
            )
        )
    result.students = len(before.students)
    result.changes.sort(key=lambda c: (-abs(c.delta), c.student_number))
    result.changes = [c for c in result.changes if c.delta or c.rank_before != c.rank_after]
    result.changes = result.changes[:TOP_CHANGES]
    return result

"""What changed between two versions of a training programme."""

from dataclasses import dataclass

from sqlmodel import Session

from app.models.curriculum import Course
from app.services.curriculum.programmes import PlacedCourse, placed_courses


@dataclass
class Change:
    kind: str  # added | removed | moved | changed
    course: Course
    before: PlacedCourse | None
    after: PlacedCourse | None


def diff_versions(session: Session, *, before_id: int, after_id: int) -> list[Change]:
    """What changed from one version to another: courses added, removed, moved, re-weighted."""
    before = {p.course.id: p for p in placed_courses(session, before_id)}
    after = {p.course.id: p for p in placed_courses(session, after_id)}
    changes: list[Change] = []
    for course_id, a in after.items():
        b = before.get(course_id)
        if b is None:
            changes.append(Change("added", a.course, None, a))
        elif b.placement.semester != a.placement.semester:
            changes.append(Change("moved", a.course, b, a))
        elif (b.credits, b.theory_hours, b.practice_hours) != (
            a.credits,
            a.theory_hours,
            a.practice_hours,
        ):
            changes.append(Change("changed", a.course, b, a))
    for course_id, b in before.items():
        if course_id not in after:
            changes.append(Change("removed", b.course, b, None))
    order = {"added": 0, "removed": 1, "moved": 2, "changed": 3}
    changes.sort(key=lambda c: (order[c.kind], c.course.code))
    return changes

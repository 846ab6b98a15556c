"""Training programmes: placements, totals, bounds, publishing freezes, versions and diffs."""

import re
from decimal import Decimal

import pytest

from app.errors import Conflict, Forbidden, FormErrors
from app.schemas.curriculum import BoundsForm, MoveForm, PlacementForm, ProgrammeForm
from app.services import curriculum as programme_service
from app.services.curriculum import bounds as bounds_service
from app.services.curriculum import diff as diff_service
from tests.factories import make_admin, make_teacher
from tests.factories_curriculum import make_course, make_programme


def _view(session, programme, version):
    return programme_service.version_view(session, programme_id=programme.id, version_id=version.id)


def test_totals_per_semester_and_overall(session):
    a = make_course(session, semester=1, credits=Decimal("2.5"), theory_hours=16, practice_hours=24)
    b = make_course(session, semester=1, credits=Decimal("3"), theory_hours=32, practice_hours=16)
    c = make_course(session, semester=4, credits=Decimal("4"), theory_hours=0, practice_hours=64)
    programme, version = make_programme(session, courses=[a, b, c])
    view = _view(session, programme, version)
    first = view.semesters[0].totals
    assert (first.credits, first.theory_hours, first.practice_hours, first.courses) == (
        Decimal("5.5"),
        48,
        40,
        2,
    )
    assert view.semesters[3].totals.hours == 64
    assert (view.totals.credits, view.totals.hours) == (Decimal("9.5"), 152)


def test_bounds_are_checked_and_validated(session):
    admin = make_admin(session)
    course = make_course(
        session, semester=2, credits=Decimal("2"), theory_hours=32, practice_hours=0
    )
    programme, version = make_programme(session, courses=[course])
    bounds_service.update_bounds(
        session,
        actor=admin,
        programme_id=programme.id,
        form=BoundsForm.parse(
            {
                "min_semester_credits": "8",
                "max_semester_credits": "",
                "min_total_credits": "10",
                "max_semester_hours": "20",
                "min_practice_share": "50",
            }
        ),
    )
    issues = [str(i) for i in _view(session, programme, version).issues]
    assert any(
        re.search(r"Semester 2 has 2(\.0)? credits, below the minimum of 8", i) for i in issues
    )
    assert any("Semester 1 has 0 credits" in i for i in issues)
    assert any("32 hours, above the maximum of 20" in i for i in issues)
    assert any("Practice is 0% of all hours" in i for i in issues)
    with pytest.raises(FormErrors) as caught:
        bounds_service.update_bounds(
            session,
            actor=admin,
            programme_id=programme.id,
            form=BoundsForm.parse(
                {
                    "min_semester_credits": "20",
                    "max_semester_credits": "10",
                    "min_practice_share": "150",
                }
            ),
        )
    assert set(caught.value.errors) == {"min_practice_share", "max_semester_credits"}
    with pytest.raises(Forbidden):
        bounds_service.update_bounds(
            session,
            actor=make_teacher(session),
            programme_id=programme.id,
            form=BoundsForm.parse({}),
        )


def test_publishing_freezes_the_version_and_keeps_its_figures(session):
    admin = make_admin(session)
    course = make_course(session, semester=1, credits=Decimal("2"))
    later = make_course(session, semester=2)
    programme, version = make_programme(session, courses=[course])
    programme_service.publish_version(
        session, actor=admin, programme_id=programme.id, version_id=version.id
    )
    assert version.is_published and version.published_at is not None
    course.credits, course.practice_hours = Decimal("5"), 100
    session.flush()
    view = _view(session, programme, version)
    assert view.totals.credits == Decimal("2") and view.totals.hours == 32
    edits = [
        lambda: programme_service.place_course(
            session,
            actor=admin,
            programme_id=programme.id,
            version_id=version.id,
            form=PlacementForm.parse({"course_id": str(later.id)}),
        ),
        lambda: programme_service.move_placement(
            session,
            actor=admin,
            programme_id=programme.id,
            version_id=version.id,
            placement_id=view.courses[0].placement.id,
            form=MoveForm.parse({"semester": "3"}),
        ),
        lambda: programme_service.remove_placement(
            session,
            actor=admin,
            programme_id=programme.id,
            version_id=version.id,
            placement_id=view.courses[0].placement.id,
        ),
        lambda: programme_service.publish_version(
            session, actor=admin, programme_id=programme.id, version_id=version.id
        ),
    ]
    for edit in edits:
        with pytest.raises(Conflict) as caught:
            edit()
        assert caught.value.status_code == 409 and "frozen" in caught.value.message


def test_a_new_version_copies_the_last_and_the_diff_shows_the_changes(session):
    admin = make_admin(session)
    kept, moved, dropped, added = (make_course(session, semester=s) for s in (1, 2, 3, 4))
    programme, v1 = make_programme(session, courses=[kept, moved, dropped])
    programme_service.publish_version(
        session, actor=admin, programme_id=programme.id, version_id=v1.id
    )
    v2 = programme_service.new_version(session, actor=admin, programme_id=programme.id)
    assert v2.number == 2 and not v2.is_published
    assert len(_view(session, programme, v2).courses) == 3
    with pytest.raises(Conflict):
        programme_service.new_version(session, actor=admin, programme_id=programme.id)
    by_code = {p.course.code: p.placement for p in _view(session, programme, v2).courses}
    programme_service.move_placement(
        session,
        actor=admin,
        programme_id=programme.id,
        version_id=v2.id,
        placement_id=by_code[moved.code].id,
        form=MoveForm.parse({"semester": "5"}),
    )
    programme_service.remove_placement(
        session,
        actor=admin,
        programme_id=programme.id,
        version_id=v2.id,
        placement_id=by_code[dropped.code].id,
    )
    programme_service.place_course(
        session,
        actor=admin,
        programme_id=programme.id,
        version_id=v2.id,
        form=PlacementForm.parse({"course_id": str(added.id)}),
    )
    changes = diff_service.diff_versions(session, before_id=v1.id, after_id=v2.id)
    assert [(c.kind, c.course.code) for c in changes] == [
        ("added", added.code),
        ("removed", dropped.code),
        ("moved", moved.code),
    ]


def test_placing_a_course_twice_or_in_a_bad_semester_is_a_field_error(session):
    admin = make_admin(session)
    course = make_course(session)
    programme, version = make_programme(session, courses=[course])
    with pytest.raises(FormErrors) as caught:
        programme_service.place_course(
            session,
            actor=admin,
            programme_id=programme.id,
            version_id=version.id,
            form=PlacementForm.parse({"course_id": str(course.id)}),
        )
    assert "course_id" in caught.value.errors
    other = make_course(session)
    with pytest.raises(FormErrors) as caught:
        programme_service.place_course(
            session,
            actor=admin,
            programme_id=programme.id,
            version_id=version.id,
            form=PlacementForm.parse({"course_id": str(other.id), "semester": "9"}),
        )
    assert "semester" in caught.value.errors


def test_creating_a_programme_checks_major_and_year(session):
    admin = make_admin(session)
    programme, version = programme_service.create_programme(
        session, actor=admin, form=ProgrammeForm.parse({"major": "直播电商", "intake_year": "2025"})
    )
    assert version.number == 1 and not version.is_published
    with pytest.raises(FormErrors) as caught:
        programme_service.create_programme(
            session,
            actor=admin,
            form=ProgrammeForm.parse({"major": "直播电商", "intake_year": "2025"}),
        )
    assert "major" in caught.value.errors
    with pytest.raises(FormErrors) as caught:
        programme_service.create_programme(
            session, actor=admin, form=ProgrammeForm.parse({"major": "", "intake_year": "20x"})
        )
    assert set(caught.value.errors) == {"major", "intake_year"}

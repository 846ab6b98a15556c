"""A teacher in a draft programme version: their own courses only, drafts only; the
administrator still places anything in a draft and alone publishes."""

import pytest
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors
from app.models.curriculum import Placement
from app.schemas.curriculum import MoveForm, PlacementForm
from app.services import curriculum as curriculum_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import make_course, make_programme


def _place(session, actor, programme, version, course, semester=""):
    return curriculum_service.place_course(
        session,
        actor=actor,
        programme_id=programme.id,
        version_id=version.id,
        form=PlacementForm.parse({"course_id": str(course.id), "semester": semester}),
    )


def _move(session, actor, programme, version, placement, semester="4"):
    return curriculum_service.move_placement(
        session,
        actor=actor,
        programme_id=programme.id,
        version_id=version.id,
        placement_id=placement.id,
        form=MoveForm.parse({"semester": semester}),
    )


def _remove(session, actor, programme, version, placement):
    curriculum_service.remove_placement(
        session,
        actor=actor,
        programme_id=programme.id,
        version_id=version.id,
        placement_id=placement.id,
    )


def _placement_of(session, version, course):
    return session.exec(
        select(Placement).where(
            Placement.version_id == version.id, Placement.course_id == course.id
        )
    ).one()


def test_a_teacher_places_moves_and_removes_their_own_course_in_a_draft(session):
    teacher = make_teacher(session)
    mine = make_course(session, semester=2, owners=[teacher])
    programme, version = make_programme(session)
    placement = _place(session, teacher, programme, version, mine)
    assert placement.semester == 2
    assert _move(session, teacher, programme, version, placement, "5").semester == 5
    _remove(session, teacher, programme, version, placement)
    assert session.exec(select(Placement)).all() == []


def test_a_teacher_cannot_place_move_or_remove_another_teachers_course(session):
    teacher, colleague = make_teacher(session), make_teacher(session)
    make_course(session, owners=[teacher])  # the teacher owns a course, just not this one
    theirs = make_course(session, code="THEIRS1", owners=[colleague])
    programme, version = make_programme(session, courses=[theirs])
    placed = _placement_of(session, version, theirs)
    other = make_course(session, code="THEIRS2", owners=[colleague])
    for edit in (
        lambda: _place(session, teacher, programme, version, other),
        lambda: _move(session, teacher, programme, version, placed),
        lambda: _remove(session, teacher, programme, version, placed),
    ):
        with pytest.raises(Forbidden) as caught:
            edit()
        assert "only your own courses" in caught.value.message
    session.expire_all()
    assert [p.course_id for p in session.exec(select(Placement))] == [theirs.id]
    assert session.get(Placement, placed.id).semester == theirs.semester


def test_a_teacher_cannot_change_a_published_version_even_their_own_course(session):
    admin, teacher = make_admin(session), make_teacher(session)
    mine = make_course(session, owners=[teacher])
    later = make_course(session, owners=[teacher])
    programme, version = make_programme(session, courses=[mine])
    curriculum_service.publish_version(
        session, actor=admin, programme_id=programme.id, version_id=version.id
    )
    placed = _placement_of(session, version, mine)
    for edit in (
        lambda: _place(session, teacher, programme, version, later),
        lambda: _move(session, teacher, programme, version, placed),
        lambda: _remove(session, teacher, programme, version, placed),
    ):
        with pytest.raises(Forbidden) as caught:
            edit()
        assert caught.value.status_code == 403
        assert "teachers change only a draft" in caught.value.message
    with pytest.raises(Conflict):  # the administrator is told it is frozen, as before
        _place(session, admin, programme, version, later)


def test_course_owners_and_admins_place_others_cannot_and_only_admins_publish(session):
    admin, teacher = make_admin(session), make_teacher(session)
    course = make_course(session)
    programme, version = make_programme(session)
    for outsider in (make_teacher(session), make_student(session)):  # owns no course
        with pytest.raises(Forbidden):
            _place(session, outsider, programme, version, course)
    assert _place(session, admin, programme, version, course).course_id == course.id
    mine = make_course(session, owners=[teacher])
    assert _place(session, teacher, programme, version, mine).course_id == mine.id
    with pytest.raises(Forbidden):
        curriculum_service.publish_version(
            session, actor=teacher, programme_id=programme.id, version_id=version.id
        )


def test_a_teacher_choosing_no_course_gets_a_field_error(session):
    teacher = make_teacher(session)
    make_course(session, owners=[teacher])
    programme, version = make_programme(session)
    with pytest.raises(FormErrors) as caught:
        curriculum_service.place_course(
            session,
            actor=teacher,
            programme_id=programme.id,
            version_id=version.id,
            form=PlacementForm.parse({"course_id": ""}),
        )
    assert "course_id" in caught.value.errors


def test_placing_rights_offer_a_teacher_only_their_own_courses_in_a_draft(session):
    admin, teacher = make_admin(session), make_teacher(session)
    mine_placed = make_course(session, owners=[teacher])
    mine_free = make_course(session, owners=[teacher])
    theirs_placed, theirs_free = make_course(session), make_course(session)
    programme, version = make_programme(session, courses=[mine_placed, theirs_placed])
    view = curriculum_service.version_view(
        session, programme_id=programme.id, version_id=version.id
    )
    ids = {item.course.id: item.placement.id for item in view.courses}
    unplaced, editable = curriculum_service.placing_rights(
        session, actor=teacher, version=version, placed=view.courses
    )
    assert [c.id for c in unplaced] == [mine_free.id]
    assert editable == {ids[mine_placed.id]}
    unplaced, editable = curriculum_service.placing_rights(
        session, actor=admin, version=version, placed=view.courses
    )
    assert {c.id for c in unplaced} == {mine_free.id, theirs_free.id}
    assert editable == set(ids.values())
    curriculum_service.publish_version(
        session, actor=admin, programme_id=programme.id, version_id=version.id
    )
    for actor in (admin, teacher):
        assert curriculum_service.placing_rights(
            session, actor=actor, version=version, placed=view.courses
        ) == ([], set())

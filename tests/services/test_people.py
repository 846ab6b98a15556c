"""People and cohort services: validation, uniqueness, profiles, sessions."""

import pytest
from sqlmodel import func, select

from app.errors import Conflict, Forbidden, FormErrors, Invalid
from app.models import (
    Cohort,
    MentorExpertise,
    Post,
    Role,
    StudentProfile,
    TeacherProfile,
    User,
    UserSession,
)
from app.schemas.people import CohortForm, PersonForm
from app.security import verify_password
from app.services.accounts import auth as auth_service
from app.services.accounts import people as people_service
from app.services.roster import cohorts as cohort_service
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher


def _user_count(session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def _student_form(**overrides) -> PersonForm:
    values = {
        "role": "student",
        "username": "wangfang",
        "full_name": "王芳",
        "student_number": "2024010101",
    }
    values.update(overrides)
    return PersonForm.parse(values)


def _post(session, code: str, n: int = 0) -> Post:
    post = Post(code=code, name_zh=f"岗位{code}", name_en=f"Post {code}", sort_order=n)
    session.add(post)
    session.flush()
    return post


def test_a_new_student_gets_a_profile_and_a_generated_one_time_password(session):
    cohort = make_cohort(session)
    user, password = people_service.create_person(
        session, form=_student_form(cohort_id=str(cohort.id), phone="13800138000")
    )
    assert user.must_change_password and user.role == Role.student
    assert verify_password(password, user.password_hash)
    assert len(password) == 14
    profile = session.get(StudentProfile, user.id)
    assert (profile.student_number, profile.cohort_id, profile.phone) == (
        "2024010101",
        cohort.id,
        "13800138000",
    )


def test_a_typed_one_time_password_is_used_as_given(session):
    user, password = people_service.create_person(
        session, form=_student_form(password="first-login-1")
    )
    assert password == "first-login-1"
    assert verify_password("first-login-1", user.password_hash)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "Not Valid!"}, "username"),
        ({"full_name": "  "}, "full_name"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"student_number": ""}, "student_number"),
        ({"student_number": "有空格 的"}, "student_number"),
        ({"cohort_id": "999999"}, "cohort_id"),
        ({"cohort_id": "abc"}, "cohort_id"),
        ({"phone": "call me"}, "phone"),
        ({"role": "superuser"}, "role"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(session, overrides, field):
    before = _user_count(session)
    with pytest.raises(FormErrors) as caught:
        people_service.create_person(session, form=_student_form(**overrides))
    assert field in caught.value.errors
    assert _user_count(session) == before


def test_every_problem_is_reported_at_once(session):
    form = _student_form(username="", full_name="", student_number="", password="x")
    with pytest.raises(FormErrors) as caught:
        people_service.create_person(session, form=form)
    assert {"username", "full_name", "student_number", "password"} <= set(caught.value.errors)


def test_duplicate_username_email_and_student_number_are_refused(session):
    make_student(session, username="wangfang", email="Wang@Example.com")
    other = make_student(session)
    number = session.get(StudentProfile, other.id).student_number
    form = _student_form(email="wang@example.com", student_number=number)
    with pytest.raises(FormErrors) as caught:
        people_service.create_person(session, form=form)
    assert {"username", "email", "student_number"} <= set(caught.value.errors)


def test_a_mentor_needs_an_enterprise_and_known_posts(session):
    post = _post(session, "anchor")
    values = {"role": "mentor", "username": "zhang", "full_name": "张总", "expertise": ["999"]}
    with pytest.raises(FormErrors) as caught:
        people_service.create_person(session, form=PersonForm.parse(values))
    assert {"enterprise", "expertise"} <= set(caught.value.errors)
    values.update(enterprise="温州直播电商产业园", expertise=[str(post.id)])
    user, _ = people_service.create_person(session, form=PersonForm.parse(values))
    rows = session.exec(select(MentorExpertise).where(MentorExpertise.mentor_id == user.id)).all()
    assert [row.post_id for row in rows] == [post.id]


def test_editing_a_mentor_replaces_their_expertise(session):
    first, second = _post(session, "anchor", 0), _post(session, "ops", 1)
    mentor = make_mentor(session)
    session.add(MentorExpertise(mentor_id=mentor.id, post_id=first.id))
    session.flush()
    values = people_service.person_form(people_service.get_person(session, user_id=mentor.id))
    values["expertise"] = [str(second.id)]
    people_service.update_person(session, user_id=mentor.id, form=PersonForm.parse(values))
    detail = people_service.get_person(session, user_id=mentor.id)
    assert [post.code for post in detail.expertise] == ["ops"]


def test_editing_keeps_username_and_role_and_allows_own_email(session):
    teacher = make_teacher(session, email="t@example.com")
    values = people_service.person_form(people_service.get_person(session, user_id=teacher.id))
    values.update(role="admin", username="someone-else", full_name="李老师")
    values.update(department="商学院", double_qualified="on")
    people_service.update_person(session, user_id=teacher.id, form=PersonForm.parse(values))
    session.refresh(teacher)
    assert (teacher.role, teacher.username, teacher.full_name) == (
        "teacher",
        teacher.username,
        "李老师",
    )
    profile = session.get(TeacherProfile, teacher.id)
    assert profile.department == "商学院" and profile.double_qualified


def test_disabling_ends_every_session_and_an_admin_cannot_disable_themselves(session):
    admin, student = make_admin(session), make_student(session)
    auth_service.start_session(session, user=student)
    auth_service.start_session(session, user=student)
    with pytest.raises(Invalid):
        people_service.set_user_active(session, actor_id=admin.id, user_id=admin.id, active=False)
    people_service.set_user_active(session, actor_id=admin.id, user_id=student.id, active=False)
    assert not student.is_active
    assert session.exec(select(UserSession).where(UserSession.user_id == student.id)).all() == []


def test_a_one_time_password_is_checked_or_generated(session):
    student = make_student(session)
    with pytest.raises(FormErrors) as caught:
        people_service.issue_one_time_password(session, user_id=student.id, password="short")
    assert "password" in caught.value.errors
    issued = people_service.issue_one_time_password(session, user_id=student.id)
    assert verify_password(issued, student.password_hash) and student.must_change_password


def test_people_search_matches_name_username_email_and_student_number(session):
    cohort = make_cohort(session)
    wang = make_student(session, full_name="王小明", email="xm@example.com", cohort=cohort)
    make_teacher(session, full_name="李老师", username="lilaoshi")
    number = session.get(StudentProfile, wang.id).student_number

    def names(**kwargs):
        page = people_service.list_people(session, **kwargs)
        return [row.user.full_name for row in page.items]

    assert names(q="小明") == ["王小明"]
    assert names(q="LILAO") == ["李老师"]
    assert names(q="XM@example") == ["王小明"]
    assert names(q=number) == ["王小明"]
    assert names(q="%") == []  # wildcards are searched for literally
    assert names(role="teacher") == ["李老师"]
    assert names(cohort_id=str(cohort.id)) == ["王小明"]


def test_people_list_is_paginated(session):
    for n in range(7):
        make_student(session, full_name=f"学生{n:02d}")
    page = people_service.list_people(session, role="student", page=2, per_page=5)
    assert (page.total, page.number, page.pages) == (7, 2, 2)
    assert [row.user.full_name for row in page.items] == ["学生05", "学生06"]
    last = people_service.list_people(session, role="student", page=9, per_page=5)
    assert last.number == 2 and len(last.items) == 2


def _cohort_form(**overrides) -> CohortForm:
    values = {"major": "网络营销与直播电商", "intake_year": "2024", "class_number": "3"}
    values.update(overrides)
    return CohortForm.parse(values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"major": ""}, "major"),
        ({"intake_year": "1999"}, "intake_year"),
        ({"intake_year": "2101"}, "intake_year"),
        ({"intake_year": "二〇二四"}, "intake_year"),
        ({"class_number": "0"}, "class_number"),
        ({"class_number": "100"}, "class_number"),
        ({"head_teacher_id": "12345"}, "head_teacher_id"),
    ],
)
def test_cohort_bad_input_is_a_field_error(session, overrides, field):
    with pytest.raises(FormErrors) as caught:
        cohort_service.create_cohort(session, form=_cohort_form(**overrides))
    assert field in caught.value.errors
    assert session.exec(select(Cohort)).first() is None


def test_a_cohort_is_unique_by_major_year_and_class_and_headed_by_a_teacher(session):
    teacher, student = make_teacher(session), make_student(session)
    cohort_service.create_cohort(session, form=_cohort_form(head_teacher_id=str(teacher.id)))
    with pytest.raises(FormErrors) as caught:
        cohort_service.create_cohort(session, form=_cohort_form(major=" 网络营销与直播电商 "))
    assert "class_number" in caught.value.errors
    with pytest.raises(FormErrors) as caught:
        cohort_service.create_cohort(
            session, form=_cohort_form(class_number="4", head_teacher_id=str(student.id))
        )
    assert "head_teacher_id" in caught.value.errors


def test_a_teacher_may_open_only_the_cohorts_they_head(session):
    mine, other = make_teacher(session), make_teacher(session)
    cohort = make_cohort(session, head_teacher_id=mine.id)
    make_cohort(session, head_teacher_id=other.id)
    assert cohort_service.get_cohort(session, cohort_id=cohort.id, viewer=mine).cohort == cohort
    with pytest.raises(Forbidden):
        cohort_service.get_cohort(session, cohort_id=cohort.id, viewer=other)
    listed = cohort_service.list_cohorts(session, viewer=mine)
    assert [row.cohort.id for row in listed.items] == [cohort.id]


def test_a_cohort_with_students_cannot_be_deleted(session):
    full, empty = make_cohort(session), make_cohort(session)
    make_student(session, cohort=full)
    with pytest.raises(Conflict):
        cohort_service.delete_cohort(session, cohort_id=full.id)
    cohort_service.delete_cohort(session, cohort_id=empty.id)
    assert session.get(Cohort, full.id) is not None
    assert session.get(Cohort, empty.id) is None

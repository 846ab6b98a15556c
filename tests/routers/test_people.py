"""The administrators' People pages, as an administrator and as everyone else."""

import re

import pytest
from sqlmodel import func, select

from app.models import StudentProfile, User, UserSession
from tests.factories import (
    make_admin,
    make_cohort,
    make_mentor,
    make_student,
    make_teacher,
)


@pytest.fixture
def admin(session, client):
    user = make_admin(session, full_name="管理员")
    session.commit()
    client.login(user.username)
    return user


def _reload(session, model, key):
    """Read what the app wrote, then end the read so the app can write again."""
    session.expire_all()
    row = session.get(model, key)
    session.commit()
    return row


def _user_count(session) -> int:
    count = session.exec(select(func.count()).select_from(User)).one()
    session.commit()
    return count


def _new_student(**overrides) -> dict:
    data = {
        "role": "student",
        "username": "wangfang",
        "full_name": "王芳",
        "student_number": "2024010101",
    }
    data.update(overrides)
    return data


def test_people_are_found_by_search_role_and_cohort(client, session, admin):
    cohort = make_cohort(session)
    make_student(session, full_name="王小明", cohort=cohort)
    make_student(session, full_name="赵小红")
    make_teacher(session, full_name="李老师", email="li@example.com")
    session.commit()
    assert "王小明" in client.get("/people?q=小明").text
    assert "赵小红" not in client.get("/people?q=小明").text
    by_email = client.get("/people?q=LI@EXAMPLE").text
    assert "李老师" in by_email and "王小明" not in by_email
    teachers = client.get("/people?role=teacher").text
    assert "李老师" in teachers and "王小明" not in teachers
    in_cohort = client.get(f"/people?cohort={cohort.id}").text
    assert "王小明" in in_cohort and "赵小红" not in in_cohort


def test_the_list_is_paginated_and_keeps_the_filters(client, session, admin):
    for n in range(7):
        make_student(session, full_name=f"学生{n:02d}")
    session.commit()
    first = client.get("/people?role=student&per_page=5").text
    assert "学生00" in first and "学生05" not in first
    assert "/people?role=student&amp;per_page=5&amp;page=2" in first
    second = client.get("/people?role=student&per_page=5&page=2").text
    assert "学生05" in second and "学生06" in second and "学生00" not in second


def test_an_empty_search_says_what_to_do_next(client, session, admin):
    page = client.get("/people?q=nobody-like-this")
    assert page.status_code == 200
    assert "No one matches this search." in page.text or "没有找到" in page.text
    assert 'href="/people/new"' in page.text


def test_htmx_search_returns_only_the_results(client, session, admin):
    response = client.get("/people?q=管理", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="people-results">')
    assert "管理员" in response.text


def test_creating_a_student_shows_the_one_time_password_once(client, session, admin):
    cohort = make_cohort(session)
    session.commit()
    response = client.post_form("/people/new", _new_student(cohort_id=str(cohort.id)))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    password = re.search(r'<code class="secret">([^<]+)</code>', response.text).group(1)
    user = session.exec(select(User).where(User.username == "wangfang")).one()
    session.commit()
    assert user.must_change_password
    assert _reload(session, StudentProfile, user.id).cohort_id == cohort.id
    assert password not in client.get(f"/people/{user.id}").text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "Bad Name"}, "username"),
        ({"full_name": ""}, "full_name"),
        ({"email": "nope"}, "email"),
        ({"password": "short"}, "password"),
        ({"student_number": ""}, "student_number"),
        ({"cohort_id": "424242"}, "cohort_id"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_writes_nothing(
    client, session, admin, overrides, field
):
    before = _user_count(session)
    response = client.post_form("/people/new", _new_student(**overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert "<html" in response.text  # a plain POST re-renders the whole page
    assert _user_count(session) == before


def test_htmx_gets_only_the_form_back_on_error(client, session, admin):
    response = client.post_form(
        "/people/new", _new_student(full_name=""), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="person-form"')
    assert 'id="full_name-error"' in response.text


def test_duplicates_are_refused_beside_their_fields(client, session, admin):
    taken = make_student(session, username="wangfang", email="wf@example.com")
    number = session.get(StudentProfile, taken.id).student_number
    session.commit()
    before = _user_count(session)
    response = client.post_form(
        "/people/new", _new_student(email="WF@example.com", student_number=number)
    )
    assert response.status_code == 422
    for field in ("username", "email", "student_number"):
        assert f'id="{field}-error"' in response.text
    assert _user_count(session) == before


def test_a_mentor_and_a_teacher_get_their_profiles(client, session, admin):
    response = client.post_form(
        "/people/new",
        {"role": "mentor", "username": "zhang", "full_name": "张总", "enterprise": "某传媒公司"},
    )
    assert response.status_code == 200
    response = client.post_form(
        "/people/new",
        {"role": "teacher", "username": "liu", "full_name": "刘老师", "double_qualified": "1"},
    )
    assert response.status_code == 200
    mentor = session.exec(select(User).where(User.username == "zhang")).one()
    session.commit()
    assert "某传媒公司" in client.get(f"/people/{mentor.id}").text


def test_editing_changes_the_profile_but_not_the_role(client, session, admin):
    student = make_student(session)
    session.commit()
    response = client.post_form(
        f"/people/{student.id}/edit",
        {"role": "admin", "full_name": "新名字", "student_number": "X-1", "phone": "13900000000"},
    )
    assert response.status_code == 303
    user = _reload(session, User, student.id)
    assert (user.full_name, user.role) == ("新名字", "student")
    assert _reload(session, StudentProfile, student.id).student_number == "X-1"
    bad = client.post_form(f"/people/{student.id}/edit", {"full_name": "x", "student_number": ""})
    assert bad.status_code == 422 and 'id="student_number-error"' in bad.text


def test_disabling_ends_the_sessions_and_the_next_request_goes_to_login(
    client, other_client, session, admin
):
    student = make_student(session)
    session.commit()
    other_client.login(student.username)
    assert other_client.get("/").status_code == 200
    response = client.post_form(f"/people/{student.id}/disable")
    assert response.status_code == 303
    after = other_client.get("/", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")
    assert not _reload(session, User, student.id).is_active
    assert session.exec(select(UserSession).where(UserSession.user_id == student.id)).all() == []
    session.commit()
    assert client.post_form(f"/people/{student.id}/enable").status_code == 303
    assert _reload(session, User, student.id).is_active


def test_an_admin_cannot_disable_themselves(client, session, admin):
    response = client.post_form(f"/people/{admin.id}/disable")
    assert response.status_code == 422
    assert "cannot disable your own account" in response.text or "不能停用" in response.text
    assert _reload(session, User, admin.id).is_active
    assert client.get("/people").status_code == 200


def test_ending_all_sessions_logs_the_person_out(client, other_client, session, admin):
    teacher = make_teacher(session)
    session.commit()
    other_client.login(teacher.username)
    assert client.post_form(f"/people/{teacher.id}/end-sessions").status_code == 303
    assert other_client.get("/", follow_redirects=False).status_code == 303
    assert _reload(session, User, teacher.id).is_active


def test_a_one_time_password_forces_a_change_at_the_next_login(
    client, other_client, session, admin
):
    student = make_student(session)
    session.commit()
    bad = client.post_form(f"/people/{student.id}/password", {"password": "short"})
    assert bad.status_code == 422 and 'id="password-error"' in bad.text
    response = client.post_form(f"/people/{student.id}/password", {"password": "temp-pass-42"})
    assert response.status_code == 200 and "temp-pass-42" in response.text
    other_client.login(student.username, password="temp-pass-42")
    forced = other_client.get("/", follow_redirects=False)
    assert forced.status_code == 303 and forced.headers["location"] == "/account/password"


def test_the_detail_page_shows_profile_and_open_sessions(client, other_client, session, admin):
    cohort = make_cohort(session)
    student = make_student(session, cohort=cohort, full_name="陈同学")
    session.commit()
    other_client.login(student.username)
    page = client.get(f"/people/{student.id}").text
    assert "陈同学" in page and cohort.label("zh_CN") in page
    assert re.search(r"<dd>1</dd>", page)
    assert client.get("/people/987654").status_code == 404


def test_the_people_list_issues_the_same_number_of_statements_for_5_or_40_people(
    client, session, admin, statement_counter
):
    cohort = make_cohort(session)
    for n in range(4):
        make_student(session, cohort=cohort, full_name=f"甲{n}")
    session.commit()
    with statement_counter() as few:
        assert client.get("/people?per_page=50").status_code == 200
    for n in range(35):
        maker = (make_student, make_teacher, make_mentor)[n % 3]
        maker(session, **({"cohort": cohort} if maker is make_student else {}))
    session.commit()
    with statement_counter() as many:
        page = client.get("/people?per_page=50")
    assert page.status_code == 200 and page.text.count('href="/people/') >= 40
    assert len(many) == len(few)


@pytest.mark.parametrize("maker", [make_student, make_teacher, make_mentor])
def test_other_roles_get_403_on_every_people_page(client, session, maker):
    user = maker(session)
    target = make_student(session)
    session.commit()
    client.login(user.username)
    for url in ("/people", "/people/new", f"/people/{target.id}", f"/people/{target.id}/edit"):
        assert client.get(url).status_code == 403, url
    for url in ("/new", "/{}/disable", "/{}/end-sessions", "/{}/password", "/{}/edit"):
        response = client.post_form("/people" + url.format(target.id), _new_student())
        assert response.status_code == 403, url
    assert _reload(session, User, target.id).is_active


def test_odd_input_is_a_4xx_or_cleaned_never_a_500(client, session, admin):
    for url in ("/people/99999999999999999999", "/people/0", "/cohorts/99999999999"):
        assert client.get(url).status_code == 404, url  # an id past any row: no such page
    assert client.get("/people?cohort=99999999999&q=a%00b").status_code == 200
    long_email = "a" * 250 + "@x.cn"
    response = client.post_form("/people/new", _new_student(email=long_email))
    assert response.status_code == 422 and 'id="email-error"' in response.text
    too_long = client.post_form("/people/new", _new_student(full_name="名" * 2000))
    assert too_long.status_code == 422
    response = client.post_form("/people/new", _new_student(full_name="王\x00芳"))
    assert response.status_code == 422 and 'id="full_name-error"' in response.text
    assert session.exec(select(User).where(User.username == "wangfang")).first() is None

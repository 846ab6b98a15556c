from datetime import timedelta

from sqlmodel import select

from app.config import settings
from app.models import User, UserSession
from app.services.accounts import auth as auth_service
from tests.factories import (
    TEST_PASSWORD,
    make_admin,
    make_cohort,
    make_mentor,
    make_student,
    make_teacher,
)


def test_a_one_time_password_must_be_changed_before_anything_else(client, session):
    user = make_student(session, must_change_password=True)
    session.commit()
    client.login(user.username)
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/password"
    changed = client.post_form(
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "brand-new-pass",
            "confirm_password": "brand-new-pass",
        },
    )
    assert changed.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200
    client.login(user.username, "brand-new-pass")


def test_password_change_errors_sit_beside_their_fields(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    response = client.post_form(
        "/account/password",
        {"current_password": "wrong", "new_password": "short", "confirm_password": "other"},
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.text
    assert 'id="new_password-error"' in response.text
    assert 'id="confirm_password-error"' in response.text
    session.expire_all()
    assert session.get(User, user.id).password_hash == user.password_hash


def test_changing_the_password_ends_the_other_sessions(client, other_client, session):
    user = make_student(session)
    session.commit()
    other_client.login(user.username)
    client.login(user.username)
    client.post_form(
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "another-pass-1",
            "confirm_password": "another-pass-1",
        },
    )
    assert client.get("/", follow_redirects=False).status_code == 200
    assert other_client.get("/", follow_redirects=False).status_code == 303


def test_admin_one_time_password_ends_sessions_and_forces_a_change(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    auth_service.set_one_time_password(
        session, user=session.get(User, user.id), password="temp-pass-99"
    )
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303  # session ended
    client.login(user.username, "temp-pass-99")
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password"


def test_language_switch_is_remembered_for_the_user(client, other_client, session):
    user = make_teacher(session)
    session.commit()
    client.login(user.username)
    assert "工作台" in client.get("/").text
    client.post_form("/language", {"locale": "en", "next": "/"})
    assert "Cohorts you head" in client.get("/").text
    other_client.login(user.username)  # a new browser: the choice follows the user
    assert "Cohorts you head" in other_client.get("/").text
    client.post_form("/language", {"locale": "zh_CN", "next": "/"})
    assert "您担任班主任的班级" in client.get("/").text


def test_language_switch_works_before_login(client, database_url):
    client.refresh_csrf("/login")
    client.post_form("/language", {"locale": "en", "next": "/login"})
    assert "Log in to Chanjiao" in client.get("/login").text


def test_idle_sessions_expire(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    row = session.exec(select(UserSession)).one()
    row.last_seen_at = row.last_seen_at - timedelta(hours=3)
    session.add(row)
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sessions_expire_after_the_absolute_limit_even_when_active(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    row = session.exec(select(UserSession)).one()
    row.created_at = row.created_at - timedelta(hours=13)
    session.add(row)
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_logged_out_at_once(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    db_user = session.get(User, user.id)
    db_user.is_active = False
    session.add(db_user)
    session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_each_role_sees_its_own_dashboard_with_real_data(client, session):
    teacher = make_teacher(session, full_name="周老师")
    cohort = make_cohort(session, head_teacher_id=teacher.id, intake_year=2025)
    student = make_student(session, cohort=cohort)
    make_student(session, cohort=cohort)
    admin = make_admin(session)
    mentor = make_mentor(session)
    session.commit()

    client.login(admin.username)
    page = client.get("/").text
    assert "2025级" in page and "系统管理" in page
    client.login(teacher.username)
    assert "2025级" in client.get("/").text
    client.login(student.username)
    page = client.get("/").text
    assert cohort.label("zh_CN") in page and f"S{student.id:08d}" in page
    client.login(mentor.username)
    assert "温州直播电商产业园" in client.get("/").text


def test_dashboard_sql_statements_do_not_grow_with_data(
    client, session, statement_counter, monkeypatch
):
    monkeypatch.setattr(settings, "dashboard_cache_seconds", 0)  # count on every visit
    admin = make_admin(session)
    teacher = make_teacher(session)
    cohort = make_cohort(session, head_teacher_id=teacher.id)
    session.commit()
    client.login(admin.username)
    client.get("/")
    with statement_counter() as small:
        assert client.get("/").status_code == 200
    for _ in range(30):
        make_student(session, cohort=cohort)
    for n in range(8):
        make_cohort(session, intake_year=2026, class_number=1 + n, head_teacher_id=teacher.id)
    session.commit()
    with statement_counter() as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 10


def test_htmx_password_form_errors_come_back_as_the_form_block(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    response = client.post_form(
        "/account/password",
        {"current_password": "wrong", "new_password": "x", "confirm_password": "y"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<form")
    assert 'name="csrf_token" value="' + client.csrf + '"' in response.text


def test_plain_login_form_carries_the_csrf_token(client, database_url):
    page = client.get("/login").text
    assert 'name="csrf_token" value=""' not in page
    assert 'name="csrf_token" value="' in page


def test_flash_messages_are_in_the_users_language(client, session):
    user = make_student(session, locale="en")
    session.commit()
    client.login(user.username)
    client.post_form(
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "brand-new-pass",
            "confirm_password": "brand-new-pass",
        },
    )
    assert "Your password has been changed." in client.get("/").text


def test_teacher_dashboard_lists_own_courses_with_hour_mismatch(client, session):
    from tests.factories_curriculum import make_course, make_module

    teacher = make_teacher(session)
    course = make_course(
        session, owners=[teacher], code="LS101", theory_hours=16, practice_hours=16
    )
    make_module(session, course=course, hours=24)
    session.commit()
    client.login(teacher.username)
    page = client.get("/").text
    assert "LS101" in page
    assert "模块学时相差 8" in page or "differ by 8" in page


def test_mentor_and_student_dashboards_show_only_their_own_teams(client, session):
    from tests.factories_teams import make_paired_world

    world = make_paired_world(session)
    session.commit()
    client.login(world["mentor_a"].username)
    page = client.get("/").text
    assert world["team_a"].name in page and world["team_b"].name not in page
    client.login(world["student_b"].username)
    page = client.get("/").text
    assert world["team_b"].name in page and world["team_a"].name not in page

"""The course list (each page of results) and a course's page are kept per worker until a
course, its owners or modules, the catalogue or a teacher's name changes: a second visit
reads no course, any committed change shows at once, and a computed page costs the same
statements for ten times the data."""

import re

from sqlalchemy import update

from app.models import User
from app.models.curriculum import CourseModule
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import make_course, make_module

READS_COURSES = "FROM course"


def test_a_second_visit_is_kept_and_changes_on_another_connection_show_at_once(
    client, session, statement_counter
):
    teacher = make_teacher(session, full_name="陈老师")
    course = make_course(
        session, owners=[teacher], code="KEPT101", theory_hours=16, practice_hours=0
    )
    module = make_module(session, course=course, hours=16)
    student = make_student(session)
    session.commit()
    client.login(student.username)
    assert client.get("/courses").status_code == 200
    with statement_counter() as second:
        page = client.get("/courses").text
    assert not any(READS_COURSES in s for s in second), "the second visit read the courses"
    assert "陈老师" in page and "badge-warn" not in page

    make_course(session, code="KEPT202")
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert "KEPT202" in client.get("/courses").text

    user = session.get(User, teacher.id)
    user.full_name = "陈明老师"
    session.add(user)
    session.commit()
    assert "陈明老师" in client.get("/courses").text

    session.exec(update(CourseModule).where(CourseModule.id == module.id).values(hours=10))
    session.commit()
    assert "badge-warn" in client.get("/courses").text  # module hours now differ


def test_the_empty_state_still_depends_on_who_reads(client, other_client, session):
    teacher, student = make_teacher(session), make_student(session)
    session.commit()
    client.login(teacher.username)
    other_client.login(student.username)
    assert 'href="/courses/new"' in client.get("/courses").text
    assert 'href="/courses/new"' not in other_client.get("/courses").text


def test_a_computed_list_costs_the_same_statements_for_ten_times_the_courses(
    client, session, statement_counter
):
    teacher = make_teacher(session)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/")
    counts = []
    for courses in (3, 30):
        for _ in range(courses):
            course = make_course(session, owners=[teacher])
            make_module(session, course=course)
        session.commit()  # a change: the next visit computes
        with statement_counter() as statements:
            assert client.get("/courses").status_code == 200
        assert any(READS_COURSES in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_course_page_is_kept_and_a_module_change_shows_at_once(
    client, other_client, session, statement_counter
):
    owner, other = make_teacher(session), make_teacher(session)
    course = make_course(session, owners=[owner])
    module = make_module(session, course=course, title_zh="直播开场")
    make_module(session, course=course, title_zh="直播收尾")
    session.commit()
    client.login(owner.username)
    other_client.login(other.username)
    url = f"/courses/{course.id}"
    assert client.get(url).status_code == 200
    with statement_counter() as second:
        page = client.get(url).text
    assert not any("FROM course_module" in s for s in second), "the second visit computed again"
    # the owner's rows have buttons for the page's one token-carrying form; no token in rows
    assert 'form="module-actions"' in page and '<form id="module-actions"' in page
    rows = page.split('<ol class="module-list">')[1].split("</ol>")[0]
    assert "csrf_token" not in rows
    read = other_client.get(url).text  # another teacher only reads, after the owner's visit
    assert "直播开场" in read and 'form="module-actions"' not in read and "/move" not in read

    changed = session.get(CourseModule, module.id)
    changed.title_zh = "直播暖场"
    session.add(changed)
    session.commit()  # another connection
    assert "直播暖场" in other_client.get(url).text and "直播暖场" in client.get(url).text


def test_the_rows_buttons_post_the_shared_form_without_javascript(client, session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner])
    first = make_module(session, course=course, title_zh="第一")
    make_module(session, course=course, title_zh="第二")
    session.commit()
    client.login(owner.username)
    page = client.get(f"/courses/{course.id}").text
    move = (
        f'formaction="/courses/{course.id}/modules/{first.id}/move" name="direction" value="down"'
    )
    assert move in page
    delete = re.search(
        rf'<button[^>]*formaction="/courses/{course.id}/modules/{first.id}/delete"[^>]*>', page
    )
    assert "data-confirm=" in delete.group(0) and "hx-confirm=" in delete.group(0)
    moved = client.post_form(f"/courses/{course.id}/modules/{first.id}/move", {"direction": "down"})
    assert moved.status_code == 303
    page = client.get(f"/courses/{course.id}").text
    assert page.index("第二") < page.index("第一")


def test_a_computed_course_page_costs_the_same_statements_for_ten_times_the_modules(
    client, session, statement_counter
):
    owner = make_teacher(session)
    session.commit()
    client.login(owner.username)
    client.get("/")
    counts = []
    for modules in (3, 30):
        course = make_course(session, owners=[owner])
        for _ in range(modules):
            make_module(session, course=course)
        session.commit()
        with statement_counter() as statements:
            assert client.get(f"/courses/{course.id}").status_code == 200
        assert any("FROM course_module" in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_a_renamed_teacher_login_shows_at_once_in_the_owner_picker(client, session):
    admin, teacher = make_admin(session), make_teacher(session, username="chen-old")
    course = make_course(session)
    session.commit()
    client.login(admin.username)
    assert "(chen-old)" in client.get(f"/courses/{course.id}").text
    user = session.get(User, teacher.id)
    user.username = "chen-new"  # through the ORM: only the tracked fields renew the token
    session.add(user)
    session.commit()
    page = client.get(f"/courses/{course.id}").text
    assert "(chen-new)" in page and "(chen-old)" not in page

"""The course list keeps each page of results per worker until a course, its owners or
modules, the catalogue or a teacher's name changes: a second visit reads no course, any
committed change shows at once, and a computed page costs the same statements for ten
times the courses."""

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

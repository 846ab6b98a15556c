"""The people and cohort lists are kept per worker until a listed account field, a
profile or a cohort changes: a second visit reads no account, any committed change shows
at once, a teacher's cohort list stays their own, and a computed cohort list costs the
same statements for ten times the cohorts (the people list's is in test_people.py)."""

from sqlalchemy import update

from app.models import Cohort, StudentProfile, User
from tests.factories import make_admin, make_cohort, make_student, make_teacher

READS_PEOPLE = "FROM user_account LEFT OUTER JOIN student_profile"
READS_COHORTS = "FROM cohort"


def _second_visit(client, url: str, statement_counter, marker: str) -> str:
    assert client.get(url).status_code == 200
    with statement_counter() as second:
        page = client.get(url)
    assert not any(marker in s for s in second), "the second visit read the list again"
    return page.text


def test_the_people_list_is_kept_and_changes_show_at_once(client, session, statement_counter):
    admin = make_admin(session)
    cohort = make_cohort(session)
    student = make_student(session, cohort=cohort, full_name="王小明")
    session.commit()
    client.login(admin.username)
    page = _second_visit(client, "/people", statement_counter, READS_PEOPLE)
    assert "王小明" in page

    user = session.get(User, student.id)
    user.full_name = "王晓明"
    session.add(user)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert "王晓明" in client.get("/people").text

    session.exec(update(User).where(User.id == student.id).values(is_active=False))
    session.commit()
    assert "badge-err" in client.get("/people?q=王晓明").text  # disabled

    make_student(session, cohort=cohort, full_name="李新生")
    session.commit()
    assert "李新生" in client.get("/people").text

    profile = session.get(StudentProfile, student.id)
    profile.student_number = "S-KEPT-77"
    session.add(profile)
    session.commit()
    assert "S-KEPT-77" in client.get("/people").text


def test_the_cohort_list_is_kept_and_a_new_student_changes_its_size(
    client, other_client, session, statement_counter
):
    admin, head = make_admin(session), make_teacher(session)
    mine = make_cohort(session, head_teacher_id=head.id, class_number=7)
    make_cohort(session, class_number=8)
    session.commit()
    client.login(admin.username)
    other_client.login(head.username)
    page = _second_visit(client, "/cohorts", statement_counter, READS_COHORTS)
    assert "7班" in page and "8班" in page
    own = _second_visit(other_client, "/cohorts", statement_counter, READS_COHORTS)
    assert "7班" in own and "8班" not in own  # kept per teacher, never the admin's page

    make_student(session, cohort=session.get(Cohort, mine.id))
    session.commit()
    assert "<td>1</td>" in other_client.get("/cohorts").text


def test_a_computed_cohort_list_costs_the_same_statements_for_ten_times_the_cohorts(
    client, session, statement_counter
):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/")
    counts = []
    for cohorts in (2, 20):
        for _ in range(cohorts):
            make_student(session, cohort=make_cohort(session, intake_year=2020 + cohorts))
        session.commit()  # a change: the next visit computes
        with statement_counter() as statements:
            assert client.get("/cohorts?per_page=50").status_code == 200
        assert any(READS_COHORTS in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

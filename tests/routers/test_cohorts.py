"""Cohort pages: administrators change them; a teacher sees only the cohorts they head."""

import pytest
from sqlmodel import func, select

from app.models import Cohort
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher

FORM = {"major": "网络营销与直播电商", "intake_year": "2024", "class_number": "7"}


def _cohort_count(session) -> int:
    count = session.exec(select(func.count()).select_from(Cohort)).one()
    session.commit()
    return count


def _reload(session, cohort_id):
    session.expire_all()
    cohort = session.get(Cohort, cohort_id)
    session.commit()
    return cohort


@pytest.fixture
def admin(session, client):
    user = make_admin(session)
    session.commit()
    client.login(user.username)
    return user


def test_an_admin_creates_a_cohort_with_a_head_teacher(client, session, admin):
    teacher = make_teacher(session, full_name="周老师")
    session.commit()
    assert "周老师" in client.get("/cohorts/new").text
    response = client.post_form("/cohorts/new", {**FORM, "head_teacher_id": str(teacher.id)})
    assert response.status_code == 303
    cohort = session.exec(select(Cohort)).one()
    session.commit()
    assert response.headers["location"] == f"/cohorts/{cohort.id}"
    assert cohort.head_teacher_id == teacher.id
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "网络营销与直播电商 2024级 7班" in page and "周老师" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"major": ""}, "major"),
        ({"intake_year": "1999"}, "intake_year"),
        ({"intake_year": "abc"}, "intake_year"),
        ({"class_number": "100"}, "class_number"),
        ({"head_teacher_id": "31337"}, "head_teacher_id"),
    ],
)
def test_bad_cohort_input_is_shown_beside_the_field(client, session, admin, overrides, field):
    response = client.post_form("/cohorts/new", {**FORM, **overrides})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert _cohort_count(session) == 0


def test_a_duplicate_cohort_gets_a_clear_field_error(client, session, admin):
    existing = make_cohort(session, class_number=7)
    other = make_cohort(session, class_number=8)
    session.commit()
    response = client.post_form("/cohorts/new", FORM)
    assert response.status_code == 422
    assert 'id="class_number-error"' in response.text
    assert "already exists" in response.text or "已存在" in response.text
    edit = client.post_form(f"/cohorts/{other.id}/edit", FORM, headers={"HX-Request": "true"})
    assert edit.status_code == 422 and edit.text.lstrip().startswith('<form id="cohort-form"')
    assert _reload(session, other.id).class_number == 8
    assert _reload(session, existing.id) is not None


def test_an_admin_edits_a_cohort(client, session, admin):
    cohort = make_cohort(session)
    session.commit()
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 200
    response = client.post_form(f"/cohorts/{cohort.id}/edit", {**FORM, "class_number": "12"})
    assert response.status_code == 303
    assert _reload(session, cohort.id).class_number == 12


def test_the_cohort_page_lists_its_students_page_by_page(client, session, admin):
    cohort = make_cohort(session)
    for n in range(6):
        make_student(session, cohort=cohort, full_name=f"同学{n}")
    make_student(session, full_name="别班同学")
    session.commit()
    first = client.get(f"/cohorts/{cohort.id}?per_page=5").text
    assert "同学0" in first and "同学5" not in first and "别班同学" not in first
    assert f"/cohorts/{cohort.id}?per_page=5&amp;page=2" in first
    assert "同学5" in client.get(f"/cohorts/{cohort.id}?per_page=5&page=2").text


def test_a_cohort_with_students_is_not_deleted(client, session, admin):
    cohort = make_cohort(session)
    make_student(session, cohort=cohort)
    session.commit()
    response = client.post_form(f"/cohorts/{cohort.id}/delete")
    assert response.status_code == 409
    assert "Move them to another cohort" in response.text or "转到其他班级" in response.text
    assert _reload(session, cohort.id) is not None


def test_an_empty_cohort_is_deleted(client, session, admin):
    cohort = make_cohort(session)
    session.commit()
    page = client.get(f"/cohorts/{cohort.id}").text
    assert 'hx-confirm="' in page and 'data-confirm="' in page
    response = client.post_form(f"/cohorts/{cohort.id}/delete")
    assert response.status_code == 303 and response.headers["location"] == "/cohorts"
    assert _reload(session, cohort.id) is None


def test_a_teacher_sees_only_the_cohorts_they_head(client, session):
    teacher, other = make_teacher(session), make_teacher(session)
    mine = make_cohort(session, head_teacher_id=teacher.id, class_number=31)
    theirs = make_cohort(session, head_teacher_id=other.id, class_number=32)
    make_student(session, cohort=mine, full_name="我的学生")
    session.commit()
    client.login(teacher.username)
    listing = client.get("/cohorts").text
    assert mine.label("zh_CN") in listing and theirs.label("zh_CN") not in listing
    own = client.get(f"/cohorts/{mine.id}")
    assert own.status_code == 200 and "我的学生" in own.text
    assert 'action="/cohorts/' not in own.text  # no edit or delete forms for teachers
    assert client.get(f"/cohorts/{theirs.id}").status_code == 403
    assert client.get("/cohorts/424242").status_code == 404


def test_a_teacher_cannot_change_cohorts(client, session):
    teacher = make_teacher(session)
    cohort = make_cohort(session, head_teacher_id=teacher.id)
    session.commit()
    client.login(teacher.username)
    assert client.get("/cohorts/new").status_code == 403
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 403
    assert client.post_form("/cohorts/new", FORM).status_code == 403
    assert client.post_form(f"/cohorts/{cohort.id}/edit", FORM).status_code == 403
    assert client.post_form(f"/cohorts/{cohort.id}/delete").status_code == 403
    assert _reload(session, cohort.id) is not None


@pytest.mark.parametrize("maker", [make_student, make_mentor])
def test_students_and_mentors_get_403_on_cohort_pages(client, session, maker):
    cohort = make_cohort(session)
    user = maker(session, **({"cohort": cohort} if maker is make_student else {}))
    session.commit()
    client.login(user.username)
    for url in ("/cohorts", f"/cohorts/{cohort.id}", "/cohorts/new"):
        assert client.get(url).status_code == 403, url
    assert client.post_form(f"/cohorts/{cohort.id}/delete").status_code == 403
    assert _cohort_count(session) == 1

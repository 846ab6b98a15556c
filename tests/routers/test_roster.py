import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from app.models import RosterImport, StudentProfile, User
from app.services.roster import imports as roster_service
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher
from tests.roster_fixtures import HEADER_EN, cohort_label, csv_bytes, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_client(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.post_form("/language", {"locale": "en", "next": "/"})  # assertions read English
    return client


@pytest.fixture
def cohort(session):
    cohort = make_cohort(session, major="网络营销与直播电商", intake_year=2024, class_number=1)
    session.commit()
    return cohort


def _upload(client, content, filename="roster.csv", content_type="text/csv", **data):
    return client.post(
        "/roster",
        data={"csrf_token": client.csrf, **data},
        files={"file": (filename, content, content_type)},
        follow_redirects=False,
    )


def _preview_url(response) -> str:
    assert response.status_code == 303, response.text[:800]
    location = response.headers["location"]
    assert re.fullmatch(r"/roster/imports/\d+", location)
    return location


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _passwords(html: str) -> dict[str, str]:
    """username → one-time password, read from the printable page."""
    pairs = re.findall(r'<td class="mono">([^<]+)</td>\s*<td class="mono otp">([^<]+)</td>', html)
    return dict(pairs)


# --- access ---------------------------------------------------------------------------


def test_only_administrators_reach_the_roster_pages(client, session, cohort):
    admin = make_admin(session)
    record = roster_service.create_import(
        session,
        actor_id=admin.id,
        filename="r.csv",
        content=csv_bytes([["1", "王", cohort_label(cohort)]]),
    )
    users = [make_teacher(session), make_student(session), make_mentor(session)]
    session.commit()
    preview = f"/roster/imports/{record.id}"
    for user in users:
        client.login(user.username)
        for url in ("/roster", "/roster/template.csv", "/roster/template.xlsx", preview):
            assert client.get(url, follow_redirects=False).status_code == 403, url
        assert _upload(client, csv_bytes([["2", "李", cohort_label(cohort)]])).status_code == 403
        for action in ("/commit", "/discard"):
            assert client.post_form(preview + action).status_code == 403, action
    assert _count(session, RosterImport) == 1
    assert _count(session, User) == 4
    session.expire_all()
    assert session.get(RosterImport, record.id).status == "preview"


def test_anonymous_visitors_are_sent_to_login(client, database_url):
    response = client.get("/roster", follow_redirects=False)
    assert response.headers["location"].startswith("/login?next=")


def test_the_page_says_what_to_do_when_nothing_was_uploaded(admin_client):
    page = admin_client.get("/roster")
    assert page.status_code == 200
    assert "Download a template" in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="csrf_token"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text


# --- templates ------------------------------------------------------------------------


def test_the_csv_template_is_utf8_with_bom(admin_client):
    response = admin_client.get("/roster/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "学号,姓名,班级,邮箱,手机" and len(lines) == 2


def test_the_xlsx_template_has_a_header_and_an_example_row(admin_client):
    response = admin_client.get("/roster/template.xlsx")
    assert response.headers["content-type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("学号", "姓名", "班级", "邮箱", "手机")
    assert rows[1][1] == "张三"


def test_the_filled_in_template_imports(admin_client, cohort, session):
    content = admin_client.get("/roster/template.xlsx").content
    url = _preview_url(_upload(admin_client, content, "template.xlsx", XLSX_TYPE))
    assert "Every row is ready to import (1 in all)." in admin_client.get(url).text


# --- previews with problems -----------------------------------------------------------


def test_the_preview_lists_every_row_with_its_problems_and_nothing_is_written(
    admin_client, cohort, session
):
    existing = make_student(session, cohort=cohort, email="taken@example.com")
    session.commit()
    number = session.get(StudentProfile, existing.id).student_number
    label = cohort_label(cohort)
    rows = [
        ["2024001", "好学生", label, "ok@example.com", "13800138000"],
        ["2024002", "甲", label, "", ""],
        ["2024002", "乙", label, "", ""],
        [number, "丙", label, "", ""],
        ["2024003", "丁", "网络营销与直播电商 2031级 7班", "", ""],
        ["2024004", "", label, "", ""],
        ["2024005", "戊", label, "bad-email", ""],
        ["2024006", "己", label, "TAKEN@example.com", ""],
        ["2024007", "庚", label, "", "phone?"],
    ]
    before = _count(session, User)
    response = _upload(admin_client, csv_bytes(rows, header=HEADER_EN))
    page = admin_client.get(_preview_url(response))
    html = page.text
    assert page.status_code == 200
    for line in range(2, 11):
        assert f'id="line-{line}"' in html
    assert html.count('class="row-error"') == 8
    assert "The same student number is on rows 3, 4." in html
    assert "already in the system" in html
    assert "There is no cohort 网络营销与直播电商 2031级 7班" in html
    assert "Enter the person&#39;s name." in html
    assert "Enter a valid email address" in html
    assert "Another account uses this email." in html
    assert "Enter a phone number" in html
    assert "Rows with problems: 8 of 9." in html
    assert "/commit" not in html  # no import button while rows are bad

    commit = admin_client.post_form(response.headers["location"] + "/commit")
    assert commit.status_code == 422
    assert "Nothing was imported" in commit.text
    assert _count(session, User) == before
    assert _count(session, StudentProfile) == 1


def test_a_student_added_after_the_preview_makes_the_commit_refuse_everything(
    admin_client, cohort, session
):
    label = cohort_label(cohort)
    url = _preview_url(
        _upload(admin_client, csv_bytes([["7001", "甲", label], ["7002", "乙", label]]))
    )
    assert "/commit" in admin_client.get(url).text
    other = make_student(session, cohort=cohort)  # another administrator was quicker
    session.get(StudentProfile, other.id).student_number = "7002"
    session.commit()
    before = _count(session, User)
    response = admin_client.post_form(url + "/commit")
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert _count(session, User) == before
    assert session.exec(select(User).where(User.username == "7001")).first() is None
    session.expire_all()
    assert session.exec(select(RosterImport)).one().status == "preview"


# --- successful imports ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_roster_imports_and_names_are_stored_exactly(encoding, admin_client, cohort, session):
    names = ["王小明", "欧阳䶮", "𠮷田"]
    label = cohort_label(cohort)
    rows = [[f"2024{i:03d}", name, label, "", ""] for i, name in enumerate(names)]
    if encoding == "gb18030":
        rows[0][3] = "wang@example.com"
    content = csv_bytes(rows, encoding=encoding)
    url = _preview_url(_upload(admin_client, content, "名单.csv"))
    preview = admin_client.get(url)
    for name in names:
        assert name in preview.text
    response = admin_client.post_form(url + "/commit")
    assert response.status_code == 200, response.text[:800]
    assert response.headers["cache-control"] == "no-store"
    stored = session.exec(select(User.full_name).where(User.role == "student")).all()
    assert sorted(stored) == sorted(names)
    passwords = _passwords(response.text)
    assert set(passwords) == {"2024000", "2024001", "2024002"}
    assert "@media print" in admin_client.get("/static/css/app.css").text


@pytest.mark.parametrize("filename", ["roster.xlsx", "renamed.csv"])
def test_an_xlsx_roster_imports(filename, admin_client, cohort, session):
    content = xlsx_bytes([[2024101, "赵六", cohort_label(cohort), None, 13800138000]])
    url = _preview_url(_upload(admin_client, content, filename, XLSX_TYPE))
    response = admin_client.post_form(url + "/commit")
    assert response.status_code == 200
    profile = session.exec(select(StudentProfile)).one()
    assert (profile.student_number, profile.phone, profile.cohort_id) == (
        "2024101",
        "13800138000",
        cohort.id,
    )


def test_imported_students_log_in_with_their_one_time_password_and_must_change_it(
    admin_client, other_client, cohort, session
):
    content = csv_bytes([["2024S01", "孙悟空", cohort_label(cohort), "", ""]])
    url = _preview_url(_upload(admin_client, content))
    response = admin_client.post_form(url + "/commit")
    password = _passwords(response.text)["2024s01"]
    assert len(password) >= 10

    other_client.login("2024s01", password)
    home = other_client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/account/password"

    # The passwords were shown once: the import keeps none, and the page does not repeat them.
    record = session.exec(select(RosterImport)).one()
    assert password not in str(record.rows)
    again = admin_client.get(url)
    assert password not in again.text
    assert "/commit" not in again.text
    twice = admin_client.post_form(url + "/commit")
    assert twice.status_code == 303
    assert _count(session, User) == 2


def test_a_lost_printout_can_be_replaced_for_students_who_have_not_logged_in(
    admin_client, other_client, cohort, session
):
    label = cohort_label(cohort)
    url = _preview_url(_upload(admin_client, csv_bytes([["A1", "甲", label], ["A2", "乙", label]])))
    first = _passwords(admin_client.post_form(url + "/commit").text)
    other_client.login("a2", first["a2"])
    other_client.post_form(
        "/account/password",
        {
            "current_password": first["a2"],
            "new_password": "my-own-password",
            "confirm_password": "my-own-password",
        },
    )
    page = admin_client.get(url)
    assert "/reissue" in page.text and "not logged in" in page.text
    response = admin_client.post_form(url + "/reissue")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    second = _passwords(response.text)
    assert set(second) == {"a1"} and second["a1"] != first["a1"]
    token = other_client.refresh_csrf("/login") if other_client.cookies.clear() is None else ""
    old = other_client.post(
        "/login", data={"login": "a1", "password": first["a1"], "csrf_token": token}
    )
    assert old.status_code == 401
    other_client.login("a1", second["a1"])
    other_client.login("a2", "my-own-password")


def test_the_cohort_chosen_on_the_upload_form_is_used(admin_client, cohort, session):
    content = csv_bytes([["8001", "周"]], header=["学号", "姓名"])
    response = _upload(admin_client, content, cohort_id=str(cohort.id))
    admin_client.post_form(_preview_url(response) + "/commit")
    assert session.exec(select(StudentProfile)).one().cohort_id == cohort.id


def test_a_preview_can_be_discarded(admin_client, cohort, session):
    url = _preview_url(_upload(admin_client, csv_bytes([["9001", "吴", cohort_label(cohort)]])))
    response = admin_client.post_form(url + "/discard")
    assert response.status_code == 303 and response.headers["location"] == "/roster"
    assert _count(session, RosterImport) == 0
    assert admin_client.get(url).status_code == 404


# --- bad files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"", "empty.csv"),
        (bytes(range(256)) * 40, "garbage.csv"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "broken.xlsx"),
        ("名单".encode("utf-16") * 30, "utf16.csv"),
        (b"a,b,c\n1,2,3\n", "no-header.csv"),
        ("学号,姓名,班级\n".encode(), "header-only.csv"),
    ],
)
def test_bad_files_get_a_message_and_no_500(content, filename, admin_client, session):
    response = _upload(admin_client, content, filename)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert _count(session, RosterImport) == 0


def test_a_missing_file_or_a_plain_form_is_a_4xx(admin_client, session):
    response = admin_client.post_form("/roster", {"cohort_id": ""})
    assert response.status_code == 422
    assert "Choose the roster file" in response.text
    response = admin_client.post_form("/roster", {"file": "not-a-file"})
    assert 400 <= response.status_code < 500


def test_an_htmx_upload_error_returns_just_the_form(admin_client, session):
    response = admin_client.post(
        "/roster",
        data={"csrf_token": admin_client.csrf},
        files={"file": ("x.csv", b"", "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="upload-form"')


def test_unknown_or_absurd_ids_are_4xx(admin_client, cohort):
    assert admin_client.get("/roster/imports/999999").status_code == 404
    assert admin_client.get("/roster/imports/99999999999999999999").status_code == 404
    assert admin_client.post_form("/roster/imports/999999/commit").status_code == 404
    response = _upload(admin_client, csv_bytes([["1", "王", ""]]), cohort_id="²")
    assert response.status_code == 422 and "Choose a cohort" in response.text
    response = _upload(admin_client, csv_bytes([["1", "王", ""]]), cohort_id="99999999999")
    assert response.status_code == 422

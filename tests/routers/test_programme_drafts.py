"""A teacher in a draft programme version: places, moves and removes their own courses
(403 for anyone else's, and in a published version), exports the draft marked 草案."""

import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.models.curriculum import Placement
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import make_course, make_programme


def _base(programme, version) -> str:
    return f"/programmes/{programme.id}/versions/{version.id}"


def _pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "programme.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def _xlsx_text(content: bytes) -> tuple[list[str], list[str]]:
    book = load_workbook(BytesIO(content))
    cells = [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    return book.sheetnames, cells


def test_a_teacher_places_moves_and_removes_their_own_course(client, session):
    teacher = make_teacher(session)
    mine = make_course(session, code="MINE01", semester=2, owners=[teacher])
    programme, version = make_programme(session)
    session.commit()
    base = _base(programme, version)
    client.login(teacher.username)
    page = client.get(base)
    assert page.status_code == 200
    assert "MINE01" in page.text and 'id="teacher-draft-note"' in page.text
    assert client.post_form(f"{base}/placements", {"course_id": str(mine.id)}).status_code == 303
    placement = session.exec(select(Placement)).one()
    assert placement.semester == 2
    page = client.get(base)
    assert f'action="{base}/placements/{placement.id}"' in page.text
    moved = client.post_form(f"{base}/placements/{placement.id}", {"semester": "4"})
    assert moved.status_code == 303
    session.expire_all()
    assert session.get(Placement, placement.id).semester == 4
    removed = client.post_form(f"{base}/placements/{placement.id}/delete")
    assert removed.status_code == 303
    session.expire_all()
    assert session.exec(select(Placement)).all() == []


def test_a_teacher_gets_403_for_another_teachers_course(client, other_client, session):
    alice, bob = make_teacher(session), make_teacher(session)
    make_course(session, owners=[alice])
    bobs = make_course(session, code="BOB001", owners=[bob])
    bobs_free = make_course(session, code="BOB002", owners=[bob])
    programme, version = make_programme(session, courses=[bobs])
    placement = session.exec(select(Placement)).one()
    session.commit()
    base = _base(programme, version)
    client.login(alice.username)
    page = client.get(base)
    assert "BOB002" not in page.text  # not offered
    assert f'action="{base}/placements/{placement.id}"' not in page.text  # no move form
    for url, data in (
        (f"{base}/placements", {"course_id": str(bobs_free.id)}),
        (f"{base}/placements/{placement.id}", {"semester": "5"}),
        (f"{base}/placements/{placement.id}/delete", {}),
    ):
        response = client.post_form(url, data)
        assert response.status_code == 403, url
        assert "不是您负责的课程" in response.text and "BOB00" in response.text
    session.expire_all()
    assert [p.course_id for p in session.exec(select(Placement))] == [bobs.id]
    assert session.get(Placement, placement.id).semester == bobs.semester
    other_client.login(bob.username)  # the owner himself may move it
    moved = other_client.post_form(f"{base}/placements/{placement.id}", {"semester": "5"})
    assert moved.status_code == 303


def test_a_teacher_gets_403_in_a_published_version(client, session):
    teacher = make_teacher(session)
    mine = make_course(session, owners=[teacher])
    later = make_course(session, owners=[teacher])
    programme, version = make_programme(session, courses=[mine], status="published")
    placement = session.exec(select(Placement)).one()
    session.commit()
    base = _base(programme, version)
    client.login(teacher.username)
    page = client.get(base)
    assert f'action="{base}/placements' not in page.text
    for url, data in (
        (f"{base}/placements", {"course_id": str(later.id)}),
        (f"{base}/placements", {"course_id": "not a number"}),  # refused before the form
        (f"{base}/placements/{placement.id}", {"semester": "9"}),
        (f"{base}/placements/{placement.id}/delete", {}),
    ):
        response = client.post_form(url, data)
        assert response.status_code == 403, url
        assert "教师只能修改草案版本" in response.text
    assert client.post_form(f"{base}/publish").status_code == 403
    session.expire_all()
    assert session.get(Placement, placement.id).semester == mine.semester


def test_students_and_teachers_without_courses_cannot_place(client, session):
    course = make_course(session)
    programme, version = make_programme(session)
    student, teacher = make_student(session), make_teacher(session)
    session.commit()
    base = _base(programme, version)
    client.login(teacher.username)
    assert "这是草案：由课程的负责教师和管理员" in client.get(base).text
    for user in (teacher, student):
        client.login(user.username)
        response = client.post_form(f"{base}/placements", {"course_id": str(course.id)})
        assert response.status_code == 403
    assert session.exec(select(Placement)).all() == []


def test_the_draft_exports_are_marked_and_the_published_ones_are_not(client, session, tmp_path):
    admin, teacher = make_admin(session), make_teacher(session)
    course = make_course(session, code="DRAFT01", owners=[teacher])
    programme, draft = make_programme(session, courses=[course])
    _, published = make_programme(session, courses=[course], status="published")
    session.commit()
    client.login(teacher.username)  # a teacher exports the draft they can see
    page = client.get(_base(programme, draft))
    assert "下载草案（PDF）" in page.text and "下载草案（XLSX）" in page.text
    pdf = client.get(f"{_base(programme, draft)}/export.pdf")
    assert pdf.status_code == 200 and "-draft.pdf" in pdf.headers["content-disposition"]
    text = _pdf_text(pdf.content, tmp_path)
    assert "草案 Draft" in text.splitlines()[0] and "DRAFT01" in text  # the title
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 2
    for page in pages:  # the watermark, on every page (rotated: its glyphs come apart)
        assert "草" in page.replace("草案 Draft", "") and "案" in page.replace("草案 Draft", "")
    xlsx = client.get(f"{_base(programme, draft)}/export.xlsx")
    sheets, cells = _xlsx_text(xlsx.content)
    assert sheets == ["草案 Draft 培养方案 Programme", "草案 Draft 学期汇总 Semester totals"]
    assert cells[0].startswith("草案 Draft ") and "人才培养方案" in cells[0]

    student = make_student(session)
    session.commit()
    client.login(student.username)
    for extension in ("pdf", "xlsx"):
        assert client.get(f"{_base(programme, draft)}/export.{extension}").status_code == 403

    client.login(admin.username)
    pdf = client.get(f"/programmes/{published.programme_id}/versions/{published.id}/export.pdf")
    text = _pdf_text(pdf.content, tmp_path)
    assert "DRAFT01" in text and "草案" not in text and "Draft" not in text
    xlsx = client.get(f"/programmes/{published.programme_id}/versions/{published.id}/export.xlsx")
    sheets, cells = _xlsx_text(xlsx.content)
    assert sheets == ["培养方案 Programme", "学期汇总 Semester totals"]
    assert not any("草案" in cell or "Draft" in cell for cell in cells)

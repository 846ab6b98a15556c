"""Programme pages: publishing freezes a version (4xx), exports, coverage and gap pages."""

import os
import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import select

from app.models.curriculum import Placement, ProgrammeVersion
from seeds import curriculum as curriculum_seed
from seeds import loader as seeding
from seeds.loader import SeedReport
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import (
    make_course,
    make_module,
    make_post,
    make_programme,
    make_skill,
)


def _demo(session):
    seeding.seed_catalogue(session)
    seeding.seed_demo(session)
    report = SeedReport()
    curriculum_seed.seed_catalogue(session, report)
    curriculum_seed.seed_demo(session, report, scale=1)
    session.commit()
    v1 = session.exec(select(ProgrammeVersion).where(ProgrammeVersion.number == 1)).one()
    v2 = session.exec(select(ProgrammeVersion).where(ProgrammeVersion.number == 2)).one()
    return v1, v2


def test_a_published_version_refuses_edits_with_409(client, session):
    admin = make_admin(session)
    course, extra = make_course(session), make_course(session)
    programme, version = make_programme(session, courses=[course])
    session.commit()
    client.login(admin.username)
    base = f"/programmes/{programme.id}/versions/{version.id}"
    assert client.post_form(f"{base}/publish").status_code == 303
    before = session.exec(select(func.count()).select_from(Placement)).one()
    placement = session.exec(select(Placement)).one()
    for url, data in (
        (f"{base}/placements", {"course_id": str(extra.id)}),
        (f"{base}/placements/{placement.id}", {"semester": "4"}),
        (f"{base}/placements/{placement.id}/delete", {}),
    ):
        response = client.post_form(url, data)
        assert response.status_code == 409
        assert "已发布并冻结" in response.text
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Placement)).one() == before
    assert session.get(Placement, placement.id).semester == course.semester
    page = client.get(base)
    assert "新建版本" in page.text and "下载 PDF" in page.text


def test_admins_place_courses_teachers_who_own_none_only_read(client, other_client, session):
    admin, teacher = make_admin(session), make_teacher(session)
    course = make_course(session, semester=3)
    programme, version = make_programme(session)
    session.commit()
    base = f"/programmes/{programme.id}/versions/{version.id}"
    other_client.login(teacher.username)
    assert other_client.get(base).status_code == 200
    assert (
        other_client.post_form(f"{base}/placements", {"course_id": str(course.id)}).status_code
        == 403
    )
    client.login(admin.username)
    bad = client.post_form(f"{base}/placements", {"course_id": "", "semester": ""})
    assert bad.status_code == 422 and 'id="course_id-error"' in bad.text
    ok = client.post_form(f"{base}/placements", {"course_id": str(course.id)})
    assert ok.status_code == 303
    assert session.exec(select(Placement)).one().semester == 3
    bounds = client.post_form(
        f"/programmes/{programme.id}/bounds",
        {"min_practice_share": "120"},
        headers={"HX-Request": "true"},
    )
    assert bounds.status_code == 422 and 'id="min_practice_share-error"' in bounds.text


def test_the_demo_programme_pages_render_for_staff_not_students(client, session):
    v1, v2 = _demo(session)
    student = make_student(session, username="reader-student")
    session.commit()
    client.login("admin", "chanjiao-demo")
    base = f"/programmes/{v1.programme_id}/versions"
    coverage = client.get(f"{base}/{v1.id}/coverage")
    assert coverage.status_code == 200 and "heat-5" in coverage.text
    gaps = client.get(f"{base}/{v1.id}/gaps")
    assert gaps.status_code == 200
    for code in ("skill-DIR-03", "unit-IM-PLT-4", "item-IP-05"):
        assert f'data-gap="{code}"' in gaps.text
    assert 'href="/courses/' in gaps.text
    diff = client.get(f"{base}/{v2.id}/diff")
    assert "WLZB304" in diff.text and "WLZB207" in diff.text
    assert client.get("/competitions").status_code == 200
    assert "120" in client.get("/certificates").text
    draft = client.get(f"{base}/{v2.id}/export.xlsx")  # a draft exports, marked as one
    assert draft.status_code == 200
    assert load_workbook(BytesIO(draft.content)).sheetnames[0] == "草案 Draft 培养方案 Programme"
    client.login(student.username)
    assert client.get(f"{base}/{v1.id}/coverage").status_code == 403


def test_the_xlsx_export_has_both_sheets_and_totals(client, session):
    v1, _ = _demo(session)
    client.login("admin", "chanjiao-demo")
    response = client.get(f"/programmes/{v1.programme_id}/versions/{v1.id}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["培养方案 Programme", "学期汇总 Semester totals"]
    plan = book["培养方案 Programme"]
    assert plan["A2"].value == "学期 Semester" and plan["F2"].value == "学分 Credits"
    rows = list(plan.iter_rows(min_row=3, values_only=True))
    courses, total = rows[:-1], rows[-1]
    assert len(courses) == 19 and total[0] == "合计 Total"
    assert total[5] == sum(r[5] for r in courses) == 64
    assert total[8] == sum(r[8] for r in courses)
    totals = book["学期汇总 Semester totals"]
    semester_rows = list(totals.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in semester_rows] == [1, 2, 3, 4, 5, 6, "合计 Total"]
    assert semester_rows[-1][2] == 64


def test_xlsx_cells_that_look_like_formulas_are_neutralised(client, session):
    admin = make_admin(session)
    course = make_course(session, title_zh='=HYPERLINK("http://x")')
    programme, version = make_programme(session, courses=[course], status="published")
    session.commit()
    client.login(admin.username)
    response = client.get(f"/programmes/{programme.id}/versions/{version.id}/export.xlsx")
    plan = load_workbook(BytesIO(response.content)).worksheets[0]
    cell = plan["C3"]  # shown as typed, never run: a string cell, quote-prefixed
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_pdf_export_renders_a_first_page(client, session, tmp_path):
    v1, _ = _demo(session)
    client.login("admin", "chanjiao-demo")
    response = client.get(f"/programmes/{v1.programme_id}/versions/{v1.id}/export.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (poppler-utils) is required in CI")
        pytest.skip("pdftoppm is not installed")
    pdf = tmp_path / "programme.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
    if fonts.returncode == 0:
        assert "Noto-Sans-CJK" in fonts.stdout


def test_map_and_gaps_follow_a_new_mapping(client, session):
    admin = make_admin(session)
    post = make_post(session)
    skill = make_skill(session, post=post, code="QQ-01")
    course = make_course(session, owners=[], semester=2)
    module = make_module(session, course=course, hours=16)
    programme, version = make_programme(session, courses=[course])
    session.commit()
    client.login(admin.username)
    base = f"/programmes/{programme.id}/versions/{version.id}"
    assert 'data-gap="skill-QQ-01"' in client.get(f"{base}/gaps").text
    client.post_form(
        f"/courses/{course.id}/modules/{module.id}/links",
        {"kind": "skill", "target_id": str(skill.id)},
    )
    assert 'data-gap="skill-QQ-01"' not in client.get(f"{base}/gaps").text
    assert 'data-semester="2">16<' in client.get(f"{base}/coverage").text

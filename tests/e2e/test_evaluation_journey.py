"""The evaluation journey: an administrator changes a weight, sees the cohort dashboard
change, starts an XLSX export, watches the progress bar finish and downloads a workbook
that openpyxl reads."""

import io

import pytest
from openpyxl import load_workbook

from tests.e2e.helpers import log_in
from tests.factories_evaluation import PERIOD, make_world

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"
Q = f"start={PERIOD.start}&end={PERIOD.end}"


@pytest.mark.e2e
def test_admin_changes_a_weight_and_exports_the_cohort(make_page, live_server, page_errors):
    with live_server.session() as session:
        world = make_world(session)
        session.commit()
        cohort_id = world["cohort_a"].id
    admin = live_server.create_user(role="admin", full_name="王管理")
    page = make_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/login")
    log_in(page, admin.username, PASSWORD)

    page.goto(f"/evaluation/cohorts/{cohort_id}?{Q}")
    expect(page.locator("#cohort-mean-total")).to_have_text("59.72")
    expect(page.locator("#distributions svg")).to_have_count(4)

    page.goto("/evaluation/scheme")
    form = page.locator("#scheme-form")
    form.locator("#f-w_competition").fill("50")
    form.locator("#f-w_income").fill("20")  # 50 + 20 + 25 ≠ 100: refused beside the field
    form.locator("#save-scheme").click()
    expect(page.locator("#weights-error")).to_be_visible()
    page.locator("#f-w_income").fill("25")
    with page.expect_navigation():
        page.locator("#save-scheme").click()
    expect(page.locator(".toast")).to_be_visible()

    page.goto(f"/evaluation/cohorts/{cohort_id}?{Q}")
    expect(page.locator("#cohort-mean-total")).to_have_text("58.58")

    page.goto(f"/evaluation?{Q}")
    export = page.locator("#export-form")
    export.locator(f"input[name=cohort_ids][value='{cohort_id}']").check()
    export.locator("#x-format").select_option("xlsx")
    with page.expect_navigation():
        export.locator("#start-export").click()
    expect(page.locator("#job-bar")).to_be_visible()
    expect(page.locator("#download-link")).to_be_visible(timeout=30_000)
    expect(page.locator("#job-bar")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.locator("#download-link").click()
    path = download_info.value.path()
    with open(path, "rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()))
    assert "学生 Students" in book.sheetnames
    rows = list(book["学生 Students"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[7] for row in rows) == [23.83, 68.5, 83.42]
    assert page_errors == []

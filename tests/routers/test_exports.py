"""Every export the app offers, fed formula-looking user text: no CSV cell a spreadsheet
would run, no XLSX formula and no visible apostrophe, PDFs that show the text as typed,
and labels where the data holds codes.

Each export is one line of ``EXPORTS``: its route, its kind and a builder that writes
records carrying ``PAYLOADS`` in every user-text field it shows and returns the URL. A
route that serves a CSV, XLSX or PDF and is missing from the table fails
``test_every_export_route_is_in_the_table``.
"""

import csv
import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from openpyxl import load_workbook

from app.schemas.evaluation import INCOME_MODES
from app.services import bookings as booking_service
from app.services import contests as contest_service
from app.services import curriculum as curriculum_service
from app.services import teams as team_service
from app.services.certificates import STATUS_LABELS
from app.services.evaluation import jobs as evaluation_jobs
from app.services.evaluation import scheme as evaluation_scheme
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_award,
    make_criterion,
    make_entry,
    make_round,
    score,
)
from tests.factories_curriculum import make_certificate, make_course, make_programme
from tests.factories_evaluation import PERIOD, make_outcome
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.factories_teams import (
    ensure_posts,
    make_live_session,
    make_log,
    make_pairing,
    make_project,
    make_team,
)

PAYLOADS = ("=1+1", "＝cmd|' /C calc'!A0", "  @x", "\t=1")
TRIGGERS = tuple("=+-@＝＋－＠")
SKIPPED = " \t\r\n\u00a0\u3000"
# Codes the data holds; an export shows their labels, never these.
CODES = (
    set(team_service.STAGE_LABELS)
    | set(contest_service.AWARD_LABELS)
    | set(contest_service.ROUND_LEVEL_LABELS)
    | set(evaluation_scheme.OUTCOME_LABELS)
    | set(INCOME_MODES)
    | set(booking_service.PURPOSE_LABELS)
    | set(STATUS_LABELS)
    | set(curriculum_service.KIND_LABELS)
    | {key for key, _value in evaluation_scheme.describe(evaluation_scheme.default_params())}
)


def formula_looking(text: str) -> bool:
    """What a spreadsheet may run: a trigger first, after any blanks, or a tab or break."""
    return text[:1] in ("\t", "\r", "\n") or text.lstrip(SKIPPED).startswith(TRIGGERS)


# --- builders: records with the payloads in every user-text field; each returns the URL --


def _guidance(session, client) -> str:
    ensure_posts(session)
    for text in PAYLOADS:
        team = make_team(session, name=text, stage="club")
        mentor = make_mentor(session, full_name=text)
        make_log(session, make_pairing(session, team, mentor=mentor))
        make_team(session, name=f"{text} 乙", stage="incubated")  # no guidance: a quiet team
    session.commit()
    return "/guidance/report.xlsx"


def _programme(extension: str, status: str = "published"):
    def build(session, client) -> str:
        courses = [
            make_course(session, code=text, title_zh=text, title_en=text) for text in PAYLOADS
        ]
        programme, version = make_programme(
            session, courses=courses, status=status, major=PAYLOADS[0]
        )
        session.commit()
        return f"/programmes/{programme.id}/versions/{version.id}/export.{extension}"

    return build


def _evaluation_world(session):
    ensure_posts(session)
    cohort = make_cohort(session, major=PAYLOADS[2])
    for text in PAYLOADS:
        student = make_student(session, cohort=cohort, full_name=text)
        team = make_team(session, name=text, members=[(student, "anchor")])
        make_live_session(
            session, team, make_project(session, team), on=PERIOD.start + timedelta(days=9)
        )
        make_outcome(session, student, outcome="self_employed", on=PERIOD.end, organisation=text)
    session.commit()
    return cohort


def _snapshot(extension: str):
    def build(session, client) -> str:
        cohort = _evaluation_world(session)
        period = {"start": str(PERIOD.start), "end": str(PERIOD.end)}
        response = client.post_form(f"/evaluation/cohorts/{cohort.id}/publish", period)
        assert response.status_code == 303, response.text[:300]
        return response.headers["location"] + f"/export.{extension}"

    return build


def _job(file_format: str):
    def build(session, client) -> str:
        cohort = _evaluation_world(session)
        form = {
            "cohort_ids": [str(cohort.id)],
            "start": str(PERIOD.start),
            "end": str(PERIOD.end),
            "file_format": file_format,
        }
        response = client.post_form("/jobs", form)
        assert response.status_code == 303, response.text[:300]
        job_url = response.headers["location"]
        evaluation_jobs.wait(int(job_url.rsplit("/", 1)[1]))
        return job_url + "/download"

    return build


def _utilisation(extension: str):
    def build(session, client) -> str:
        past = next_weekday(0) - timedelta(days=14)
        for text in PAYLOADS:
            make_booking(
                session,
                studio=make_studio(session, name=text),
                user=make_student(session),
                starts_at=local(past, "10:00"),
                status="completed",
            )
        session.commit()
        return f"/studios/report.{extension}?start={past.isoformat()}&weeks=2"

    return build


def _round_scores(which: str):
    def build(session, client) -> str:
        round_ = make_round(session)
        criterion = make_criterion(session, round_=round_, name_zh=PAYLOADS[1])
        for n, text in enumerate(PAYLOADS):
            team = make_team(session, name=text, members=[(make_student(session), "anchor")])
            entry = make_entry(session, round_=round_, team=team, title=text, award="gold")
            assignment = make_assignment(
                session, entry=entry, judge=make_teacher(session, full_name=text), note=text
            )
            score(session, assignment, {criterion.id: 5 + n})
        session.commit()
        return f"/contests/rounds/{round_.id}/scores-by-{which}.xlsx"

    return build


def _certificate(session, client) -> str:
    holder = make_student(session, full_name=PAYLOADS[0])
    certificate = make_certificate(
        session, name_zh=PAYLOADS[1], name_en=PAYLOADS[2], work_type_zh=PAYLOADS[3]
    )
    award = make_award(session, holder=holder, certificate=certificate, holder_name=PAYLOADS[0])
    session.commit()
    return f"/certificates/awards/{award.id}/certificate.pdf"


def _portfolio(session, client) -> str:
    student = make_student(session, full_name=PAYLOADS[0])
    for text in PAYLOADS:
        make_team(session, name=text, members=[(student, "anchor")])
    session.commit()
    return f"/portfolio/{student.id}/portfolio.pdf"


def _fixed(url: str):
    def build(session, client) -> str:
        return url

    return build


@dataclass
class Export:
    route: str  # the route's path, as the app declares it
    kind: str  # csv, xlsx or pdf
    build: object  # (session, client) -> URL
    user_text: bool = True  # whether the payloads must show (templates carry none)
    labels: tuple[str, ...] = ()  # labels (zh_CN) the file must show instead of codes


EXPORTS = {
    "guidance report": Export(
        "/guidance/report.xlsx", "xlsx", _guidance, labels=("社团", "孵化企业")
    ),
    "programme xlsx": Export(
        "/programmes/{programme_id}/versions/{version_id}/export.xlsx", "xlsx", _programme("xlsx")
    ),
    "programme pdf": Export(
        "/programmes/{programme_id}/versions/{version_id}/export.pdf", "pdf", _programme("pdf")
    ),
    "programme draft xlsx": Export(
        "/programmes/{programme_id}/versions/{version_id}/export.xlsx",
        "xlsx",
        _programme("xlsx", "draft"),
        labels=("草案 Draft",),
    ),
    "programme draft pdf": Export(
        "/programmes/{programme_id}/versions/{version_id}/export.pdf",
        "pdf",
        _programme("pdf", "draft"),
        labels=("草案Draft",),
    ),
    "snapshot csv": Export(
        "/evaluation/snapshots/{snapshot_id}/export.csv",
        "csv",
        _snapshot("csv"),
        labels=("自主创业",),
    ),
    "snapshot xlsx": Export(
        "/evaluation/snapshots/{snapshot_id}/export.xlsx",
        "xlsx",
        _snapshot("xlsx"),
        labels=("自主创业 Self-employed", "班级百分位 Percentile"),
    ),
    "job csv": Export("/jobs/{job_id}/download", "csv", _job("csv")),
    "job xlsx": Export("/jobs/{job_id}/download", "xlsx", _job("xlsx")),
    "job pdf": Export("/jobs/{job_id}/download", "pdf", _job("pdf"), labels=("班级百分位",)),
    "utilisation csv": Export("/studios/report.csv", "csv", _utilisation("csv")),
    "utilisation xlsx": Export("/studios/report.xlsx", "xlsx", _utilisation("xlsx")),
    "scores by judge": Export(
        "/contests/rounds/{round_id}/scores-by-judge.xlsx", "xlsx", _round_scores("judge")
    ),
    "scores by entry": Export(
        "/contests/rounds/{round_id}/scores-by-entry.xlsx",
        "xlsx",
        _round_scores("entry"),
        labels=("金奖",),
    ),
    "certificate pdf": Export(
        "/certificates/awards/{award_id}/certificate.pdf", "pdf", _certificate, labels=("五级",)
    ),
    "portfolio pdf": Export("/portfolio/{student_id}/portfolio.pdf", "pdf", _portfolio),
    "roster template csv": Export(
        "/roster/template.csv", "csv", _fixed("/roster/template.csv"), user_text=False
    ),
    "roster template xlsx": Export(
        "/roster/template.xlsx", "xlsx", _fixed("/roster/template.xlsx"), user_text=False
    ),
    "outcomes template": Export(
        "/outcomes/template.csv", "csv", _fixed("/outcomes/template.csv"), user_text=False
    ),
    "certificate results template": Export(
        "/certificates/import/template.csv",
        "csv",
        _fixed("/certificates/import/template.csv"),
        user_text=False,
    ),
}


# --- reading the files back ---------------------------------------------------------------


def _csv_cells(content: bytes) -> list[str]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV must be UTF-8 with a BOM"
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not formula_looking(cell), f"unguarded CSV cell {cell!r}"
    return cells


def _xlsx_cells(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"a formula element in {name}"
    cells = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = (sheet.title, cell.coordinate, cell.value)
                assert cell.data_type != "f", where
                if not isinstance(cell.value, str):
                    continue
                assert not cell.value.startswith("'"), f"a visible apostrophe: {where}"
                if formula_looking(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, where
                cells.append(cell.value)
    return cells


def _pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "export.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return text


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", EXPORTS)
def test_no_export_carries_a_formula_and_every_one_shows_labels(name, client, session, tmp_path):
    export = EXPORTS[name]
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    response = client.get(export.build(session, client))
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(
        {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats", "pdf": "application/pdf"}[
            export.kind
        ]
    )
    if export.kind == "pdf":
        text = _squeezed(_pdf_text(response.content, tmp_path))
        for payload in PAYLOADS if export.user_text else ():
            assert _squeezed(payload) in text, f"{payload!r} is missing from the PDF"
        for label in export.labels:
            assert _squeezed(label) in text, label
        return
    if export.kind == "csv":
        cells = _csv_cells(response.content)
        shown = [c[1:] if c.startswith("'") else c for c in cells]  # the guard's apostrophe
    else:
        cells = shown = _xlsx_cells(response.content)
    for payload in PAYLOADS if export.user_text else ():
        assert any(cell.startswith(payload) for cell in shown), f"{payload!r} is missing"
    raw_codes = sorted({cell.strip() for cell in shown} & CODES)
    assert not raw_codes, f"codes shown instead of labels: {raw_codes}"
    for label in export.labels:
        assert any(label in cell for cell in shown), label


def _api_routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif getattr(route, "original_router", None) is not None:  # an included router
            yield from _api_routes(route.original_router.routes)


def test_every_export_route_is_in_the_table(app):
    served = {
        route.path
        for route in _api_routes(app.routes)
        if re.search(r"\.(csv|xlsx|pdf)$", route.path) or route.path == "/jobs/{job_id}/download"
    }
    assert served == {export.route for export in EXPORTS.values()}


def test_the_guard_catches_every_form_of_formula():
    from app.exports.kit import looks_like_formula, neutralise

    for text in (
        *PAYLOADS,
        "+1",
        "-1",
        "@SUM(A1)",
        "＋1",
        "－1",
        "＠x",
        "\r=1",
        "\n=1",
        "\u3000=1",
    ):
        assert looks_like_formula(text) and neutralise(text) == "'" + text, text
    for value in ("王一", "a=1", "1-2", "", 12, -3.5, None):
        assert neutralise(value) == value
    assert not looks_like_formula("星火 =1")

"""Exports as jobs: started by a POST, progress in the database, a file openpyxl reads,
the author (or an administrator) only, and files that expire."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import select

from app.models.base import utcnow
from app.models.evaluation import ExportJob
from app.schemas.evaluation import ExportForm
from app.services.evaluation import jobs as evaluation_jobs
from tests.factories import make_teacher
from tests.factories_evaluation import PERIOD, make_world


def _export_values(world, file_format):
    return {
        "cohort_ids": [str(world["cohort_a"].id)],
        "start": str(PERIOD.start),
        "end": str(PERIOD.end),
        "file_format": file_format,
    }


def _export(world, file_format):
    return ExportForm.parse(_export_values(world, file_format))


def _start(client, world, file_format="xlsx"):
    response = client.post_form("/jobs", _export_values(world, file_format))
    assert response.status_code == 303, response.text[:300]
    job_id = int(re.search(r"/jobs/(\d+)$", response.headers["location"]).group(1))
    evaluation_jobs.wait(job_id)
    return job_id


def test_an_xlsx_export_runs_as_a_job_and_downloads(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["head"])
    job_id = _start(client, world)
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert '<progress id="job-bar" max="100" value="100">' in page.text
    assert 'hx-trigger="every 1s"' not in page.text  # finished: polling stops
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert "学生 Students" in book.sheetnames
    names = [row[2] for row in book["学生 Students"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["王一", "-2+3 李二", '=HYPERLINK("http://evil.example")'])


def test_csv_and_pdf_exports_finish_too(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["head"])
    csv_job = _start(client, world, "csv")
    assert client.get(f"/jobs/{csv_job}/download").content.startswith(b"\xef\xbb\xbf")
    pdf_job = _start(client, world, "pdf")
    assert client.get(f"/jobs/{pdf_job}/download").content.startswith(b"%PDF")


def test_a_running_job_shows_a_polling_progress_bar(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["head"])
    job_id = _queued_job(session, world, "xlsx")
    _set_status(session, job_id, status="running", progress=40)
    partial = client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="job-progress"')
    assert 'hx-trigger="every 1s"' in partial.text and 'value="40"' in partial.text


def test_bad_export_requests_get_messages_beside_the_fields(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["head"])
    response = client.post_form(
        "/jobs", {"start": "2026-02-01", "end": "2025-01-01", "file_format": "doc"}
    )
    assert response.status_code == 422
    assert "field-error" in response.text
    assert session.exec(select(ExportJob)).all() == []
    other = client.post_form(
        "/jobs",
        {
            "cohort_ids": [str(world["cohort_b"].id)],
            "start": str(PERIOD.start),
            "end": str(PERIOD.end),
            "file_format": "csv",
        },
    )
    assert other.status_code == 403  # not a cohort this teacher heads
    assert session.exec(select(ExportJob)).all() == []


def test_only_the_author_or_an_administrator_gets_the_file_and_files_expire(
    client, other_client, session
):
    world = make_world(session)
    stranger = make_teacher(session)
    session.commit()
    client.login_as(world["head"])
    job_id = _start(client, world, "csv")
    other_client.login_as(stranger)
    assert other_client.get(f"/jobs/{job_id}").status_code == 403
    assert other_client.get(f"/jobs/{job_id}/download").status_code == 403
    session.exec(
        update(ExportJob)
        .where(ExportJob.id == job_id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    session.commit()
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    evaluation_jobs.purge_expired(session)
    session.commit()
    job = session.get(ExportJob, job_id)
    session.refresh(job)
    assert (job.status, job.content) == ("expired", None)


@pytest.mark.commits  # the worker runs jobs on connections of its own
def test_queued_jobs_run_from_the_command_line_worker(session):
    world = make_world(session)
    session.commit()
    job = evaluation_jobs.start_export(session, actor=world["head"], form=_export(world, "csv"))
    session.commit()
    assert evaluation_jobs.run_pending() == 1
    row = session.exec(select(ExportJob.status, ExportJob.progress).where(ExportJob.id == job.id))
    assert row.one() == ("done", 100)


def test_a_snapshot_pdf_report_runs_as_a_job(client, session):
    from app.services.evaluation import snapshots as evaluation_snapshots
    from tests.factories import make_admin

    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    snapshot = evaluation_snapshots.publish(
        session, actor=admin, cohort_id=world["cohort_a"].id, period=PERIOD
    )
    session.commit()
    client.login_as(world["head"])
    response = client.post_form("/jobs", {"snapshot_id": str(snapshot.id), "file_format": "pdf"})
    assert response.status_code == 303
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    evaluation_jobs.wait(job_id)
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def _queued_job(session, world, file_format="csv"):
    job = evaluation_jobs.start_export(
        session, actor=world["head"], form=_export(world, file_format)
    )
    session.commit()
    return job.id


def _set_status(session, job_id, **values):
    session.exec(update(ExportJob).where(ExportJob.id == job_id).values(**values))
    session.commit()


def test_a_stuck_or_failed_export_can_be_run_again(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["head"])
    stuck = _queued_job(session, world)
    _set_status(session, stuck, status="running", progress=40)
    assert client.post_form(f"/jobs/{stuck}/retry").status_code == 409  # still alive
    _set_status(session, stuck, updated_at=utcnow() - timedelta(minutes=20))
    page = client.get(f"/jobs/{stuck}").text
    assert f'action="/jobs/{stuck}/retry"' in page
    assert client.post_form(f"/jobs/{stuck}/retry").status_code == 303
    evaluation_jobs.wait(stuck)
    session.expire_all()
    assert session.get(ExportJob, stuck).status == "done"

    failed = _queued_job(session, world)
    _set_status(session, failed, status="failed", message="boom")
    assert f'action="/jobs/{failed}/retry"' in client.get(f"/jobs/{failed}").text
    other = make_teacher(session)
    session.commit()
    client.login_as(other)  # someone else's export
    assert client.post_form(f"/jobs/{failed}/retry").status_code == 403


@pytest.mark.commits  # the worker runs jobs on connections of its own
def test_the_command_line_worker_restarts_exports_whose_process_died(session):
    world = make_world(session)
    session.commit()
    died = _queued_job(session, world)
    _set_status(
        session, died, status="running", progress=60, updated_at=utcnow() - timedelta(hours=1)
    )
    alive = _queued_job(session, world)
    _set_status(session, alive, status="running", progress=60)
    assert evaluation_jobs.run_pending() == 1
    session.expire_all()
    assert session.get(ExportJob, died).status == "done"
    assert session.get(ExportJob, alive).status == "running"  # another process is on it

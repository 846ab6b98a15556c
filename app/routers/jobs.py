"""Export jobs: start one (POST), watch its progress (htmx polls the same page's block),
download the file while it is kept."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import CurrentUser, PathId, Staff
from app.errors import FormErrors
from app.i18n import lazy_gettext as _l
from app.services import evaluation as evaluation_service
from app.services.evaluation import Period
from app.web import redirect, render

router = APIRouter(prefix="/jobs", route_class=SessionRoute)
Text = Annotated[str, Form(max_length=20)]


def _ids(values: list[str]) -> list[int] | None:
    ids = []
    for value in values:
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            return None
        ids.append(int(value))
    return ids


@router.post("", dependencies=[Staff])
def start_export(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    cohort_ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    start: Text = "",
    end: Text = "",
    file_format: Text = "",
    snapshot_id: Text = "",
) -> Response:
    values = {"cohort_ids": cohort_ids, "start": start, "end": end, "file_format": file_format}
    try:
        ids = _ids(cohort_ids)
        snapshot = _ids([snapshot_id]) if snapshot_id.strip() else None
        if ids is None or (snapshot_id.strip() and not snapshot):
            raise FormErrors({"cohort_ids": _l("Choose cohorts from the list.")})
        job = evaluation_service.start_export(
            session,
            actor=user,
            cohort_ids=ids,
            start=start,
            end=end,
            file_format=file_format,
            snapshot_id=snapshot[0] if snapshot else None,
        )
    except FormErrors as exc:
        session.rollback()
        errors: dict = {}
        period = evaluation_service.parse_period(start, end, errors)
        if period is None:
            from app.services.clock import today
            from app.services.evaluation import academic_year

            period = academic_year(today())
        context = evaluation_service.overview(
            session, user=user, period=Period(period.start, period.end)
        )
        context.update(
            period_values={"start": period.start.isoformat(), "end": period.end.isoformat()},
            period_errors={},
            export_values=values,
            export_errors=exc.errors,
        )
        return render(
            request, "evaluation/overview.html", context, block="export_form", status_code=422
        )
    session.commit()
    evaluation_service.launch(job.id)
    return redirect(request, f"/jobs/{job.id}")


@router.get("", dependencies=[Staff])
def job_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    jobs = evaluation_service.recent_jobs(session, user=user, limit=50)
    return render(request, "jobs/list.html", {"jobs": jobs})


@router.get("/{job_id}", dependencies=[Staff])
def job_page(request: Request, session: SessionDep, user: CurrentUser, job_id: PathId) -> Response:
    job = evaluation_service.get_job(session, user=user, job_id=job_id)
    context = {"job": job, "stale": evaluation_service.is_stale(job)}
    return render(request, "jobs/detail.html", context, block="progress")


@router.post("/{job_id}/retry", dependencies=[Staff])
def retry(request: Request, session: SessionDep, user: CurrentUser, job_id: PathId) -> Response:
    job = evaluation_service.retry_job(session, user=user, job_id=job_id)
    session.commit()
    evaluation_service.launch(job.id)
    return redirect(request, f"/jobs/{job.id}")


@router.get("/{job_id}/download", dependencies=[Staff])
def download(session: SessionDep, user: CurrentUser, job_id: PathId) -> Response:
    job, content = evaluation_service.job_file(session, user=user, job_id=job_id)
    disposition = f"attachment; filename*=UTF-8''{quote(job.filename)}"
    return Response(
        content,
        media_type=evaluation_service.MEDIA_TYPES[job.file_format],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )

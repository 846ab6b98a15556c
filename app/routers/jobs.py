"""Export jobs: start one (POST), watch its progress (htmx polls the same page's block),
download the file while it is kept."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import web
from app.db import SessionDep, SessionRoute
from app.deps import CurrentUser, FormOf, PathId, Staff
from app.errors import FormErrors
from app.routers.evaluation import shown_period
from app.schemas.evaluation import ExportForm
from app.services import evaluation as evaluation_service
from app.web import redirect, render

router = APIRouter(prefix="/jobs", route_class=SessionRoute)
ExportSubmission = FormOf(ExportForm)


@router.post("", dependencies=[Staff])
def start_export(
    request: Request, session: SessionDep, user: CurrentUser, form: ExportSubmission
) -> Response:
    try:
        job = evaluation_service.start_export(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        period, period_values, _errors = shown_period(form.values)
        context = evaluation_service.overview(session, user=user, period=period)
        context.update(
            period_values=period_values,
            period_errors={},
            export_values=form.values,
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
    return web.download(content, job.filename, headers={"Cache-Control": "no-store"})

"""Evaluation exports as jobs stored in the database.

Starting an export writes a queued ``ExportJob`` row; ``launch`` runs it in a background
thread of the web process (no separate worker needed), and ``python -m app jobs`` runs
whatever is still queued (e.g. after a restart). The running job writes its progress to
its row in short transactions, so any worker process can report it; the finished file is
stored in the row and removed after ``settings.export_retention_days``.
"""

import threading
import time
from datetime import date, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from app import db
from app.config import settings
from app.errors import Conflict, Forbidden, NotFound
from app.models import Role, User
from app.models.base import utcnow
from app.models.evaluation import EvaluationSnapshot, ExportJob, JobStatus
from app.schemas.evaluation import ExportForm
from app.services.evaluation import access
from app.services.evaluation import compute as evaluation
from app.services.evaluation import scheme as scheme_service
from app.services.evaluation import snapshots as snapshot_service

FORMATS = ("csv", "xlsx", "pdf")  # app/exports/evaluation.py writes each
STALE_AFTER = timedelta(minutes=15)  # a running job silent this long has died with its process
_threads: dict[int, threading.Thread] = {}


def start_export(session: Session, *, actor: User, form: ExportForm) -> ExportJob:
    """Queue an export of the cohorts' evaluation (or of a published snapshot)."""
    if form.snapshot_id is not None:
        snapshot = snapshot_service.get_snapshot(session, user=actor, snapshot_id=form.snapshot_id)
        params: dict = {"snapshot_id": snapshot.id}
    else:
        access.check_cohorts(session, user=actor, cohort_ids=form.cohort_ids)
        params = {
            "cohort_ids": sorted(set(form.cohort_ids)),
            "start": form.start.isoformat(),  # type: ignore[union-attr]
            "end": form.end.isoformat(),  # type: ignore[union-attr]
        }
    purge_expired(session)
    job = ExportJob(
        kind="evaluation", file_format=form.file_format, params=params, created_by_id=actor.id
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, *, user: User, job_id: int) -> ExportJob:
    """The job, to its author or an administrator."""
    job = session.exec(
        select(ExportJob).where(ExportJob.id == job_id).options(defer(ExportJob.content))  # type: ignore[arg-type]
    ).first()
    if job is None:
        raise NotFound("This export does not exist.")
    if job.created_by_id != user.id and user.role != Role.admin.value:
        raise Forbidden("This export belongs to someone else.")
    return job


def job_file(session: Session, *, user: User, job_id: int) -> tuple[ExportJob, bytes]:
    """A finished job's file (404 once it has expired)."""
    job = get_job(session, user=user, job_id=job_id)
    content = session.exec(select(ExportJob.content).where(ExportJob.id == job_id)).one()
    expired = job.expires_at is not None and job.expires_at < utcnow()
    if job.status != JobStatus.done.value or content is None or expired:
        raise NotFound("This export's file is not available (unfinished or expired).")
    return job, content


def is_stale(job: ExportJob) -> bool:
    return job.status == JobStatus.running.value and utcnow() - job.updated_at > STALE_AFTER


def retry_job(session: Session, *, user: User, job_id: int) -> ExportJob:
    """Queue a failed export, or one whose process died, again (same cohorts and period)."""
    job = get_job(session, user=user, job_id=job_id)
    if job.status != JobStatus.failed.value and not is_stale(job):
        raise Conflict("This export is not stuck or failed: nothing to retry.")
    _requeue(session, [job.id])
    session.refresh(job)
    return job


def _requeue(session: Session, job_ids: list[int]) -> int:
    result = session.exec(
        update(ExportJob)
        .where(ExportJob.id.in_(job_ids))  # type: ignore[union-attr]
        .values(status=JobStatus.queued.value, progress=0, message="", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def requeue_stale(session: Session) -> int:
    """Queue again the jobs whose process died mid-run (``python -m app jobs`` runs them)."""
    stale = session.exec(
        select(ExportJob.id).where(
            ExportJob.status == JobStatus.running.value,
            ExportJob.updated_at < utcnow() - STALE_AFTER,
        )
    ).all()
    return _requeue(session, list(stale)) if stale else 0


def recent_jobs(session: Session, *, user: User, limit: int = 20) -> list[ExportJob]:
    query = select(ExportJob).order_by(ExportJob.id.desc()).limit(limit)  # type: ignore[union-attr]
    if user.role != Role.admin.value:
        query = query.where(ExportJob.created_by_id == user.id)
    return list(session.exec(query.options(defer(ExportJob.content))).all())  # type: ignore[arg-type]


# What a job table shows (templates/jobs/_table.html), built once: the overview lists
# the latest exports on every visit, and entities with their JSON params cost more.
_ROW_COLUMNS = (
    ExportJob.id,
    ExportJob.created_at,
    ExportJob.file_format,
    ExportJob.status,
    ExportJob.progress,
    ExportJob.filename,
)
_NEWEST_FIRST = ExportJob.id.desc()  # type: ignore[union-attr]
_LATEST = select(*_ROW_COLUMNS).order_by(_NEWEST_FIRST).limit(bindparam("n"))
_LATEST_OF = (
    select(*_ROW_COLUMNS)
    .where(ExportJob.created_by_id == bindparam("user_id"))
    .order_by(_NEWEST_FIRST)
    .limit(bindparam("n"))
)


def recent_job_rows(session: Session, *, user: User, limit: int = 5) -> list:
    """``recent_jobs`` as rows of the columns a job table shows: every export for an
    administrator, a teacher's own otherwise."""
    if user.role == Role.admin.value:
        return list(session.exec(_LATEST, params={"n": limit}).all())  # type: ignore[call-overload]
    rows = session.exec(_LATEST_OF, params={"n": limit, "user_id": user.id})  # type: ignore[call-overload]
    return list(rows.all())


def purge_expired(session: Session) -> int:
    """Drop the files of finished exports older than the retention setting."""
    result = session.exec(
        update(ExportJob)
        .where(ExportJob.status == JobStatus.done.value, ExportJob.expires_at < utcnow())
        .values(status=JobStatus.expired.value, content=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount or 0


# --- running -------------------------------------------------------------------------


class _Reporter:
    """Writes progress to the job's row, at most a few times a second."""

    def __init__(self, job_id: int, low: int, high: int) -> None:
        self.job_id, self.low, self.high = job_id, low, high
        self.last_value, self.last_time = -1, 0.0

    def __call__(self, fraction: float) -> None:
        value = self.low + int((self.high - self.low) * max(0.0, min(1.0, fraction)))
        now = time.monotonic()
        if value <= self.last_value or (now - self.last_time < 0.3 and fraction < 1):
            return
        self.last_value, self.last_time = value, now
        _set(self.job_id, progress=value)


def _set(job_id: int, **values) -> None:
    with db.open_session(write=True) as session:
        session.exec(
            update(ExportJob)
            .where(ExportJob.id == job_id)
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _result(session: Session, params: dict) -> evaluation.Evaluation:
    if "snapshot_id" in params:
        snapshot = session.get(EvaluationSnapshot, params["snapshot_id"])
        if snapshot is None:
            raise NotFound("This snapshot does not exist.")
        return snapshot_service.snapshot_evaluation(session, snapshot)
    scheme = scheme_service.current_scheme(session)
    return evaluation.evaluate(
        session,
        cohort_ids=params["cohort_ids"],
        period=evaluation.Period(
            date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
        ),
        params=scheme.params,
        scheme_version=scheme.version,
    )


def run_job(job_id: int) -> bool:
    """Run one queued job to its end; False when another process took it first."""
    with db.open_session(write=True) as session:
        claimed = session.exec(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == JobStatus.queued.value)
            .values(status=JobStatus.running.value, progress=1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if claimed.rowcount != 1:
            return False
    try:
        with db.open_session() as session:
            job = session.get(ExportJob, job_id)
            file_format, params = job.file_format, dict(job.params)
            result = _result(session, params)
        _set(job_id, progress=30)
        from app.exports import evaluation as export

        content = export.evaluation_file(result, file_format, _Reporter(job_id, 30, 99))
        now = utcnow()
        _set(
            job_id,
            status=JobStatus.done.value,
            progress=100,
            content=content,
            size=len(content),
            filename=export.filename(result, file_format),
            finished_at=now,
            expires_at=now + timedelta(days=settings.export_retention_days),
        )
    except Exception as exc:  # the job records its failure; the process carries on
        _set(job_id, status=JobStatus.failed.value, message=str(exc)[:500], finished_at=utcnow())
    return True


def launch(job_id: int) -> threading.Thread:
    """Run the job in a background thread of this process."""
    thread = threading.Thread(target=run_job, args=(job_id,), name=f"export-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()
    return thread


def wait(job_id: int, timeout: float = 60.0) -> None:
    """Wait for a job launched by this process (tests, the CLI)."""
    thread = _threads.pop(job_id, None)
    if thread is not None:
        thread.join(timeout)


def run_pending() -> int:
    """Run every queued job here, one after another (``python -m app jobs``)."""
    count = 0
    with db.open_session(write=True) as session:
        purge_expired(session)
        requeue_stale(session)
        session.commit()
    while True:
        with db.open_session() as session:
            job_id = session.exec(
                select(ExportJob.id)
                .where(ExportJob.status == JobStatus.queued.value)
                .order_by(ExportJob.id)
                .limit(1)
            ).first()
        if job_id is None:
            return count
        if run_job(job_id):
            count += 1

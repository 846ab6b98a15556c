"""Practical exams: admins set them up (rubric, examiners, eligible candidates) and
finalise them; examiners score only the candidates of exams they examine."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PageParams, PathId, require_role
from app.errors import FormErrors, NotFound
from app.i18n import N_
from app.models import Role, User
from app.schemas.certificates import CandidateForm, ExamForm, ExaminerForm
from app.schemas.judging import CriterionForm, ScoresForm
from app.services import certificates as certificate_service
from app.services import clock
from app.services import contests as contest_service
from app.services.curriculum import CERT_LEVEL_LABELS
from app.services.pagination import Page
from app.web import flash, redirect, render

router = APIRouter(prefix="/exams", route_class=SessionRoute)

AdminUser = Annotated[User, Depends(require_role(Role.admin))]
Panel = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.mentor))]
Examiner = Annotated[User, Depends(require_role(Role.teacher, Role.mentor))]


def _list(request, session, user, pages, *, errors=None, form=None, status_code=200):
    rows, total = certificate_service.list_exams(
        session, user=user, page=pages.page, per_page=pages.per_page
    )
    context = {
        "page": Page(rows, total, pages.page, pages.per_page, "/exams"),
        "types": certificate_service.type_choices(session),
        "today": clock.today(),
        "errors": errors or {},
        "form": form or {},
        "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS,
    }
    block = "exam_form" if status_code != 200 else None
    return render(request, "certificates/exams.html", context, block=block, status_code=status_code)


@router.get("")
def exams_page(request: Request, session: SessionDep, user: Panel, pages: PageParams) -> Response:
    return _list(request, session, user, pages)


@router.post("")
def create_exam(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    pages: PageParams,
    form: FormOf(ExamForm),
) -> Response:
    try:
        exam = certificate_service.create_exam(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _list(
            request, session, user, pages, errors=exc.errors, form=form.values, status_code=422
        )
    session.commit()
    return flash(redirect(request, f"/exams/{exam.id}"), "The exam was created.")


def _exam(request, session, user, exam_id, *, errors=None, form=None, block=None, status_code=200):
    view = certificate_service.exam_view(session, user=user, exam_id=exam_id)
    context = {
        "x": view,
        "errors": errors or {},
        "form": form or {},
        "examiners": certificate_service.examiner_choices(session)
        if user.role == Role.admin
        else [],
        "students": contest_service.student_choices(session) if user.role == Role.admin else [],
        "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS,
    }
    return render(request, "certificates/exam.html", context, block=block, status_code=status_code)


@router.get("/{exam_id}")
def exam_page(request: Request, session: SessionDep, exam_id: PathId, user: Panel) -> Response:
    return _exam(request, session, user, exam_id)


def _admin_post(request, session, user, exam_id, values, action, block, message):
    try:
        action()
    except FormErrors as exc:
        session.rollback()
        return _exam(
            request,
            session,
            user,
            exam_id,
            errors=exc.errors,
            form=values,
            block=block,
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, f"/exams/{exam_id}"), message)


@router.post("/{exam_id}/criteria")
def add_criterion(
    request: Request,
    session: SessionDep,
    exam_id: PathId,
    user: AdminUser,
    form: FormOf(CriterionForm),
) -> Response:
    return _admin_post(
        request,
        session,
        user,
        exam_id,
        form.values,
        lambda: certificate_service.add_criterion(session, exam_id=exam_id, form=form.valid()),
        "rubric",
        N_("The criterion was added."),
    )


@router.post("/{exam_id}/examiners")
def add_examiner(
    request: Request,
    session: SessionDep,
    exam_id: PathId,
    user: AdminUser,
    form: FormOf(ExaminerForm),
) -> Response:
    return _admin_post(
        request,
        session,
        user,
        exam_id,
        form.values,
        lambda: certificate_service.add_examiner(
            session, exam_id=exam_id, user_id=form.valid().examiner_id
        ),
        "panel",
        N_("The examiner was added."),
    )


@router.post("/{exam_id}/candidates")
def add_candidate(
    request: Request,
    session: SessionDep,
    exam_id: PathId,
    user: AdminUser,
    form: FormOf(CandidateForm),
) -> Response:
    return _admin_post(
        request,
        session,
        user,
        exam_id,
        form.values,
        lambda: certificate_service.add_candidate(
            session, exam_id=exam_id, student_id=form.valid().student_id
        ),
        "candidates",
        N_("The candidate was added."),
    )


@router.post("/{exam_id}/finalise")
def finalise(request: Request, session: SessionDep, exam_id: PathId, user: AdminUser) -> Response:
    count = certificate_service.finalise_exam(session, actor=user, exam_id=exam_id)
    session.commit()
    return flash(
        redirect(request, f"/exams/{exam_id}"),
        "The exam is finalised: %(n)s certificates were issued.",
        n=count,
    )


def _score(
    request, session, user, exam_id, candidate_id, *, errors=None, form=None, status_code=200
):
    view = certificate_service.exam_view(session, user=user, exam_id=exam_id)
    line = next((c for c in view.candidates if c.candidate.id == candidate_id), None)
    if line is None or not view.is_examiner:
        raise NotFound("This candidate is not on an exam you examine.")
    context = {
        "x": view,
        "line": line,
        "values": view.sheets.get((candidate_id, user.id), {}),
        "errors": errors or {},
        "form": form,
    }
    block = "sheet" if status_code != 200 else None
    return render(
        request, "certificates/exam_score.html", context, block=block, status_code=status_code
    )


@router.get("/{exam_id}/candidates/{candidate_id}")
def score_page(
    request: Request, session: SessionDep, exam_id: PathId, candidate_id: PathId, user: Examiner
) -> Response:
    return _score(request, session, user, exam_id, candidate_id)


@router.post("/{exam_id}/candidates/{candidate_id}")
def save_scores(
    request: Request,
    session: SessionDep,
    exam_id: PathId,
    candidate_id: PathId,
    user: Examiner,
    form: FormOf(ScoresForm),
) -> Response:
    certificate_service.own_candidate(
        session, examiner=user, exam_id=exam_id, candidate_id=candidate_id
    )
    try:
        certificate_service.save_exam_scores(
            session,
            examiner=user,
            exam_id=exam_id,
            candidate_id=candidate_id,
            form=form.valid(),
        )
    except FormErrors as exc:
        session.rollback()
        return _score(
            request,
            session,
            user,
            exam_id,
            candidate_id,
            errors=exc.errors,
            form=form.values,
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, f"/exams/{exam_id}"), "The scores were saved.")

"""The term calendar (校历): administrators manage terms, holidays and exam weeks; everyone
logged in reads the current term week by week."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, FormOf, PathId
from app.errors import FormErrors
from app.schemas.terms import PeriodForm, TermForm
from app.services import terms as term_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/terms", route_class=SessionRoute)

TermSubmission = FormOf(TermForm)
PeriodSubmission = FormOf(PeriodForm)


@router.get("", dependencies=[AdminOnly])
def term_list(request: Request, session: SessionDep) -> Response:
    terms = term_service.list_terms(session)
    return render(request, "terms/list.html", {"terms": terms})


def _calendar_page(request, session, term):
    calendar = term_service.term_calendar(session, term=term) if term is not None else None
    context = {
        "calendar": calendar,
        "period_labels": term_service.PERIOD_LABELS,
        "terms": term_service.list_terms(session),  # to look at the next term, or the last
    }
    return render(request, "terms/calendar.html", context)


@router.get("/calendar", dependencies=[AnyUser])
def current_calendar(request: Request, session: SessionDep) -> Response:
    return _calendar_page(request, session, term_service.current_term(session))


@router.get("/{term_id:int}", dependencies=[AnyUser])
def term_calendar(request: Request, session: SessionDep, term_id: PathId) -> Response:
    return _calendar_page(request, session, term_service.get_term(session, term_id=term_id))


def _form_page(
    request,
    session,
    form,
    *,
    errors,
    term=None,
    status_code=200,
    block=None,
    period_form=None,
    period_errors=None,
):
    context = {
        "form": form,
        "errors": errors,
        "term": term,
        "periods": term_service.list_periods(session, term_id=term.id) if term else [],
        "period_form": period_form or PeriodForm.initial(kind="holiday"),
        "period_errors": period_errors or {},
        "period_labels": term_service.PERIOD_LABELS,
    }
    return render(request, "terms/form.html", context, block=block, status_code=status_code)


@router.get("/new", dependencies=[AdminOnly])
def new_term_page(request: Request, session: SessionDep) -> Response:
    return _form_page(request, session, TermForm.initial(), errors={})


@router.post("/new", dependencies=[AdminOnly])
def create_term(request: Request, session: SessionDep, form: TermSubmission) -> Response:
    try:
        term = term_service.save_term(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _form_page(
            request, session, form.values, errors=exc.errors, status_code=422, block="term_form"
        )
    session.commit()
    return flash(redirect(request, f"/terms/{term.id}/edit"), "The term has been saved.")


@router.get("/{term_id:int}/edit", dependencies=[AdminOnly])
def edit_term_page(request: Request, session: SessionDep, term_id: PathId) -> Response:
    term = term_service.get_term(session, term_id=term_id)
    return _form_page(request, session, term_service.term_form_values(term), errors={}, term=term)


@router.post("/{term_id:int}/edit", dependencies=[AdminOnly])
def update_term(
    request: Request, session: SessionDep, term_id: PathId, form: TermSubmission
) -> Response:
    term_service.get_term(session, term_id=term_id)
    try:
        term_service.save_term(session, form=form.valid(), term_id=term_id)
    except FormErrors as exc:
        session.rollback()
        term = term_service.get_term(session, term_id=term_id)
        return _form_page(
            request,
            session,
            form.values,
            errors=exc.errors,
            term=term,
            status_code=422,
            block="term_form",
        )
    session.commit()
    return flash(redirect(request, f"/terms/{term_id}/edit"), "The term has been saved.")


@router.post("/{term_id:int}/periods", dependencies=[AdminOnly])
def add_period(
    request: Request, session: SessionDep, term_id: PathId, form: PeriodSubmission
) -> Response:
    term_service.get_term(session, term_id=term_id)
    try:
        term_service.add_period(session, term_id=term_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        term = term_service.get_term(session, term_id=term_id)
        return _form_page(
            request,
            session,
            term_service.term_form_values(term),
            errors={},
            term=term,
            status_code=422,
            block="period_form",
            period_form=form.values,
            period_errors=exc.errors,
        )
    session.commit()
    response = redirect(request, f"/terms/{term_id}/edit")
    return flash(response, "The holiday or exam week has been added.")


@router.post("/{term_id:int}/periods/{period_id:int}/delete", dependencies=[AdminOnly])
def remove_period(
    request: Request, session: SessionDep, term_id: PathId, period_id: PathId
) -> Response:
    term_service.remove_period(session, term_id=term_id, period_id=period_id)
    session.commit()
    response = redirect(request, f"/terms/{term_id}/edit")
    return flash(response, "The holiday or exam week has been removed.")

"""Term series: teachers book a studio by teaching week (holidays and exam weeks skipped),
see one series, edit its future occurrences, and cancel or move single occurrences."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PathId, Staff
from app.errors import Conflict, FormErrors, Invalid
from app.models import User
from app.models.studios import Purpose
from app.schemas.bookings import ReasonForm
from app.schemas.terms import MoveForm, SeriesEditForm, TermSeriesActionForm, TermSeriesForm
from app.services import bookings as booking_service
from app.services import studios as studio_service
from app.services import terms as term_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/bookings", route_class=SessionRoute)

StaffUser = Annotated[User, Staff]
SeriesSubmission = FormOf(TermSeriesActionForm)
EditSubmission = FormOf(SeriesEditForm)
MoveSubmission = FormOf(MoveForm)
ReasonSubmission = FormOf(ReasonForm)


def _new_page(
    request, session, user, form, *, preview=None, errors=None, message="", status_code=200
):
    context = {
        "form": form,
        "preview": preview,
        "errors": errors or {},
        "message": message,
        "terms": term_service.list_terms(session),
        "studios": [row.studio for row in studio_service.list_studios(session)],
        "purposes": booking_service.purposes_for(user),
        "purpose_labels": booking_service.PURPOSE_LABELS,
        "teams": booking_service.team_choices(session, user=user),
        "mine": term_service.my_term_series(session, actor=user),
    }
    return render(
        request, "term_series/new.html", context, block="term_series", status_code=status_code
    )


@router.get("/term-series")
def new_term_series(request: Request, session: SessionDep, user: StaffUser) -> Response:
    term = term_service.current_term(session)
    form = TermSeriesForm.initial(
        minutes="90",
        purpose=Purpose.course.value,
        term_id=term.id if term else "",
        weeks=f"1-{term_service.week_count(term)}" if term else "",
    )
    return _new_page(request, session, user, form)


@router.post("/term-series")
def submit_term_series(
    request: Request, session: SessionDep, user: StaffUser, form: SeriesSubmission
) -> Response:
    shown = form.values
    try:
        data = form.valid()
        if not data.commits:
            preview = term_service.preview_term_series(session, actor=user, form=data)
            session.rollback()  # the preview writes nothing (but due statuses)
            return _new_page(request, session, user, shown, preview=preview)
        series, bookings = term_service.commit_term_series(
            session, actor=user, form=data, expected=list(data.occurrences)
        )
    except FormErrors as exc:
        session.rollback()
        return _new_page(request, session, user, shown, errors=exc.errors, status_code=422)
    except (Conflict, Invalid) as exc:
        session.rollback()
        preview = term_service.preview_term_series(session, actor=user, form=data)
        session.rollback()
        return _new_page(
            request,
            session,
            user,
            shown,
            preview=preview,
            message=exc.message,
            status_code=exc.status_code,
        )
    series_id = series.id
    session.commit()
    response = redirect(request, f"/bookings/series/{series_id}")
    return flash(response, "%(n)s occurrences are booked.", n=len(bookings))


def _series_page(
    request,
    session,
    user,
    series_id,
    *,
    form=None,
    errors=None,
    message="",
    params=None,
    status_code=200,
):
    view = term_service.series_view(session, series_id=series_id, actor=user)
    context = {
        "v": view,
        "form": form or term_service.edit_form_values(view),
        "errors": errors or {},
        "message": message,
        "message_params": params or {},
        "exception_labels": term_service.EXCEPTION_LABELS,
        "purpose_labels": booking_service.PURPOSE_LABELS,
    }
    return render(request, "term_series/detail.html", context, status_code=status_code)


@router.get("/series/{series_id:int}")
def series_page(request: Request, session: SessionDep, user: StaffUser, series_id: PathId):
    return _series_page(request, session, user, series_id)


@router.post("/series/{series_id:int}/edit")
def edit_series(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    series_id: PathId,
    form: EditSubmission,
) -> Response:
    term_service.series_view(session, series_id=series_id, actor=user)  # 404/403 first
    try:
        count = term_service.edit_series(
            session, series_id=series_id, actor=user, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        return _series_page(
            request, session, user, series_id, form=form.values, errors=exc.errors, status_code=422
        )
    except Conflict as exc:
        session.rollback()
        return _series_page(
            request,
            session,
            user,
            series_id,
            form=form.values,
            message=exc.message,
            params=exc.params,
            status_code=409,
        )
    session.commit()
    response = redirect(request, f"/bookings/series/{series_id}")
    return flash(response, "The series is changed: %(n)s future occurrences.", n=count)


@router.post("/series/{series_id:int}/occurrences/{booking_id:int}/cancel")
def cancel_occurrence(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    series_id: PathId,
    booking_id: PathId,
    form: ReasonSubmission,
) -> Response:
    term_service.series_view(session, series_id=series_id, actor=user)
    try:
        term_service.cancel_occurrence(
            session,
            series_id=series_id,
            booking_id=booking_id,
            actor=user,
            reason=form.valid().reason,
        )
    except FormErrors as exc:
        session.rollback()
        message = next(iter(exc.errors.values()))
        return _series_page(request, session, user, series_id, message=message, status_code=422)
    session.commit()
    response = redirect(request, f"/bookings/series/{series_id}")
    return flash(response, "The occurrence is cancelled; edits of the series keep it cancelled.")


@router.post("/series/{series_id:int}/occurrences/{booking_id:int}/move")
def move_occurrence(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    series_id: PathId,
    booking_id: PathId,
    form: MoveSubmission,
) -> Response:
    term_service.series_view(session, series_id=series_id, actor=user)
    try:
        term_service.move_occurrence(
            session, series_id=series_id, booking_id=booking_id, actor=user, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        message = next(iter(exc.errors.values()))
        return _series_page(request, session, user, series_id, message=message, status_code=422)
    except booking_service.BookingRefused as exc:
        session.rollback()
        return _series_page(
            request,
            session,
            user,
            series_id,
            message=exc.message,
            params=exc.params,
            status_code=exc.status_code,
        )
    session.commit()
    response = redirect(request, f"/bookings/series/{series_id}")
    return flash(response, "The occurrence is moved; edits of the series leave it there.")

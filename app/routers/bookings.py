"""My bookings, one booking and its actions, the approval queue, the waitlist, recurring
bookings for teachers, missed check-ins (strikes) and their forgiveness."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.config import settings
from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PageParams, PathId, Search, Staff, require_role
from app.errors import Conflict, FormErrors, Invalid
from app.i18n import N_
from app.models import Role, User
from app.models.studios import Purpose
from app.schemas.bookings import (
    ForgiveStrikeForm,
    ReasonForm,
    RecurringActionForm,
    RecurringForm,
)
from app.schemas.fields import without_control_characters
from app.services import bookings as booking_service
from app.services import studios as studio_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/bookings", route_class=SessionRoute)

Booker = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.student))]
StaffUser = Annotated[User, Staff]
ReasonSubmission = FormOf(ReasonForm)
RecurringSubmission = FormOf(RecurringActionForm)
ForgiveSubmission = FormOf(ForgiveStrikeForm)


@router.get("")
def my_bookings(
    request: Request, session: SessionDep, user: Booker, paging: PageParams
) -> Response:
    # A sync handler: run inline on the event loop it served more requests/s but starved
    # a few connections under load (see the dashboard's handler).
    context = _my_bookings_context(session, user, paging)
    return render(request, "bookings/mine.html", context)


def _my_bookings_context(session: SessionDep, user: User, paging: PageParams) -> dict:
    data = booking_service.my_bookings(
        session, user=user, page=paging.page, per_page=paging.per_page
    )
    strikes = booking_service.strike_history(session, user=user)
    session.close()  # the connection goes back before the page renders
    return {
        "data": data,
        "purpose_labels": booking_service.PURPOSE_LABELS,
        "strikes": strikes,
        "check_in_minutes": settings.booking_checkin_after_minutes,
    }


def _detail(request, session, user, booking_id, *, errors=None, status_code=200):
    view = booking_service.get_booking(session, booking_id=booking_id, viewer=user)
    context = {
        "v": view,
        "errors": errors or {},
        "purpose_labels": booking_service.PURPOSE_LABELS,
    }
    return render(
        request,
        "bookings/detail.html",
        context,
        block="actions" if status_code != 200 else None,
        status_code=status_code,
    )


@router.get("/{booking_id:int}")
def booking_page(
    request: Request, session: SessionDep, user: Booker, booking_id: PathId
) -> Response:
    return _detail(request, session, user, booking_id)


@router.post("/{booking_id:int}/cancel")
def cancel(
    request: Request, session: SessionDep, user: Booker, booking_id: PathId, form: ReasonSubmission
) -> Response:
    try:
        reason = form.valid().reason
        booking_service.cancel_booking(session, booking_id=booking_id, actor=user, reason=reason)
    except FormErrors as exc:
        session.rollback()
        return _detail(request, session, user, booking_id, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, f"/bookings/{booking_id}"), "The booking is cancelled.")


@router.post("/{booking_id:int}/checkin")
def check_in(request: Request, session: SessionDep, user: Booker, booking_id: PathId) -> Response:
    booking_service.check_in(session, booking_id=booking_id, actor=user)
    session.commit()
    return flash(redirect(request, f"/bookings/{booking_id}"), "Checked in.")


@router.get("/approvals")
def approvals(
    request: Request, session: SessionDep, user: StaffUser, paging: PageParams
) -> Response:
    page = booking_service.approval_queue(
        session, user=user, page=paging.page, per_page=paging.per_page
    )
    context = {"page": page, "errors": {}, "purpose_labels": booking_service.PURPOSE_LABELS}
    return render(request, "bookings/approvals.html", context)


@router.post("/{booking_id:int}/approve")
def approve(request: Request, session: SessionDep, user: StaffUser, booking_id: PathId) -> Response:
    booking_service.approve_booking(session, booking_id=booking_id, actor=user)
    session.commit()
    return flash(redirect(request, "/bookings/approvals"), "The booking is approved.")


@router.post("/{booking_id:int}/reject")
def reject(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    booking_id: PathId,
    form: ReasonSubmission,
) -> Response:
    try:
        reason = form.valid().reason
        booking_service.reject_booking(session, booking_id=booking_id, actor=user, reason=reason)
    except FormErrors as exc:
        session.rollback()
        return _detail(request, session, user, booking_id, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, "/bookings/approvals"), "The booking is rejected.")


@router.post("/waitlist/{entry_id:int}/leave")
def leave_waitlist(
    request: Request, session: SessionDep, user: Booker, entry_id: PathId
) -> Response:
    booking_service.leave_waitlist(session, entry_id=entry_id, actor=user)
    session.commit()
    return flash(redirect(request, "/bookings"), "You have left the waitlist.")


@router.post("/waitlist/{entry_id:int}/accept")
def accept_offer(request: Request, session: SessionDep, user: Booker, entry_id: PathId) -> Response:
    booking = booking_service.accept_offer(session, entry_id=entry_id, actor=user)
    session.commit()
    booked = N_("The time is yours: it is booked.")
    message = (
        N_("The time is yours: it waits for approval.") if booking.status == "pending" else booked
    )
    return flash(redirect(request, f"/bookings/{booking.id}"), message)


@router.post("/waitlist/{entry_id:int}/decline")
def decline_offer(
    request: Request, session: SessionDep, user: Booker, entry_id: PathId
) -> Response:
    booking_service.decline_offer(session, entry_id=entry_id, actor=user)
    session.commit()
    return flash(
        redirect(request, "/bookings"), "You declined the offer; it goes to the next in line."
    )


def _recurring_page(
    request, session, user, form, *, preview=None, errors=None, message="", status_code=200
):
    context = {
        "form": form,
        "preview": preview,
        "errors": errors or {},
        "message": message,
        "studios": [row.studio for row in studio_service.list_studios(session)],
        "purposes": booking_service.purposes_for(user),
        "purpose_labels": booking_service.PURPOSE_LABELS,
        "teams": booking_service.team_choices(session, user=user),
    }
    return render(
        request, "bookings/recurring.html", context, block="recurring", status_code=status_code
    )


@router.get("/recurring")
def recurring_page(request: Request, session: SessionDep, user: StaffUser) -> Response:
    form = RecurringForm.initial(minutes="90", purpose=Purpose.course.value)
    return _recurring_page(request, session, user, form)


@router.post("/recurring")
def recurring_submit(
    request: Request, session: SessionDep, user: StaffUser, form: RecurringSubmission
) -> Response:
    shown = form.values
    try:
        series = form.valid()
        if not series.commits:
            preview = booking_service.preview_series(session, actor=user, form=series)
            session.rollback()  # the preview writes nothing
            return _recurring_page(request, session, user, shown, preview=preview)
        _series, bookings = booking_service.commit_series(
            session, actor=user, form=series, expected=list(series.occurrences)
        )
    except FormErrors as exc:
        session.rollback()
        return _recurring_page(request, session, user, shown, errors=exc.errors, status_code=422)
    except (Conflict, Invalid) as exc:
        session.rollback()
        preview = booking_service.preview_series(session, actor=user, form=series)
        session.rollback()
        return _recurring_page(
            request,
            session,
            user,
            shown,
            preview=preview,
            message=exc.message,
            status_code=exc.status_code,
        )
    session.commit()
    response = redirect(request, "/bookings")
    return flash(response, "%(n)s occurrences are booked.", n=len(bookings))


def _strikes_page(request, session, *, q="", page=1, per_page=20, failed=None, status_code=200):
    """The strikes page; ``failed``: (booking id, errors, reason sent) of a refused forgiveness."""
    overview = booking_service.strikes_overview(session, q=q, page=page, per_page=per_page)
    failed_id, errors, reason = failed or (None, {}, "")
    context = {
        "page": overview,
        "q": q,
        "failed_id": failed_id,
        "errors": errors,
        "reason": reason,
        "limit": settings.booking_strike_limit,
        "days": settings.booking_suspension_days,
    }
    return render(
        request, "bookings/strikes.html", context, block="results", status_code=status_code
    )


@router.get("/strikes")
def strikes_page(
    request: Request, session: SessionDep, user: StaffUser, paging: PageParams, q: Search = ""
) -> Response:
    """Students who missed check-ins this term, whether they are suspended, and forgiveness."""
    return _strikes_page(request, session, q=q, page=paging.page, per_page=paging.per_page)


@router.post("/strikes/{booking_id:int}/forgive")
def forgive_strike(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    booking_id: PathId,
    form: ForgiveSubmission,
) -> Response:
    q = without_control_characters(str(form.values.q))[:100]
    try:
        reason = form.valid().reason
        booking_service.forgive_strike(session, booking_id=booking_id, actor=user, reason=reason)
    except FormErrors as exc:
        session.rollback()
        failed = (booking_id, exc.errors, form.values.reason)
        return _strikes_page(request, session, q=q, failed=failed, status_code=422)
    session.commit()
    target = "/bookings/strikes" + (f"?{urlencode({'q': q})}" if q else "")
    return flash(redirect(request, target), "The missed check-in is forgiven.")

"""Equipment kits for those who book: the items with their free units for a time,
reserving some, my kit reservations and cancelling one."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PageParams, PathId, QueryOf, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.models.base import utcnow
from app.schemas.kits import KitReserveForm, KitWhenFilter
from app.services import clock
from app.services import kits as kit_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/kits", route_class=SessionRoute)

Booker = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.student))]
When = QueryOf(KitWhenFilter)


def _kits_page(
    request, session, *, day, minute, minutes, errors=None, failed=None, status_code=200
):
    starts_at, ends_at, minute = kit_service.span_to_show(day=day, minute=minute, minutes=minutes)
    rows = kit_service.availability(session, starts_at=starts_at, ends_at=ends_at)
    context = {
        "rows": rows,
        "when": {"date": day.isoformat(), "time": clock.hhmm(minute), "minutes": minutes},
        "starts_at": starts_at,
        "ends_at": ends_at,
        "errors": errors or {},
        "failed": failed or {},
        "category_labels": kit_service.CATEGORY_LABELS,
    }
    session.close()
    return render(request, "kits/index.html", context, status_code=status_code)


@router.get("")
def kits_page(request: Request, session: SessionDep, user: Booker, when: When) -> Response:
    return _kits_page(
        request, session, day=when.date or clock.today(), minute=when.time, minutes=when.minutes
    )


@router.post("/reserve")
def reserve(
    request: Request, session: SessionDep, user: Booker, form: FormOf(KitReserveForm)
) -> Response:
    try:
        kit_service.reserve_from_form(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        when = KitWhenFilter.lenient(form.values)
        failed = {"item_id": form.values.get("item_id", ""), **form.values}
        return _kits_page(
            request,
            session,
            day=when.date or clock.today(),
            minute=when.time,
            minutes=when.minutes,
            errors=exc.errors,
            failed=failed,
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, "/kits/mine"), "The kit is reserved. Collect it at the desk.")


@router.get("/mine")
def my_kits(request: Request, session: SessionDep, user: Booker, paging: PageParams) -> Response:
    page = kit_service.my_reservations(
        session, user=user, page=paging.page, per_page=paging.per_page
    )
    context = {"page": page, "now": utcnow(), "category_labels": kit_service.CATEGORY_LABELS}
    return render(request, "kits/mine.html", context)


@router.post("/reservations/{reservation_id:int}/cancel")
def cancel(request: Request, session: SessionDep, user: Booker, reservation_id: PathId) -> Response:
    kit_service.cancel_reservation(session, reservation_id=reservation_id, actor=user)
    session.commit()
    return flash(redirect(request, "/kits/mine"), "The kit reservation is cancelled.")

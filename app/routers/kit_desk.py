"""The kit desk for teachers and administrators (today's handouts and returns, the kits
out past their due time) and the items themselves (administrators)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PageParams, PathId, Staff
from app.errors import FormErrors
from app.models import User
from app.models.base import utcnow
from app.schemas.kits import CheckoutForm, ItemForm, ReturnForm
from app.schemas.times import date_or_none
from app.services import clock
from app.services import kits as kit_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/kits", route_class=SessionRoute)

StaffUser = Annotated[User, Staff]
QueryText = Annotated[str, Query(max_length=20)]
ItemSubmission = FormOf(ItemForm)


@router.get("/desk")
def desk(request: Request, session: SessionDep, user: StaffUser, day: QueryText = "") -> Response:
    chosen = date_or_none(day) or clock.today()
    context = {
        "day": chosen,
        "rows": kit_service.desk_day(session, day=chosen),
        "now": utcnow(),
        "category_labels": kit_service.CATEGORY_LABELS,
    }
    return render(request, "kits/desk.html", context)


def _back_to_desk(request: Request, day: str) -> str:
    chosen = date_or_none(day)
    return f"/kits/desk?day={chosen.isoformat()}" if chosen else "/kits/desk"


@router.post("/reservations/{reservation_id:int}/checkout")
def check_out(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    reservation_id: PathId,
    form: FormOf(CheckoutForm),
    day: QueryText = "",
) -> Response:
    note = form.valid().note
    kit_service.check_out(session, reservation_id=reservation_id, actor=user, note=note)
    session.commit()
    return flash(redirect(request, _back_to_desk(request, day)), "The kit is handed out.")


@router.post("/reservations/{reservation_id:int}/return")
def return_kit(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    reservation_id: PathId,
    form: FormOf(ReturnForm),
    day: QueryText = "",
) -> Response:
    data = form.valid()
    kit_service.return_kit(
        session, reservation_id=reservation_id, actor=user, note=data.note, damaged=data.damaged
    )
    session.commit()
    return flash(redirect(request, _back_to_desk(request, day)), "The kit is back.")


@router.get("/overdue", dependencies=[Staff])
def overdue(request: Request, session: SessionDep, paging: PageParams) -> Response:
    now = utcnow()
    page = kit_service.overdue(session, page=paging.page, per_page=paging.per_page, now=now)
    context = {"page": page, "now": now, "category_labels": kit_service.CATEGORY_LABELS}
    return render(request, "kits/overdue.html", context)


@router.get("/items", dependencies=[AdminOnly])
def items(request: Request, session: SessionDep) -> Response:
    context = {
        "rows": kit_service.list_items(session),
        "category_labels": kit_service.CATEGORY_LABELS,
    }
    return render(request, "kits/items.html", context)


def _item_page(request, session, form, *, errors, item=None, status_code=200):
    context = {
        "form": form,
        "errors": errors,
        "item": item,
        "studios": kit_service.studio_choices(session),
        "category_labels": kit_service.CATEGORY_LABELS,
    }
    block = "item_form" if status_code == 422 else None
    return render(request, "kits/item_form.html", context, block=block, status_code=status_code)


@router.get("/items/new", dependencies=[AdminOnly])
def new_item_page(request: Request, session: SessionDep) -> Response:
    return _item_page(request, session, kit_service.item_form(), errors={})


@router.post("/items/new", dependencies=[AdminOnly])
def create_item(request: Request, session: SessionDep, form: ItemSubmission) -> Response:
    try:
        kit_service.save_item(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _item_page(request, session, form.values, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, "/kits/items"), "The item has been saved.")


@router.get("/items/{item_id:int}/edit", dependencies=[AdminOnly])
def edit_item_page(request: Request, session: SessionDep, item_id: PathId) -> Response:
    item = kit_service.get_item(session, item_id=item_id)
    return _item_page(request, session, kit_service.item_form(item), errors={}, item=item)


@router.post("/items/{item_id:int}/edit", dependencies=[AdminOnly])
def update_item(
    request: Request, session: SessionDep, item_id: PathId, form: ItemSubmission
) -> Response:
    item = kit_service.get_item(session, item_id=item_id)
    try:
        kit_service.save_item(session, form=form.valid(), item_id=item.id)
    except FormErrors as exc:
        session.rollback()
        item = kit_service.get_item(session, item_id=item_id)
        return _item_page(
            request, session, form.values, errors=exc.errors, item=item, status_code=422
        )
    session.commit()
    return flash(redirect(request, "/kits/items"), "The item has been saved.")


@router.post("/items/{item_id:int}/delete", dependencies=[AdminOnly])
def delete_item(request: Request, session: SessionDep, item_id: PathId) -> Response:
    kit_service.delete_item(session, item_id=item_id)
    session.commit()
    return flash(redirect(request, "/kits/items"), "The item has been deleted.")

"""Studios: the list for everyone who books; settings, photo, blackouts and QR for admins."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PathId, Staff, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.schemas.studios import BlackoutForm, StudioForm
from app.services import bookings as booking_service
from app.services import studios as studio_service
from app.services.qr import checkin_qr_data_uri
from app.web import flash, redirect, render

router = APIRouter(prefix="/studios", route_class=SessionRoute)

Bookers = Depends(require_role(Role.admin, Role.teacher, Role.student))
Admin = Annotated[User, AdminOnly]
StudioSubmission = FormOf(StudioForm)
BlackoutSubmission = FormOf(BlackoutForm)


def _form_page(request, session, form, *, errors, studio=None, status_code=200, block=None):
    context = {
        "form": form,
        "errors": errors,
        "studio": studio,
        "approvers": studio_service.approver_choices(session),
        "slot_choices": studio_service.SLOT_CHOICES,
    }
    return render(request, "studios/form.html", context, block=block, status_code=status_code)


@router.get("", dependencies=[Bookers])
def studio_list(request: Request, session: SessionDep) -> Response:
    rows = studio_service.list_studios(session)
    photos = studio_service.studios_with_photo(session)
    return render(request, "studios/list.html", {"rows": rows, "photos": photos})


@router.get("/new", dependencies=[AdminOnly])
def new_studio_page(request: Request, session: SessionDep) -> Response:
    return _form_page(request, session, studio_service.studio_form(session), errors={})


@router.post("/new", dependencies=[AdminOnly])
def create_studio(request: Request, session: SessionDep, form: StudioSubmission) -> Response:
    try:
        studio = studio_service.save_studio(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _form_page(
            request, session, form.values, errors=exc.errors, status_code=422, block="studio_form"
        )
    session.commit()
    return flash(redirect(request, f"/studios/{studio.id}"), "The studio has been saved.")


@router.get("/{studio_id:int}/edit", dependencies=[AdminOnly])
def edit_studio_page(request: Request, session: SessionDep, studio_id: PathId) -> Response:
    studio = studio_service.get_studio(session, studio_id=studio_id)
    form = studio_service.studio_form(session, studio)
    return _form_page(request, session, form, errors={}, studio=studio)


@router.post("/{studio_id:int}/edit", dependencies=[AdminOnly])
def update_studio(
    request: Request, session: SessionDep, studio_id: PathId, form: StudioSubmission
) -> Response:
    try:
        studio = studio_service.save_studio(session, form=form.valid(), studio_id=studio_id)
    except FormErrors as exc:
        session.rollback()
        studio = studio_service.get_studio(session, studio_id=studio_id)
        return _form_page(
            request,
            session,
            form.values,
            errors=exc.errors,
            studio=studio,
            status_code=422,
            block="studio_form",
        )
    session.commit()
    return flash(redirect(request, f"/studios/{studio.id}"), "The studio has been saved.")


@router.post("/{studio_id:int}/photo", dependencies=[AdminOnly])
def upload_photo(
    request: Request, session: SessionDep, studio_id: PathId, photo: UploadFile | None = File(None)
) -> Response:
    data = photo.file.read(studio_service.PHOTO_MAX_BYTES + 1) if photo else b""
    try:
        studio_service.set_photo(session, studio_id=studio_id, data=data)
    except FormErrors as exc:
        studio = studio_service.get_studio(session, studio_id=studio_id)
        form = studio_service.studio_form(session, studio)
        return _form_page(request, session, form, errors=exc.errors, studio=studio, status_code=422)
    session.commit()
    return flash(redirect(request, f"/studios/{studio_id}/edit"), "The photo has been saved.")


@router.get("/{studio_id:int}/photo", dependencies=[Bookers])
def studio_photo(session: SessionDep, studio_id: PathId) -> Response:
    photo = studio_service.get_photo(session, studio_id=studio_id)
    headers = {"Cache-Control": "private, max-age=300"}
    return Response(photo.data, media_type=photo.content_type, headers=headers)


def _blackouts_page(request, session, studio_id, *, errors, values, status_code=200):
    studio = studio_service.get_studio(session, studio_id=studio_id)
    context = {
        "studio": studio,
        "blackouts": studio_service.list_blackouts(session, studio_id=studio_id),
        "errors": errors,
        "values": values,
    }
    return render(
        request,
        "studios/blackouts.html",
        context,
        block="blackout_form" if status_code == 422 else None,
        status_code=status_code,
    )


@router.get("/{studio_id:int}/blackouts", dependencies=[AdminOnly])
def blackouts_page(request: Request, session: SessionDep, studio_id: PathId) -> Response:
    return _blackouts_page(request, session, studio_id, errors={}, values=BlackoutForm.initial())


@router.post("/{studio_id:int}/blackouts")
def add_blackout(
    request: Request, session: SessionDep, studio_id: PathId, actor: Admin, form: BlackoutSubmission
) -> Response:
    try:
        studio_service.add_blackout(session, studio_id=studio_id, actor=actor, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _blackouts_page(
            request, session, studio_id, errors=exc.errors, values=form.values, status_code=422
        )
    session.commit()
    response = redirect(request, f"/studios/{studio_id}/blackouts")
    return flash(response, "The blackout has been added.")


@router.post("/{studio_id:int}/blackouts/{blackout_id:int}/delete", dependencies=[AdminOnly])
def remove_blackout(
    request: Request, session: SessionDep, studio_id: PathId, blackout_id: PathId
) -> Response:
    studio_service.remove_blackout(session, studio_id=studio_id, blackout_id=blackout_id)
    session.commit()
    response = redirect(request, f"/studios/{studio_id}/blackouts")
    return flash(response, "The blackout has been removed.")


@router.get("/{studio_id:int}/qr", dependencies=[Staff])
def studio_qr(request: Request, session: SessionDep, studio_id: PathId) -> Response:
    """The QR for the screen by the door: it carries the door's current code and the page
    reloads itself when the code changes, so a photo of it soon stops working."""
    studio = studio_service.get_studio(session, studio_id=studio_id)
    code = booking_service.door_codes.current_code(studio.id)
    url = str(request.base_url).rstrip("/") + f"/studios/{studio.id}/checkin?code={code}"
    context = {"studio": studio, "qr": checkin_qr_data_uri(url), "url": url}
    reload_in = str(booking_service.door_codes.seconds_left() + 1)
    headers = {"Cache-Control": "no-store", "Refresh": reload_in}
    return render(request, "studios/qr.html", context, headers=headers)


@router.post("/{studio_id:int}/feed", dependencies=[AdminOnly])
def regenerate_studio_feed(request: Request, session: SessionDep, studio_id: PathId) -> Response:
    studio_service.get_studio(session, studio_id=studio_id)
    booking_service.regenerate_feed(session, studio_id=studio_id)
    session.commit()
    response = redirect(request, f"/studios/{studio_id}/edit")
    return flash(response, "A new calendar address has been made; the old one stops working.")

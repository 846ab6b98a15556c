"""Training programmes: versions by semester, placements (administrators, and teachers for
their own courses in a draft), bounds, publishing, differences, the coverage map, the gap
report and the XLSX/PDF exports (a draft's marked 草案 Draft)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, CurrentUser, FormOf, PathId, Staff
from app.errors import FormErrors
from app.exports import programme as programme_export
from app.models import Role
from app.models.curriculum import SEMESTERS
from app.schemas.curriculum import BoundsForm, MoveForm, PlacementForm, ProgrammeForm
from app.services import curriculum as curriculum_service
from app.web import download, flash, redirect, render

router = APIRouter(prefix="/programmes", route_class=SessionRoute)


def _version_url(programme_id: int, version_id: int, suffix: str = "") -> str:
    return f"/programmes/{programme_id}/versions/{version_id}{suffix}"


@router.get("", dependencies=[Staff])
def programme_list(request: Request, session: SessionDep) -> Response:
    context = {"programmes": curriculum_service.list_programmes(session), "form": {}, "errors": {}}
    return render(request, "programmes/list.html", context)


@router.post("", dependencies=[AdminOnly])
def create_programme(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormOf(ProgrammeForm),
) -> Response:
    try:
        programme, version = curriculum_service.create_programme(
            session, actor=user, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = {
            "programmes": curriculum_service.list_programmes(session),
            "form": form.values,
            "errors": exc.errors,
        }
        return render(
            request, "programmes/list.html", context, block="programme_form", status_code=422
        )
    session.commit()
    return flash(
        redirect(request, _version_url(programme.id, version.id)), "The programme has been created."
    )


@router.get("/{programme_id}", dependencies=[Staff])
def latest(request: Request, session: SessionDep, programme_id: PathId) -> Response:
    version = curriculum_service.latest_version(session, programme_id)
    return redirect(request, _version_url(programme_id, version.id))


@router.post("/{programme_id}/bounds", dependencies=[AdminOnly])
def save_bounds(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    programme_id: PathId,
    form: FormOf(BoundsForm),
) -> Response:
    version = curriculum_service.latest_version(session, programme_id)
    try:
        curriculum_service.update_bounds(
            session, actor=user, programme_id=programme_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        return _version_page(
            request,
            session,
            programme_id,
            version.id,
            bounds_form=form.values,
            bounds_errors=exc.errors,
            status_code=422,
            block="bounds_form",
        )
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version.id, "#bounds")),
        "The bounds have been saved.",
    )


@router.post("/{programme_id}/versions", dependencies=[AdminOnly])
def new_version(request: Request, session: SessionDep, user: CurrentUser, programme_id: PathId):
    version = curriculum_service.new_version(session, actor=user, programme_id=programme_id)
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version.id)),
        "Version %(n)s has been started as a copy of the last one.",
        n=version.number,
    )


def _version_page(
    request,
    session,
    programme_id,
    version_id,
    *,
    place_form=None,
    place_errors=None,
    bounds_form=None,
    bounds_errors=None,
    status_code=200,
    block="plan",
) -> Response:
    view = curriculum_service.kept_version_view(
        session, programme_id=programme_id, version_id=version_id
    )
    p = view.programme
    user = request.state.auth.user
    unplaced, editable = curriculum_service.placing_rights(
        session, actor=user, version=view.version, placed=view.courses
    )
    context = {
        "view": view,
        "programme": p,
        "version": view.version,
        "semesters": SEMESTERS,
        "unplaced": unplaced,
        "editable": editable,
        "can_place": not view.version.is_published
        and (user.role == Role.admin or bool(unplaced or editable)),
        "place_form": place_form or {},
        "place_errors": place_errors or {},
        "bounds_form": bounds_form
        or {
            name: "" if getattr(p, name) is None else getattr(p, name)
            for name in curriculum_service.BOUND_FIELDS
        },
        "bounds_errors": bounds_errors or {},
        "base": _version_url(p.id, view.version.id),
        "is_admin": user.role == Role.admin,
    }
    return render(request, "programmes/version.html", context, block=block, status_code=status_code)


@router.get("/{programme_id}/versions/{version_id}", dependencies=[Staff])
def version_page(request: Request, session: SessionDep, programme_id: PathId, version_id: PathId):
    return _version_page(request, session, programme_id, version_id)


@router.post("/{programme_id}/versions/{version_id}/placements", dependencies=[Staff])
def place_course(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    programme_id: PathId,
    version_id: PathId,
    form: FormOf(PlacementForm),
) -> Response:
    curriculum_service.editable_version(
        session, actor=user, programme_id=programme_id, version_id=version_id
    )
    try:
        curriculum_service.place_course(
            session,
            actor=user,
            programme_id=programme_id,
            version_id=version_id,
            form=form.valid(),
        )
    except FormErrors as exc:
        session.rollback()
        return _version_page(
            request,
            session,
            programme_id,
            version_id,
            place_form=form.values,
            place_errors=exc.errors,
            status_code=422,
        )
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version_id, "#place")),
        "The course has been placed.",
    )


@router.post(
    "/{programme_id}/versions/{version_id}/placements/{placement_id}", dependencies=[Staff]
)
def move_placement(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    programme_id: PathId,
    version_id: PathId,
    placement_id: PathId,
    form: FormOf(MoveForm),
) -> Response:
    curriculum_service.editable_version(
        session, actor=user, programme_id=programme_id, version_id=version_id
    )
    try:
        curriculum_service.move_placement(
            session,
            actor=user,
            programme_id=programme_id,
            version_id=version_id,
            placement_id=placement_id,
            form=form.valid(),
        )
    except FormErrors as exc:
        session.rollback()
        return _version_page(
            request, session, programme_id, version_id, place_errors=exc.errors, status_code=422
        )
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version_id)), "The course has been moved."
    )


@router.post(
    "/{programme_id}/versions/{version_id}/placements/{placement_id}/delete",
    dependencies=[Staff],
)
def remove_placement(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    programme_id: PathId,
    version_id: PathId,
    placement_id: PathId,
) -> Response:
    curriculum_service.remove_placement(
        session,
        actor=user,
        programme_id=programme_id,
        version_id=version_id,
        placement_id=placement_id,
    )
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version_id)),
        "The course has been taken out of the programme.",
    )


@router.post("/{programme_id}/versions/{version_id}/publish", dependencies=[AdminOnly])
def publish(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    programme_id: PathId,
    version_id: PathId,
) -> Response:
    version = curriculum_service.publish_version(
        session, actor=user, programme_id=programme_id, version_id=version_id
    )
    session.commit()
    return flash(
        redirect(request, _version_url(programme_id, version_id)),
        "Version %(n)s has been published and is now frozen.",
        n=version.number,
    )


@router.get("/{programme_id}/versions/{version_id}/diff", dependencies=[Staff])
def diff_page(
    request: Request,
    session: SessionDep,
    programme_id: PathId,
    version_id: PathId,
    against: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    view = curriculum_service.version_view(
        session, programme_id=programme_id, version_id=version_id
    )
    others = [v for v in view.versions if v.id != view.version.id]
    before = None
    if against is not None:
        before = curriculum_service.get_version(
            session, programme_id=programme_id, version_id=against
        )
    elif others:
        older = [v for v in others if v.number < view.version.number]
        before = older[0] if older else others[0]
    changes = (
        curriculum_service.diff_versions(session, before_id=before.id, after_id=view.version.id)
        if before is not None
        else []
    )
    context = {
        "view": view,
        "programme": view.programme,
        "version": view.version,
        "before": before,
        "others": others,
        "changes": changes,
    }
    return render(request, "programmes/diff.html", context)


@router.get("/{programme_id}/versions/{version_id}/coverage", dependencies=[Staff])
def coverage_page(request: Request, session: SessionDep, programme_id: PathId, version_id: PathId):
    cmap = curriculum_service.kept_coverage_map(
        session, programme_id=programme_id, version_id=version_id
    )
    context = {"cmap": cmap, "programme": cmap.view.programme, "version": cmap.view.version}
    return render(request, "programmes/coverage.html", context)


@router.get("/{programme_id}/versions/{version_id}/gaps", dependencies=[Staff])
def gaps_page(request: Request, session: SessionDep, programme_id: PathId, version_id: PathId):
    report = curriculum_service.kept_gap_report(
        session, programme_id=programme_id, version_id=version_id
    )
    context = {"report": report, "programme": report.view.programme, "version": report.view.version}
    return render(request, "programmes/gaps.html", context)


@router.get("/{programme_id}/versions/{version_id}/export.xlsx", dependencies=[Staff])
def export_xlsx(session: SessionDep, programme_id: PathId, version_id: PathId) -> Response:
    """A published version as filed, or a draft marked 草案 Draft."""
    view = curriculum_service.version_view(
        session, programme_id=programme_id, version_id=version_id
    )
    return download(programme_export.programme_xlsx(view), programme_export.filename(view, "xlsx"))


@router.get("/{programme_id}/versions/{version_id}/export.pdf", dependencies=[Staff])
def export_pdf(session: SessionDep, programme_id: PathId, version_id: PathId) -> Response:
    """A published version as filed, or a draft with a 草案 watermark."""
    view = curriculum_service.version_view(
        session, programme_id=programme_id, version_id=version_id
    )
    return download(programme_export.programme_pdf(view), programme_export.filename(view, "pdf"))

"""Certificate awards: the list (staff), issuing by hand and in bulk (admins), each award's
page with its QR code and PDF (holder and staff), and revoking (admins)."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import (
    AdminOnly,
    AnyUser,
    CurrentUser,
    FormOf,
    PageParams,
    PathId,
    Search,
    Staff,
    require_role,
)
from app.errors import FormErrors
from app.exports import certificates as certificates_pdf
from app.exports import templates as templates_export
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.schemas.certificates import AwardIssueForm, ImportForm, RevokeForm
from app.services import certificates as certificate_service
from app.services import clock, uploads
from app.services import contests as contest_service
from app.services.curriculum import CERT_LEVEL_LABELS
from app.services.pagination import Page
from app.web import download, flash, redirect, render

router = APIRouter(prefix="/certificates", route_class=SessionRoute)

AdminUser = Annotated[User, Depends(require_role(Role.admin))]


def _labels() -> dict:
    return {
        "STATUS_LABELS": certificate_service.STATUS_LABELS,
        "SOURCE_LABELS": certificate_service.SOURCE_LABELS,
        "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS,
    }


@router.get("/awards", dependencies=[Staff])
def awards_page(
    request: Request,
    session: SessionDep,
    pages: PageParams,
    q: Search = "",
) -> Response:
    rows, total = certificate_service.list_awards(
        session, q=q, page=pages.page, per_page=pages.per_page
    )
    page = Page(rows, total, pages.page, pages.per_page, "/certificates/awards", {"q": q})
    return render(
        request,
        "certificates/list.html",
        {"page": page, "q": q, **_labels()},
        block="results",
    )


def _new(request, session, *, errors=None, form=None, status_code=200):
    context = {
        "types": certificate_service.type_choices(session),
        "students": contest_service.student_choices(session),
        "errors": errors or {},
        "form": form or {},
        "today": clock.today(),
        **_labels(),
    }
    block = "award_form" if status_code != 200 else None
    return render(request, "certificates/new.html", context, block=block, status_code=status_code)


@router.get("/awards/new", dependencies=[AdminOnly])
def new_award_page(request: Request, session: SessionDep) -> Response:
    return _new(request, session)


@router.post("/awards")
def issue_award(
    request: Request, session: SessionDep, user: AdminUser, form: FormOf(AwardIssueForm)
) -> Response:
    try:
        award = certificate_service.issue_by_hand(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _new(request, session, errors=exc.errors, form=form.values, status_code=422)
    session.commit()
    return flash(
        redirect(request, f"/certificates/awards/{award.id}"), "The certificate was issued."
    )


def _url(request: Request, code: str) -> str:
    return certificates_pdf.verification_url(str(request.base_url), code)


@router.get("/awards/{award_id}", dependencies=[AnyUser])
def award_page(
    request: Request, session: SessionDep, award_id: PathId, user: CurrentUser
) -> Response:
    view = certificate_service.award_view(session, user=user, award_id=award_id)
    url = _url(request, view.award.verification_code)
    context = {
        "v": view,
        "url": url,
        "qr": certificates_pdf.qr_data_uri(url),
        "errors": {},
        **_labels(),
    }
    return render(request, "certificates/award.html", context)


@router.get("/awards/{award_id}/certificate.pdf", dependencies=[AnyUser])
def award_pdf(
    request: Request, session: SessionDep, award_id: PathId, user: CurrentUser
) -> Response:
    view = certificate_service.award_view(session, user=user, award_id=award_id)
    content = certificates_pdf.award_pdf(
        view, url=_url(request, view.award.verification_code), locale=request.state.auth.locale
    )
    return download(content, f"{view.award.number}.pdf", inline=True)


@router.post("/awards/{award_id}/revoke")
def revoke_award(
    request: Request,
    session: SessionDep,
    award_id: PathId,
    user: AdminUser,
    form: FormOf(RevokeForm),
) -> Response:
    try:
        certificate_service.revoke_award(
            session, actor=user, award_id=award_id, reason=form.valid().reason
        )
    except FormErrors as exc:
        session.rollback()
        view = certificate_service.award_view(session, user=user, award_id=award_id)
        url = _url(request, view.award.verification_code)
        context = {
            "v": view,
            "url": url,
            "qr": certificates_pdf.qr_data_uri(url),
            "errors": exc.errors,
            **_labels(),
        }
        return render(
            request, "certificates/award.html", context, block="revoke_form", status_code=422
        )
    session.commit()
    return flash(
        redirect(request, f"/certificates/awards/{award_id}"), "The certificate was revoked."
    )


# --- bulk issue --------------------------------------------------------------------------------


def _import_page(request, session, *, errors=None, form=None, status_code=200):
    context = {
        "types": certificate_service.type_choices(session),
        "errors": errors or {},
        "form": form or {},
        "today": clock.today(),
        **_labels(),
    }
    block = "import_form" if status_code != 200 else None
    return render(
        request, "certificates/import.html", context, block=block, status_code=status_code
    )


@router.get("/import", dependencies=[AdminOnly])
def import_page(request: Request, session: SessionDep) -> Response:
    return _import_page(request, session)


@router.get("/import/template.csv", dependencies=[AdminOnly])
def import_template() -> Response:
    return download(templates_export.certificate_results_csv(), "certificate-results.csv")


@router.post("/import")
def upload_import(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    form: FormOf(ImportForm),
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        content = uploads.read_upload(file, missing=_l("Choose the results file (.xlsx or .csv)."))
        record = certificate_service.create_import(
            session, actor=user, form=form.valid(), filename=file.filename, content=content
        )
    except FormErrors as exc:
        session.rollback()
        return _import_page(request, session, errors=exc.errors, form=form.values, status_code=422)
    session.commit()
    return redirect(request, f"/certificates/import/{record.id}")


@router.get("/import/{import_id}", dependencies=[AdminOnly])
def import_preview(request: Request, session: SessionDep, import_id: PathId) -> Response:
    preview = certificate_service.get_preview(session, import_id=import_id)
    return render(request, "certificates/preview.html", {"p": preview, **_labels()})


@router.post("/import/{import_id}/commit")
def commit_import(
    request: Request, session: SessionDep, import_id: PathId, user: AdminUser
) -> Response:
    try:
        count = certificate_service.commit_import(session, actor=user, import_id=import_id)
    except certificate_service.ImportRejected as exc:
        session.rollback()
        return render(
            request,
            "certificates/preview.html",
            {"p": exc.preview, "rejected": True, **_labels()},
            status_code=422,
        )
    session.commit()
    return flash(
        redirect(request, "/certificates/awards"), "%(n)s certificates were issued.", n=count
    )

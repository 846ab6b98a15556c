"""Competition editions, rounds, tracks and entries; external results.

Admins create editions, rounds and tracks; teachers and admins register entries inside
the registration window (the track's rules are checked and named); an entry's advisors
and admins manage it. Judging a round is in ``judging``.
"""

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
    Staff,
    require_role,
)
from app.errors import FormErrors
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.curriculum import CompetitionLevel
from app.schemas.contests import (
    DeclineForm,
    EditionForm,
    EntryForm,
    ExternalResultForm,
    RoundForm,
    TrackForm,
)
from app.schemas.fields import row_id_or_none
from app.services import clock
from app.services import contests as contest_service
from app.services.pagination import Page
from app.web import flash, redirect, render

router = APIRouter(prefix="/contests", route_class=SessionRoute)

StaffUser = Annotated[User, Depends(require_role(Role.admin, Role.teacher))]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]


def labels() -> dict:
    return {
        "AWARD_LABELS": contest_service.AWARD_LABELS,
        "ROUND_LEVEL_LABELS": contest_service.ROUND_LEVEL_LABELS,
        "ADVISOR_LABELS": contest_service.ADVISOR_LABELS,
        "ENTRY_STATUS_LABELS": contest_service.ENTRY_STATUS_LABELS,
        "levels": [lv.value for lv in CompetitionLevel],
        "awards": list(contest_service.AWARD_LABELS),
    }


# --- editions ----------------------------------------------------------------------------------


def _index(request: Request, session, *, page=1, errors=None, form=None, status_code=200):
    context = {
        "page": contest_service.list_editions(session, page=page),
        "competitions": contest_service.competition_choices(session),
        "errors": errors or {},
        "form": form or {},
        **labels(),
    }
    block = "edition_form" if status_code != 200 else None
    return render(request, "contests/index.html", context, block=block, status_code=status_code)


@router.get("", dependencies=[AnyUser])
def editions_page(request: Request, session: SessionDep, paging: PageParams) -> Response:
    return _index(request, session, page=paging.page)


@router.post("", dependencies=[AdminOnly])
def create_edition(request: Request, session: SessionDep, form: FormOf(EditionForm)) -> Response:
    try:
        edition = contest_service.create_edition(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _index(request, session, errors=exc.errors, form=form.values, status_code=422)
    session.commit()
    return flash(redirect(request, f"/contests/editions/{edition.id}"), "The edition was created.")


def _edition(
    request, session, edition_id, *, user=None, errors=None, form=None, which=None, status_code=200
):
    view = contest_service.edition_view(session, edition_id=edition_id)
    registrations = (
        contest_service.team_registrations(session, user=user, view=view) if user else []
    )
    context = {
        "view": view,
        "registrations": registrations,
        "today": clock.today(),
        "errors": errors or {},
        "form": form or {},
        "which": which,
        **labels(),
    }
    block = f"{which}_form" if which and status_code != 200 else None
    return render(request, "contests/edition.html", context, block=block, status_code=status_code)


@router.get("/editions/{edition_id}")
def edition_page(
    request: Request, session: SessionDep, edition_id: PathId, user: CurrentUser
) -> Response:
    return _edition(request, session, edition_id, user=user)


@router.post("/editions/{edition_id}/rounds", dependencies=[AdminOnly])
def add_round(
    request: Request, session: SessionDep, edition_id: PathId, form: FormOf(RoundForm)
) -> Response:
    try:
        contest_service.add_round(session, edition_id=edition_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _edition(
            request,
            session,
            edition_id,
            errors=exc.errors,
            form=form.values,
            which="round",
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, f"/contests/editions/{edition_id}"), "The round was added.")


@router.post("/editions/{edition_id}/tracks", dependencies=[AdminOnly])
def add_track(
    request: Request, session: SessionDep, edition_id: PathId, form: FormOf(TrackForm)
) -> Response:
    try:
        contest_service.add_track(session, edition_id=edition_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _edition(
            request,
            session,
            edition_id,
            errors=exc.errors,
            form=form.values,
            which="track",
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, f"/contests/editions/{edition_id}"), "The track was added.")


# --- entries -----------------------------------------------------------------------------------


def entry_form_context(session, *, team_id=None) -> dict:
    teachers, mentors = contest_service.advisor_choices(session)
    members = (
        contest_service.active_members(session, team_id=team_id, on=clock.today())
        if team_id
        else []
    )
    return {"teachers": teachers, "mentors": mentors, "members": members}


def _register(request, session, edition_id, *, form, errors=None, status_code=200):
    team_id = row_id_or_none(form.team_id)
    context = {
        "view": contest_service.edition_view(session, edition_id=edition_id),
        "today": clock.today(),
        "teams": contest_service.team_choices(session),
        "team_id": team_id,
        "errors": errors or {},
        "form": form,
        **entry_form_context(session, team_id=team_id),
        **labels(),
    }
    block = "entry_form" if status_code != 200 or request.query_params.get("team_id") else None
    return render(request, "contests/register.html", context, block=block, status_code=status_code)


@router.get("/editions/{edition_id}/register", dependencies=[Staff])
def register_page(request: Request, session: SessionDep, edition_id: PathId) -> Response:
    """The registration form, pre-filled from the query string (choosing a team reloads
    it with the team's members)."""
    form = EntryForm.read(request.query_params)
    return _register(request, session, edition_id, form=form)


@router.post("/editions/{edition_id}/register")
def register_entry(
    request: Request,
    session: SessionDep,
    edition_id: PathId,
    user: StaffUser,
    form: FormOf(EntryForm),
) -> Response:
    try:
        entry = contest_service.register_entry(
            session, actor=user, edition_id=edition_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        return _register(
            request, session, edition_id, errors=exc.errors, form=form.values, status_code=422
        )
    session.commit()
    return flash(redirect(request, f"/contests/entries/{entry.id}"), "The entry is registered.")


def _entry(
    request, session, user, entry_id, *, errors=None, form=None, which="entry", status_code=200
):
    detail = contest_service.entry_detail(session, user=user, entry_id=entry_id)
    teachers, mentors = contest_service.advisor_choices(session)
    context = {
        "d": detail,
        "errors": errors or {},
        "form": form,
        "teachers": teachers,
        "mentors": mentors,
        "members": detail.active_members,
        "chosen_members": {u.id for u in detail.members},
        "chosen_advisors": {u.id for u, _k in detail.advisors},
        "which": which,
        **labels(),
    }
    block = f"{which}_form" if status_code != 200 else None
    return render(request, "contests/entry.html", context, block=block, status_code=status_code)


@router.get("/entries/{entry_id}")
def entry_page(
    request: Request, session: SessionDep, entry_id: PathId, user: StaffUser
) -> Response:
    return _entry(request, session, user, entry_id)


@router.post("/entries/{entry_id}")
def update_entry(
    request: Request,
    session: SessionDep,
    entry_id: PathId,
    user: StaffUser,
    form: FormOf(EntryForm),
) -> Response:
    # who may manage the entry is checked before its form, so others get 403 whatever they sent
    contest_service.get_managed_entry(session, user=user, entry_id=entry_id)
    try:
        contest_service.update_entry(session, actor=user, entry_id=entry_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _entry(
            request, session, user, entry_id, errors=exc.errors, form=form.values, status_code=422
        )
    session.commit()
    return flash(redirect(request, f"/contests/entries/{entry_id}"), "The entry was saved.")


@router.post("/entries/{entry_id}/withdraw")
def withdraw_entry(
    request: Request, session: SessionDep, entry_id: PathId, user: StaffUser
) -> Response:
    entry = contest_service.withdraw_entry(session, actor=user, entry_id=entry_id)
    session.commit()
    return flash(redirect(request, f"/contests/entries/{entry.id}"), "The entry was withdrawn.")


@router.post("/entries/{entry_id}/confirm")
def confirm_entry(
    request: Request, session: SessionDep, entry_id: PathId, user: StaffUser
) -> Response:
    contest_service.confirm_entry(session, actor=user, entry_id=entry_id)
    session.commit()
    return flash(redirect(request, f"/contests/entries/{entry_id}"), "The entry is confirmed.")


@router.post("/entries/{entry_id}/decline")
def decline_entry(
    request: Request,
    session: SessionDep,
    entry_id: PathId,
    user: StaffUser,
    form: FormOf(DeclineForm),
) -> Response:
    contest_service.get_managed_entry(session, user=user, entry_id=entry_id)
    try:
        contest_service.decline_entry(session, actor=user, entry_id=entry_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _entry(
            request,
            session,
            user,
            entry_id,
            errors=exc.errors,
            form=form.values,
            which="decline",
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, f"/contests/entries/{entry_id}"), "The request was declined.")


# --- external results --------------------------------------------------------------------------


def _external(request, session, pages, *, errors=None, form=None, status_code=200):
    rows, total = contest_service.list_external(session, page=pages.page, per_page=pages.per_page)
    context = {
        "page": Page(rows, total, pages.page, pages.per_page, "/contests/external"),
        "teams": contest_service.team_choices(session),
        "students": contest_service.student_choices(session),
        "competitions": contest_service.competition_choices(session),
        "errors": errors or {},
        "form": form or {},
        "max_mb": contest_service.MAX_EVIDENCE_BYTES // (1024 * 1024),
        "may_delete": contest_service.may_delete,
        **labels(),
    }
    block = "external_form" if status_code != 200 else None
    return render(request, "contests/external.html", context, block=block, status_code=status_code)


@router.get("/external", dependencies=[Staff])
def external_page(request: Request, session: SessionDep, pages: PageParams) -> Response:
    return _external(request, session, pages)


@router.post("/external")
def record_external(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    pages: PageParams,
    form: FormOf(ExternalResultForm),
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        if evidence is None or not evidence.filename:
            raise FormErrors({"evidence": _l("Attach the certificate or notice as evidence.")})
        content = evidence.file.read(contest_service.MAX_EVIDENCE_BYTES + 1)
        contest_service.record_external(
            session,
            actor=user,
            form=form.valid(),
            filename=evidence.filename,
            content=content,
            content_type=evidence.content_type or "",
        )
    except FormErrors as exc:
        session.rollback()
        return _external(
            request, session, pages, errors=exc.errors, form=form.values, status_code=422
        )
    session.commit()
    return flash(redirect(request, "/contests/external"), "The result was recorded.")


@router.post("/external/{result_id}/delete")
def delete_external(request: Request, session: SessionDep, result_id: PathId, user: StaffUser):
    contest_service.delete_external(session, actor=user, result_id=result_id)
    session.commit()
    return flash(redirect(request, "/contests/external"), "The result was deleted.")


@router.get("/external/{result_id}/evidence")
def external_evidence(session: SessionDep, result_id: PathId, user: StaffUser) -> Response:
    result = contest_service.evidence(session, actor=user, result_id=result_id)
    safe_name = "".join(
        ch for ch in result.evidence_name if ch.isascii() and ch.isalnum() or ch in "._-"
    )
    return Response(
        result.evidence,
        media_type=result.evidence_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name or "evidence"}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )

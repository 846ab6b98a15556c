"""Judging: the organiser's round page (rubric, judges, live ranking, awards, publishing,
exports) for admins, and the judges' own pages (their assigned entries only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, PathId, require_role
from app.errors import FormErrors
from app.exports import contests as contests_export
from app.i18n import N_
from app.models import Role, User
from app.routers.contests import FormData, labels
from app.services import contests as contest_service
from app.services import judging as judging_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(route_class=SessionRoute)

AdminUser = Annotated[User, Depends(require_role(Role.admin))]
Judge = Annotated[User, Depends(require_role(Role.teacher, Role.mentor))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the organiser -----------------------------------------------------------------------------


def _round(request, session, round_id, *, errors=None, form=None, block=None, status_code=200):
    view = judging_service.ranking(session, round_id=round_id)
    context = {
        "r": view,
        "entries": judging_service.entries_for_assignment(session, round_id=round_id),
        "judges": judging_service.judge_choices(session),
        "advanced": contest_service.advanced_count(session, round_id=round_id),
        "quotas": judging_service.DEFAULT_QUOTAS,
        "errors": errors or {},
        "form": form or {},
        **labels(),
    }
    return render(request, "judging/round.html", context, block=block, status_code=status_code)


def _back(request, round_id: int, message: str, anchor: str = "") -> Response:
    # No #anchor for htmx: a redirect to the same page with only a new fragment would
    # just scroll instead of reloading it.
    url = f"/contests/rounds/{round_id}"
    if not is_htmx(request):
        url += anchor
    return flash(redirect(request, url), message)


def _save(request, session, round_id, form, change, *, block, done, anchor="", errors_for=None):
    """Apply ``change``; field errors re-render ``block`` (422), success flashes ``done``."""
    try:
        change()
    except FormErrors as exc:
        session.rollback()
        errors = errors_for(exc.errors) if errors_for else exc.errors
        return _round(
            request, session, round_id, errors=errors, form=form, block=block, status_code=422
        )
    session.commit()
    return _back(request, round_id, done, anchor)


@router.get("/contests/rounds/{round_id}", dependencies=[AdminOnly])
def round_page(request: Request, session: SessionDep, round_id: PathId) -> Response:
    return _round(request, session, round_id)


@router.get("/contests/rounds/{round_id}/ranking", dependencies=[AdminOnly])
def ranking_block(request: Request, session: SessionDep, round_id: PathId) -> Response:
    """The live ranking alone (htmx polls it); the full page without htmx."""
    return _round(request, session, round_id, block="ranking")


@router.post("/contests/rounds/{round_id}/criteria", dependencies=[AdminOnly])
def add_criterion(
    request: Request, session: SessionDep, round_id: PathId, form: FormData
) -> Response:
    return _save(
        request,
        session,
        round_id,
        form,
        lambda: judging_service.add_criterion(
            session,
            round_id=round_id,
            name_zh=form.get("name_zh", ""),
            name_en=form.get("name_en", ""),
            weight=form.get("weight", ""),
            max_score=form.get("max_score", ""),
        ),
        block="rubric",
        done=N_("The criterion was added."),
        anchor="#rubric",
    )


@router.post("/contests/rounds/{round_id}/criteria/{criterion_id}/delete", dependencies=[AdminOnly])
def delete_criterion(
    request: Request, session: SessionDep, round_id: PathId, criterion_id: PathId
) -> Response:
    judging_service.delete_criterion(session, round_id=round_id, criterion_id=criterion_id)
    session.commit()
    return _back(request, round_id, N_("The criterion was removed."), "#rubric")


@router.post("/contests/rounds/{round_id}/options", dependencies=[AdminOnly])
def set_options(
    request: Request, session: SessionDep, round_id: PathId, form: FormData
) -> Response:
    return _save(
        request,
        session,
        round_id,
        form,
        lambda: judging_service.set_options(
            session,
            round_id=round_id,
            normalise=bool(form.get("normalise")),
            tiebreak=form.get("tiebreak", ""),
            cap=form.get("advance_cap", ""),
            spread_percent=form.get("spread_percent", ""),
            held_on=form.get("held_on", ""),
        ),
        block="options",
        done=N_("The settings were saved."),
        anchor="#options",
    )


@router.post("/contests/rounds/{round_id}/assignments")
def assign_judge(
    request: Request, session: SessionDep, round_id: PathId, user: AdminUser, form: FormData
) -> Response:
    return _save(
        request,
        session,
        round_id,
        form,
        lambda: judging_service.assign_judge(
            session,
            actor=user,
            round_id=round_id,
            entry_id=form.get("entry_id", ""),
            judge_id=form.get("judge_id", ""),
        ),
        block="assignments",
        done=N_("The judge was assigned."),
        anchor="#assignments",
    )


@router.post(
    "/contests/rounds/{round_id}/assignments/{assignment_id}/delete", dependencies=[AdminOnly]
)
def remove_assignment(
    request: Request, session: SessionDep, round_id: PathId, assignment_id: PathId
) -> Response:
    judging_service.remove_assignment(session, round_id=round_id, assignment_id=assignment_id)
    session.commit()
    return _back(request, round_id, N_("The judge was taken off the entry."), "#assignments")


@router.post("/contests/rounds/{round_id}/quotas", dependencies=[AdminOnly])
def apply_quotas(
    request: Request, session: SessionDep, round_id: PathId, form: FormData
) -> Response:
    def change():
        bands = judging_service.parse_quotas(form)
        judging_service.apply_quotas(session, round_id=round_id, bands=bands)

    return _save(
        request,
        session,
        round_id,
        form,
        change,
        block="awards",
        done=N_("Awards were set by quota."),
        anchor="#awards",
    )


@router.post("/contests/rounds/{round_id}/entries/{entry_id}/award")
def set_award(
    request: Request,
    session: SessionDep,
    round_id: PathId,
    entry_id: PathId,
    user: AdminUser,
    form: FormData,
) -> Response:
    return _save(
        request,
        session,
        round_id,
        form,
        lambda: judging_service.set_award(
            session,
            actor=user,
            round_id=round_id,
            entry_id=entry_id,
            award=form.get("award", ""),
            reason=form.get("reason", ""),
        ),
        block="awards",
        done=N_("The award was saved."),
        anchor="#awards",
        errors_for=lambda errors: {f"{k}-{entry_id}": v for k, v in errors.items()},
    )


@router.post("/contests/rounds/{round_id}/publish")
def publish(request: Request, session: SessionDep, round_id: PathId, user: AdminUser) -> Response:
    judging_service.publish_round(session, actor=user, round_id=round_id)
    session.commit()
    return _back(request, round_id, N_("The results are published and locked."))


@router.post("/contests/rounds/{round_id}/reopen")
def reopen(
    request: Request, session: SessionDep, round_id: PathId, user: AdminUser, form: FormData
) -> Response:
    return _save(
        request,
        session,
        round_id,
        form,
        lambda: judging_service.reopen_round(
            session, actor=user, round_id=round_id, reason=form.get("reopen_reason", "")
        ),
        block="awards",
        done=N_("The results were reopened."),
    )


@router.post("/contests/rounds/{round_id}/entries/{entry_id}/advance", dependencies=[AdminOnly])
def advance(request: Request, session: SessionDep, round_id: PathId, entry_id: PathId) -> Response:
    contest_service.advance_entry(session, round_id=round_id, entry_id=entry_id)
    session.commit()
    return _back(request, round_id, N_("The entry advances to the next round."), "#awards")


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/contests/rounds/{round_id}/scores-by-judge.xlsx", dependencies=[AdminOnly])
def export_by_judge(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.ranking(session, round_id=round_id)
    locale = request.state.auth.locale
    return _xlsx(contests_export.by_judge_xlsx(view, locale), f"round-{round_id}-by-judge.xlsx")


@router.get("/contests/rounds/{round_id}/scores-by-entry.xlsx", dependencies=[AdminOnly])
def export_by_entry(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.ranking(session, round_id=round_id)
    locale = request.state.auth.locale
    return _xlsx(contests_export.by_entry_xlsx(view, locale), f"round-{round_id}-by-entry.xlsx")


@router.get("/contests/rounds/{round_id}/results", dependencies=[AnyUser])
def results_page(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.published_results(session, round_id=round_id)
    return render(request, "judging/results.html", {"r": view, **labels()})


# --- the judges --------------------------------------------------------------------------------


@router.get("/judging")
def my_entries(request: Request, session: SessionDep, user: Judge) -> Response:
    tasks = judging_service.my_assignments(session, judge=user)
    return render(request, "judging/index.html", {"tasks": tasks, **labels()})


def _sheet(request, session, user, assignment_id, *, errors=None, form=None, status_code=200):
    sheet = judging_service.score_sheet(session, judge=user, assignment_id=assignment_id)
    context = {
        "s": sheet,
        "errors": errors or {},
        "form": form,
        "saved": status_code == 200,
        **labels(),
    }
    block = "sheet" if status_code != 200 or request.method == "POST" else None
    return render(request, "judging/sheet.html", context, block=block, status_code=status_code)


@router.get("/judging/{assignment_id}")
def score_page(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge
) -> Response:
    return _sheet(request, session, user, assignment_id)


@router.post("/judging/{assignment_id}/scores")
def save_scores(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge, form: FormData
) -> Response:
    try:
        judging_service.save_scores(
            session,
            judge=user,
            assignment_id=assignment_id,
            form={k: v for k, v in form.items() if k.startswith("c")},
            note=form.get("note"),
        )
    except FormErrors as exc:
        session.rollback()
        return _sheet(
            request, session, user, assignment_id, errors=exc.errors, form=form, status_code=422
        )
    session.commit()
    if request.headers.get("hx-request") == "true":
        return _sheet(request, session, user, assignment_id)
    return flash(redirect(request, f"/judging/{assignment_id}"), "Your scores were saved.")


@router.post("/judging/{assignment_id}/submit")
def submit_scores(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge
) -> Response:
    try:
        judging_service.submit_scores(session, judge=user, assignment_id=assignment_id)
    except FormErrors as exc:
        session.rollback()
        return _sheet(request, session, user, assignment_id, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, "/judging"), "Your scores were submitted.")


@router.post("/judging/{assignment_id}/recuse")
def recuse(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge, form: FormData
) -> Response:
    try:
        judging_service.recuse(
            session, judge=user, assignment_id=assignment_id, reason=form.get("reason", "")
        )
    except FormErrors as exc:
        session.rollback()
        return _sheet(
            request, session, user, assignment_id, errors=exc.errors, form=form, status_code=422
        )
    session.commit()
    return flash(redirect(request, "/judging"), "You stepped back from judging this entry.")

"""A round's results (admins): awards by quota or by hand, publishing and locking,
reopening with a reason, and sending entries on to the next round."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PathId
from app.i18n import N_
from app.routers.judging import AdminUser, back_to_round, save_round_change
from app.schemas.judging import AwardForm, PublishForm, QuotaForm, ReopenForm
from app.services import contests as contest_service
from app.services import judging as judging_service

router = APIRouter(prefix="/contests/rounds/{round_id}", route_class=SessionRoute)


@router.post("/quotas", dependencies=[AdminOnly])
def apply_quotas(
    request: Request, session: SessionDep, round_id: PathId, form: FormOf(QuotaForm)
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.apply_quotas(
            session, round_id=round_id, bands=form.valid().bands()
        ),
        block="awards",
        done=N_("Awards were set by quota."),
        anchor="#awards",
    )


@router.post("/entries/{entry_id}/award")
def set_award(
    request: Request,
    session: SessionDep,
    round_id: PathId,
    entry_id: PathId,
    user: AdminUser,
    form: FormOf(AwardForm),
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.set_award(
            session, actor=user, round_id=round_id, entry_id=entry_id, form=form.valid()
        ),
        block="awards",
        done=N_("The award was saved."),
        anchor="#awards",
        errors_for=lambda errors: {f"{k}-{entry_id}": v for k, v in errors.items()},
    )


@router.post("/publish")
def publish(
    request: Request,
    session: SessionDep,
    round_id: PathId,
    user: AdminUser,
    form: FormOf(PublishForm),
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.publish_round(
            session, actor=user, round_id=round_id, form=form.valid()
        ),
        block="awards",
        done=N_("The results are published and locked."),
        anchor="#awards",
    )


@router.post("/reopen")
def reopen(
    request: Request,
    session: SessionDep,
    round_id: PathId,
    user: AdminUser,
    form: FormOf(ReopenForm),
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.reopen_round(
            session, actor=user, round_id=round_id, reason=form.valid().reopen_reason
        ),
        block="awards",
        done=N_("The results were reopened."),
    )


@router.post("/entries/{entry_id}/advance", dependencies=[AdminOnly])
def advance(request: Request, session: SessionDep, round_id: PathId, entry_id: PathId) -> Response:
    contest_service.advance_entry(session, round_id=round_id, entry_id=entry_id)
    session.commit()
    return back_to_round(request, round_id, N_("The entry advances to the next round."), "#awards")

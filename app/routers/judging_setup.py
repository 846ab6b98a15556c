"""Setting a round up for judging (admins): its rubric, its options and which judge
judges which entry (refused on a conflict of interest, with the reason)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PathId
from app.i18n import N_
from app.routers.judging import AdminUser, back_to_round, save_round_change
from app.schemas.judging import AssignmentForm, CriterionForm, OptionsForm
from app.services import judging as judging_service

router = APIRouter(prefix="/contests/rounds/{round_id}", route_class=SessionRoute)


@router.post("/criteria", dependencies=[AdminOnly])
def add_criterion(
    request: Request, session: SessionDep, round_id: PathId, form: FormOf(CriterionForm)
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.add_criterion(session, round_id=round_id, form=form.valid()),
        block="rubric",
        done=N_("The criterion was added."),
        anchor="#rubric",
    )


@router.post("/criteria/{criterion_id}/delete", dependencies=[AdminOnly])
def delete_criterion(
    request: Request, session: SessionDep, round_id: PathId, criterion_id: PathId
) -> Response:
    judging_service.delete_criterion(session, round_id=round_id, criterion_id=criterion_id)
    session.commit()
    return back_to_round(request, round_id, N_("The criterion was removed."), "#rubric")


@router.post("/options", dependencies=[AdminOnly])
def set_options(
    request: Request, session: SessionDep, round_id: PathId, form: FormOf(OptionsForm)
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.set_options(session, round_id=round_id, form=form.valid()),
        block="options",
        done=N_("The settings were saved."),
        anchor="#options",
    )


@router.post("/assignments")
def assign_judge(
    request: Request,
    session: SessionDep,
    round_id: PathId,
    user: AdminUser,
    form: FormOf(AssignmentForm),
) -> Response:
    return save_round_change(
        request,
        session,
        round_id,
        form.values,
        lambda: judging_service.assign_judge(
            session, actor=user, round_id=round_id, form=form.valid()
        ),
        block="assignments",
        done=N_("The judge was assigned."),
        anchor="#assignments",
    )


@router.post("/assignments/{assignment_id}/delete", dependencies=[AdminOnly])
def remove_assignment(
    request: Request, session: SessionDep, round_id: PathId, assignment_id: PathId
) -> Response:
    judging_service.remove_assignment(session, round_id=round_id, assignment_id=assignment_id)
    session.commit()
    return back_to_round(
        request, round_id, N_("The judge was taken off the entry."), "#assignments"
    )

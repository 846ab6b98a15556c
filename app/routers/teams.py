"""Teams: the list, a team's page, creation, stages, members, captain and invitations."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import (
    AnyUser,
    CurrentUser,
    FormOf,
    PageParams,
    PathId,
    Search,
    Staff,
    StudentOnly,
)
from app.errors import FormErrors
from app.i18n import N_
from app.models import Role, User
from app.models.teams import TeamStage
from app.schemas.teams import (
    CaptainForm,
    InvitationForm,
    LeaveForm,
    MemberForm,
    NewTeamForm,
    PostChangeForm,
    StageForm,
    TeamForm,
)
from app.services import mentoring as mentoring_service
from app.services import roster as roster_service
from app.services import teams as team_service
from app.services.clock import today
from app.web import flash, redirect, render

router = APIRouter(prefix="/teams", route_class=SessionRoute)


def _team_context(session, *, user, team_id: int) -> dict:
    detail = team_service.team_detail(session, user=user, team_id=team_id)
    return {
        "detail": detail,
        "posts": detail.posts,
        "stages": team_service.STAGES,
        "stage_labels": team_service.STAGE_LABELS,  # a label map: no macro call per stage
        "figures": team_service.team_figures(session, team_id=team_id),
        # team_detail has checked that the user may see the team (a student: was a member)
        "logs": mentoring_service.team_logs(
            session, user=user, team_id=team_id, limit=10, visible=True
        ),
        "pairings": mentoring_service.team_pairings(session, user=user, team_id=team_id),
        "today": today(),
        "errors": {},
        "failed": "",
        "values": {},
        "failed_actions": None,
    }


def _team_page_with_errors(request, session, user, team_id: int, exc, failed: str, values: dict):
    context = _team_context(session, user=user, team_id=team_id)
    context.update(errors=exc.errors, failed=failed, values=values)
    if "member_id" in values:  # the failed row shows its forms again
        context["failed_actions"] = team_service.member_actions(
            session, actor=user, team_id=team_id, member_id=values["member_id"]
        )
    return render(request, "teams/detail.html", context, status_code=422)


def _change_team(request, session, user, team_id: int, form, change, *, failed, anchor, done):
    """Run ``change`` with the valid form: field errors re-render the team page with them
    beside form ``failed`` (422, nothing written); success returns to ``#anchor``."""
    try:
        change(form.valid())
    except FormErrors as exc:
        session.rollback()
        return _team_page_with_errors(request, session, user, team_id, exc, failed, form.values)
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}#{anchor}"), done)


@router.get("", dependencies=[AnyUser])
def team_list(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    paging: PageParams,
    stage: Annotated[str, Query(max_length=16)] = "",
    q: Search = "",
) -> Response:
    page = team_service.list_teams(
        session, user=user, stage=stage, q=q, page=paging.page, per_page=paging.per_page
    )
    invitations = (
        team_service.pending_invitations(session, user=user) if user.role == Role.student else []
    )
    context = {
        "page": page,
        "filters": {"stage": stage, "q": q.strip()},
        "stages": team_service.STAGES,
        "invitations": invitations,
        "can_create": team_service.is_staff(user),
    }
    return render(request, "teams/list.html", context, block="results")


def _new_context(session, *, values: dict, errors: dict) -> dict:
    return {
        "values": values,
        "errors": errors,
        "stages": team_service.STAGES,
        "cohorts": roster_service.cohort_choices(session),
        "today": today(),
    }


@router.get("/new", dependencies=[Staff])
def new_team_page(request: Request, session: SessionDep) -> Response:
    values = NewTeamForm.initial(stage=TeamStage.club.value)
    return render(request, "teams/form.html", _new_context(session, values=values, errors={}))


@router.post("/new", dependencies=[Staff])
def create_team(
    request: Request, session: SessionDep, user: Annotated[User, Staff], form: FormOf(NewTeamForm)
) -> Response:
    try:
        team = team_service.create_team(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        context = _new_context(session, values=form.values, errors=exc.errors)
        return render(request, "teams/form.html", context, block="team_form", status_code=422)
    session.commit()
    return flash(redirect(request, f"/teams/{team.id}"), "The team has been created.")


def _edit_form(request, session, team_id: int, *, values: dict, errors: dict, status_code=200):
    context = _new_context(session, values=values, errors=errors)
    context.update(team_id=team_id, editing=True)
    return render(request, "teams/form.html", context, block="team_form", status_code=status_code)


@router.get("/{team_id}/edit", dependencies=[Staff])
def edit_team_page(
    request: Request, session: SessionDep, user: Annotated[User, Staff], team_id: PathId
) -> Response:
    values = team_service.team_form_values(session, user=user, team_id=team_id)
    return _edit_form(request, session, team_id, values=values, errors={})


@router.post("/{team_id}/edit", dependencies=[Staff])
def save_team(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    form: FormOf(TeamForm),
) -> Response:
    try:
        team_service.update_team(session, actor=user, team_id=team_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _edit_form(
            request, session, team_id, values=form.values, errors=exc.errors, status_code=422
        )
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}"), "The team has been saved.")


@router.get("/{team_id}", dependencies=[AnyUser])
def team_page(
    request: Request, session: SessionDep, user: CurrentUser, team_id: PathId
) -> Response:
    return render(request, "teams/detail.html", _team_context(session, user=user, team_id=team_id))


@router.post("/{team_id}/stage", dependencies=[Staff])
def change_stage(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    form: FormOf(StageForm),
) -> Response:
    def change(data):
        team_service.change_stage(session, actor=user, team_id=team_id, form=data)

    done = N_("The stage has been changed.")
    return _change_team(
        request, session, user, team_id, form, change, failed="stage", anchor="stage", done=done
    )


@router.post("/{team_id}/members", dependencies=[Staff])
def add_member(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    form: FormOf(MemberForm),
) -> Response:
    def change(data):
        team_service.add_member(session, actor=user, team_id=team_id, form=data)

    done = N_("The member has been added.")
    return _change_team(
        request, session, user, team_id, form, change, failed="member", anchor="members", done=done
    )


@router.post("/{team_id}/members/{member_id}/post", dependencies=[Staff])
def change_post(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    member_id: PathId,
    form: FormOf(PostChangeForm),
) -> Response:
    def change(data):
        team_service.change_member_post(
            session, actor=user, team_id=team_id, member_id=member_id, form=data
        )

    form.values["member_id"] = member_id  # the row whose form shows the errors
    done = N_("The post has been changed.")
    return _change_team(
        request, session, user, team_id, form, change, failed="post", anchor="members", done=done
    )


@router.post("/{team_id}/members/{member_id}/leave", dependencies=[Staff])
def remove_member(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    member_id: PathId,
    form: FormOf(LeaveForm),
) -> Response:
    def change(data):
        team_service.remove_member(
            session, actor=user, team_id=team_id, member_id=member_id, form=data
        )

    form.values["member_id"] = member_id
    done = N_("The member has left the team.")
    return _change_team(
        request, session, user, team_id, form, change, failed="leave", anchor="members", done=done
    )


@router.get("/{team_id}/members/{member_id}/actions", dependencies=[Staff])
def member_actions_page(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    member_id: PathId,
) -> Response:
    """A member's "change post" and "leave" forms: the team page's row loads them with
    htmx (only the block); without JavaScript the row links to this page."""
    actions = team_service.member_actions(session, actor=user, team_id=team_id, member_id=member_id)
    context = {"actions": actions, "today": today(), "left_on": ""}
    return render(request, "teams/member_actions.html", context, block="member_actions")


@router.post("/{team_id}/captain", dependencies=[Staff])
def set_captain(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    form: FormOf(CaptainForm),
) -> Response:
    def change(data):
        team_service.set_captain(session, actor=user, team_id=team_id, form=data)

    done = N_("The captain has been chosen.")
    return _change_team(
        request, session, user, team_id, form, change, failed="captain", anchor="members", done=done
    )


@router.post("/{team_id}/invitations", dependencies=[StudentOnly])
def invite_member(
    request: Request,
    session: SessionDep,
    user: Annotated[User, StudentOnly],
    team_id: PathId,
    form: FormOf(InvitationForm),
) -> Response:
    def change(data):
        team_service.invite_member(session, actor=user, team_id=team_id, form=data)

    done = N_("The invitation has been sent.")
    return _change_team(
        request, session, user, team_id, form, change, failed="invite", anchor="members", done=done
    )


@router.post("/{team_id}/invitations/{invitation_id}/withdraw", dependencies=[AnyUser])
def withdraw_invitation(
    request: Request, session: SessionDep, user: CurrentUser, team_id: PathId, invitation_id: PathId
) -> Response:
    team_service.withdraw_invitation(
        session, actor=user, team_id=team_id, invitation_id=invitation_id
    )
    session.commit()
    return flash(
        redirect(request, f"/teams/{team_id}#members"), "The invitation has been withdrawn."
    )


@router.post("/invitations/{invitation_id}/accept", dependencies=[StudentOnly])
def accept_invitation(
    request: Request, session: SessionDep, user: Annotated[User, StudentOnly], invitation_id: PathId
) -> Response:
    invitation = team_service.respond_to_invitation(
        session, user=user, invitation_id=invitation_id, accept=True
    )
    session.commit()
    return flash(redirect(request, f"/teams/{invitation.team_id}"), "Welcome to the team.")


@router.post("/invitations/{invitation_id}/decline", dependencies=[StudentOnly])
def decline_invitation(
    request: Request, session: SessionDep, user: Annotated[User, StudentOnly], invitation_id: PathId
) -> Response:
    team_service.respond_to_invitation(
        session, user=user, invitation_id=invitation_id, accept=False
    )
    session.commit()
    return flash(redirect(request, "/teams"), "The invitation has been declined.")

"""A team's captain asks to enter an edition (staff confirm or decline it on the entry's
page, in ``contests``). The captain's form is the registration form without the team."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import CurrentUser, FormOf, PathId, StudentOnly
from app.errors import FormErrors
from app.routers.contests import entry_form_context, labels
from app.schemas.contests import EntryForm
from app.services import clock
from app.services import contests as contest_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/contests", route_class=SessionRoute)


def _request_page(request, session, edition_id, team, *, form, errors=None, status_code=200):
    view = contest_service.edition_view(session, edition_id=edition_id)
    if status_code == 200:  # a closed window is said before the captain fills the form in
        errors = contest_service.window_problems(view, clock.today())
    context = {
        "view": view,
        "team": team,
        "errors": errors,
        "form": form,
        **entry_form_context(session, team_id=team.id),
        **labels(),
    }
    block = "entry_form" if status_code != 200 else None
    return render(request, "contests/request.html", context, block=block, status_code=status_code)


@router.get("/editions/{edition_id}/teams/{team_id}/register", dependencies=[StudentOnly])
def request_page(
    request: Request, session: SessionDep, edition_id: PathId, team_id: PathId, user: CurrentUser
) -> Response:
    """The captain's form: track, project title, members and advisors."""
    team = contest_service.captain_team(session, user=user, team_id=team_id)
    return _request_page(request, session, edition_id, team, form={})


@router.post("/editions/{edition_id}/teams/{team_id}/register", dependencies=[StudentOnly])
def request_entry(
    request: Request,
    session: SessionDep,
    edition_id: PathId,
    team_id: PathId,
    user: CurrentUser,
    form: FormOf(EntryForm),
) -> Response:
    # only the captain gets past this, whatever was sent
    team = contest_service.captain_team(session, user=user, team_id=team_id)
    try:
        contest_service.request_entry(
            session, actor=user, edition_id=edition_id, team_id=team.id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        team = contest_service.captain_team(session, user=user, team_id=team_id)
        return _request_page(
            request,
            session,
            edition_id,
            team,
            form=form.values,
            errors=exc.errors,
            status_code=422,
        )
    session.commit()
    return flash(
        redirect(request, f"/contests/editions/{edition_id}"),
        "Your team's request was sent; staff will confirm it.",
    )

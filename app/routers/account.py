"""The signed-in user's own account: change password."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import Auth, CurrentUser
from app.errors import FormErrors
from app.services import accounts as account_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/account", route_class=SessionRoute)


@router.get("/password")
def password_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "account/password.html", {"errors": {}})


@router.post("/password")
def change_password(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    auth: Auth,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
    confirm_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    db_user = session.merge(user)
    try:
        account_service.change_password(
            session,
            user=db_user,
            current=current_password,
            new=new_password,
            confirm=confirm_password,
            keep_session_id=auth.session_id,
        )
    except FormErrors as exc:
        return render(
            request,
            "account/password.html",
            {"errors": exc.errors},
            block="password_form",
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, "/"), "Your password has been changed.")

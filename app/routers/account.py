"""The signed-in user's own account: change password."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import Auth, CurrentUser, FormOf
from app.errors import FormErrors
from app.schemas.accounts import PasswordChangeForm
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
    form: FormOf(PasswordChangeForm),
) -> Response:
    db_user = session.merge(user)
    try:
        typed = form.valid()
        account_service.change_password(
            session,
            user=db_user,
            current=typed.current_password,
            new=typed.new_password,
            confirm=typed.confirm_password,
            keep_session_id=auth.session_id,
        )
    except FormErrors as exc:
        session.rollback()
        return render(
            request,
            "account/password.html",
            {"errors": exc.errors},
            block="password_form",
            status_code=422,
        )
    session.commit()
    return flash(redirect(request, "/"), "Your password has been changed.")

"""The public certificate check: /verify/{code} needs no login. Unknown codes get a plain
404; an address that keeps guessing gets 429 (counted in the database, so it holds
across worker processes). The address is the visitor's own: X-Forwarded-For counts only
from the proxies in FORWARDED_ALLOW_IPS (app.security.client_address)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app.db import SessionRoute, open_session
from app.errors import NotFound
from app.security import client_address
from app.services import certificates as certificate_service
from app.services.curriculum import CERT_LEVEL_LABELS
from app.web import redirect, render

router = APIRouter(route_class=SessionRoute)


@router.get("/verify")
def verify_form(request: Request, code: Annotated[str, Query(max_length=64)] = "") -> Response:
    """A box to type a code or a number from a paper certificate; one given goes to its
    page (spaces and stray punctuation dropped; a number's hyphens kept)."""
    code = "".join(ch for ch in code.strip().upper() if ch.isalnum() or ch == "-")[:40]
    if code:
        return redirect(request, f"/verify/{code}")
    return render(request, "certificates/verify_form.html", {})


@router.get("/verify/{code}")
def verify(request: Request, code: Annotated[str, Path(max_length=64)]) -> Response:
    # A GET that writes: recording the lookup attempt (address and time) is bookkeeping
    # against guessing, not a change to anything shown, so it uses its own write session.
    with open_session(write=True) as session:
        try:
            result = certificate_service.verify_code(
                session, code=code, ip_address=client_address(request) or "unknown"
            )
        except NotFound:
            session.commit()
            raise
        session.commit()
    context = {
        "v": result,
        "STATUS_LABELS": certificate_service.STATUS_LABELS,
        "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS,
    }
    return render(
        request, "certificates/verify.html", context, headers={"Cache-Control": "no-store"}
    )

"""The competition and certificate catalogue pages; admins set each competition's entry semester."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, FormOf, PathId
from app.errors import FormErrors
from app.models.curriculum import SEMESTERS
from app.schemas.contests import EntrySemesterForm
from app.services import curriculum as curriculum_service
from app.web import flash, redirect, render

router = APIRouter(route_class=SessionRoute)


def _labels() -> dict:
    return {
        "LEVEL_LABELS": curriculum_service.LEVEL_LABELS,
        "TIER_LABELS": curriculum_service.TIER_LABELS,
        "CERT_LEVEL_LABELS": curriculum_service.CERT_LEVEL_LABELS,
        "semesters": SEMESTERS,
    }


@router.get("/competitions", dependencies=[AnyUser])
def competitions_page(request: Request, session: SessionDep) -> Response:
    context = {
        "competitions": curriculum_service.kept_competitions(session),
        "errors": {},
        "error_id": None,
        **_labels(),
    }
    return render(request, "curriculum/competitions.html", context)


@router.post("/competitions/{competition_id}/entry-semester", dependencies=[AdminOnly])
def set_entry_semester(
    request: Request,
    session: SessionDep,
    competition_id: PathId,
    form: FormOf(EntrySemesterForm),
) -> Response:
    try:
        competition = curriculum_service.set_entry_semester(
            session, competition_id=competition_id, semester=form.valid().entry_semester
        )
    except FormErrors as exc:
        session.rollback()
        context = {
            "competitions": curriculum_service.kept_competitions(session),
            "errors": exc.errors,
            "error_id": competition_id,
            **_labels(),
        }
        return render(request, "curriculum/competitions.html", context, status_code=422)
    session.commit()
    return flash(
        redirect(request, f"/competitions#competition-{competition.code}"),
        "The entry semester has been saved.",
    )


@router.get("/certificates", dependencies=[AnyUser])
def certificates_page(request: Request, session: SessionDep) -> Response:
    context = {"certificates": curriculum_service.list_certificates(session), **_labels()}
    return render(request, "curriculum/certificates.html", context)

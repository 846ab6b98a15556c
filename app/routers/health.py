"""GET /healthz for load balancers and the container HEALTHCHECK (public)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app import db
from app.services.health import database_status

router = APIRouter(route_class=db.SessionRoute)


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    ok, detail = database_status(db.engine)
    body = {"status": "ok" if ok else "unavailable", "database": detail}
    return JSONResponse(body, status_code=200 if ok else 503)

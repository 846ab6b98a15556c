"""GET /healthz for load balancers and the container HEALTHCHECK (public)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app import db
from app.services.health import database_status

router = APIRouter(route_class=db.SessionRoute)


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    ok, detail = database_status(db.engine)
    if ok:
        return JSONResponse({"status": "ok", "database": detail})
    body = {"status": "unavailable", "database": detail}
    headers = {"Retry-After": str(db.BUSY_RETRY_SECONDS)}
    return JSONResponse(body, status_code=503, headers=headers)

"""Studio utilisation report (administrators): figures per studio and week, SVG, CSV, XLSX."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, Auth
from app.exports import utilisation as export
from app.i18n import activate
from app.schemas.times import date_or_none
from app.services import clock
from app.services import studios as studio_service
from app.services.bookings import PURPOSE_LABELS
from app.web import download, render

router = APIRouter(prefix="/studios", dependencies=[AdminOnly], route_class=SessionRoute)

WeekText = Annotated[str, Query(max_length=10)]
Weeks = Annotated[int, Query(ge=1, le=studio_service.MAX_WEEKS)]


def _first_monday(text: str, weeks: int) -> date:
    chosen = date_or_none(text)
    if chosen is None:  # by default the weeks up to and including this one
        chosen = clock.today() - timedelta(days=7 * (weeks - 1))
    return clock.monday_of(chosen)


def _report(session, start: str, weeks: int):
    return studio_service.utilisation_report(
        session, first_monday=_first_monday(start, weeks), weeks=weeks
    )


def _filename(report, extension: str) -> str:
    return f"studio-utilisation-{report.first_monday.isoformat()}.{extension}"


@router.get("/report")
def report_page(
    request: Request, session: SessionDep, start: WeekText = "", weeks: Weeks = 4
) -> Response:
    report = _report(session, start, weeks)
    context = {
        "report": report,
        "chart": studio_service.chart(report),
        "weeks": weeks,
        "purpose_labels": PURPOSE_LABELS,
        "query": f"start={report.first_monday.isoformat()}&weeks={weeks}",
    }
    return render(request, "studios/report.html", context)


@router.get("/report.csv")
def report_csv(session: SessionDep, auth: Auth, start: WeekText = "", weeks: Weeks = 4):
    activate(auth.locale)
    report = _report(session, start, weeks)
    return download(export.report_csv(report), _filename(report, "csv"))


@router.get("/report.xlsx")
def report_xlsx(session: SessionDep, auth: Auth, start: WeekText = "", weeks: Weeks = 4):
    activate(auth.locale)
    report = _report(session, start, weeks)
    return download(export.report_xlsx(report), _filename(report, "xlsx"))

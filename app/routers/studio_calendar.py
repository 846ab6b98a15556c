"""A studio's week calendar (grid and list), booking a slot in place, the waitlist, the
front desk's day board and the QR check-in page."""

from datetime import date
from functools import partial
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import db
from app.config import settings
from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PathId, Staff, require_role
from app.errors import Conflict, FormErrors
from app.i18n import N_
from app.models import Role, User
from app.schemas.base import FormValues
from app.schemas.bookings import BookingForm, DoorCheckinForm
from app.schemas.kits import KitChoicesForm
from app.schemas.times import date_or_none
from app.services import bookings as booking_service
from app.services import clock
from app.services import kits as kit_service
from app.services import studios as studio_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(prefix="/studios", route_class=SessionRoute)

Booker = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.student))]
QueryText = Annotated[str, Query(max_length=20)]
BookingSubmission = FormOf(BookingForm)


def _week_of(text: str) -> date:
    """The Monday of the week a link or a posted form names; this week when it names none."""
    return clock.monday_of(date_or_none(text) or clock.today())


def _calendar_page(
    request: Request,
    session,
    user: User,
    studio_id: int,
    *,
    monday: date,
    view: str = "grid",
    panel: FormValues | None = None,
    errors: dict | None = None,
    refusal: booking_service.BookingRefused | None = None,
    notice: str = "",
    status_code: int = 200,
    commit: bool = False,
) -> Response:
    """The week page (or its calendar block), read in the session's current transaction.

    Once the data is loaded the transaction ends (committed when ``commit``) and the session
    is closed, so an SQLite write lock is never held while the template renders and the
    template cannot reach the database. A caller whose change failed rolls back *before*
    calling this: a rollback expires every object loaded so far, and a page built from
    expired objects would reload each one while rendering, on a connection of its own."""
    calendar = booking_service.week_calendar(
        session, studio_id=studio_id, monday=monday, viewer=user
    )
    studio = calendar.studio
    minutes = list(range(studio.min_minutes, studio.max_minutes + 1, studio.slot_minutes))
    context = {
        "cal": calendar,
        "view": "list" if view == "list" else "grid",
        "panel": panel,
        "errors": errors or {},
        "refusal": refusal,
        "notice": notice,
        "lengths": minutes,
        "purposes": booking_service.purposes_for(user),
        "purpose_labels": booking_service.PURPOSE_LABELS,
        "teams": booking_service.team_choices(session, user=user) if panel is not None else [],
        "kit_items": kit_service.offered_with_studio(session, studio_id=studio_id)
        if panel is not None
        else [],
        "show_names": user.role in (Role.admin, Role.teacher),
        "studio_feed_token": calendar.shared.feed_token,
        "today": clock.today(),
        "zone_name": settings.timezone,
        # Outside the calendar block: read for the full page only, not each htmx swap.
        "strike": booking_service.strike_summary(session, user=user)
        if user.role == Role.student and not is_htmx(request)
        else None,
    }
    if commit:
        session.commit()
    session.close()
    return render(request, "studios/week.html", context, block="calendar", status_code=status_code)


def _refused_panel(
    request, read, write, user: User, studio_id: int, monday: date, form, refusal, press=None
):
    """Only the booking form with the refusal, swapped over the panel it came from.

    When a week's booking opens, hundreds of students press at once and most are refused:
    answering each with the whole week (a calendar query and a large render) made the rush
    slow for everyone. The week itself is unchanged by a refusal. What the panel shows is
    read first (``read``; the studio and its kits kept in ``press``, and the booker's
    teams read with the rules, when the refusal was foreseen), so that the write (the
    refusal, for the utilisation report) holds the write lock only for its own insert and
    commit."""
    if press is None:
        studio = studio_service.get_studio(read, studio_id=studio_id)
        kit_items = kit_service.offered_with_studio(read, studio_id=studio_id)
        teams = booking_service.team_choices(read, user=user)
    else:
        studio, kit_items, teams = press.studio, press.kit_items, press.teams
    context = {
        "cal": SimpleNamespace(studio=studio, monday=monday),
        "view": "grid",
        "panel": form.values,
        "errors": {},
        "refusal": refusal,
        "lengths": list(range(studio.min_minutes, studio.max_minutes + 1, studio.slot_minutes)),
        "purposes": booking_service.purposes_for(user),
        "purpose_labels": booking_service.PURPOSE_LABELS,
        "teams": teams,
        "kit_items": kit_items,
    }
    booking_service.record_refusal(write, refusal=refusal, user=user)
    write.commit()
    write.close()
    if read is not write:
        read.close()
    return render(
        request,
        "studios/_book_panel.html",
        context,
        status_code=refusal.status_code,
        headers={"HX-Retarget": "#book-panel", "HX-Reswap": "outerHTML"},
    )


@router.get("/{studio_id:int}")
def week_page(
    request: Request,
    session: SessionDep,
    user: Booker,
    studio_id: PathId,
    week: QueryText = "",
    view: QueryText = "grid",
) -> Response:
    return _calendar_page(request, session, user, studio_id, monday=_week_of(week), view=view)


@router.get("/{studio_id:int}/book")
def book_page(
    request: Request,
    session: SessionDep,
    user: Booker,
    studio_id: PathId,
    date: QueryText = "",
    time: QueryText = "",
    minutes: QueryText = "",
    view: QueryText = "grid",
) -> Response:
    studio = studio_service.get_studio(session, studio_id=studio_id)
    day = date_or_none(date) or clock.today()
    purposes = booking_service.purposes_for(user)
    panel = BookingForm.initial(
        date=day.isoformat(),
        time=time,
        minutes=minutes or str(studio.min_minutes),
        purpose=purposes[-1] if user.role == Role.student else purposes[0],
    )
    return _calendar_page(
        request, session, user, studio_id, monday=clock.monday_of(day), view=view, panel=panel
    )


def _foreseen_refusal(session, user: User, studio_id: int, form):
    """(read session, refusal, kept press) when the booking is certainly refused, read
    without the write lock (booking_service.foresee_refusal); None to book through the
    write path.

    SQLite has one write lock, taken by the request's session at its first statement: the
    reads go through a session of their own. PostgreSQL locks rows, not the database: the
    request's session reads, saving a second connection and transaction per press."""
    read = db.open_session() if settings.is_sqlite else session
    press = booking_service.kept_press(read, studio_id=studio_id)
    try:
        refusal = booking_service.foresee_refusal(
            read, actor=user, studio_id=studio_id, form=form.valid(), press=press
        )
    except (FormErrors, booking_service.BookingRefused):
        refusal = None  # the write path answers these as it always has
    if refusal is None:
        if read is not session:
            read.close()
        else:
            session.rollback()  # the write path starts afresh
        return None
    return read, refusal, press


@router.post("/{studio_id:int}/book")
def book(
    request: Request,
    session: SessionDep,
    user: Booker,
    studio_id: PathId,
    form: BookingSubmission,
    kits: FormOf(KitChoicesForm),
) -> Response:
    monday = _week_of(form.values.date)
    page = partial(_calendar_page, request, session, user, studio_id, monday=monday)
    if is_htmx(request):
        foreseen = _foreseen_refusal(session, user, studio_id, form)
        if foreseen is not None:
            read, refusal, press = foreseen
            return _refused_panel(
                request, read, session, user, studio_id, monday, form, refusal, press
            )
    try:
        booking = booking_service.book_from_form(
            session, actor=user, studio_id=studio_id, form=form.valid()
        )
        # The kits asked for in the form, in the booking's transaction: a kit refused
        # rolls the booking back too (all or nothing).
        kit_service.reserve_with_booking(session, actor=user, booking=booking, choices=kits.valid())
    except FormErrors as exc:
        session.rollback()
        panel = FormValues({**form.values, **kits.values})
        return page(panel=panel, errors=exc.errors, status_code=422)
    except booking_service.BookingRefused as refusal:
        # Nothing was written for the booking (the insert's savepoint is rolled back), so
        # the refusal is recorded in the same transaction: one commit, one write lock.
        if is_htmx(request):
            return _refused_panel(request, session, session, user, studio_id, monday, form, refusal)
        booking_service.record_refusal(session, refusal=refusal, user=user)
        return page(
            panel=form.values, refusal=refusal, status_code=refusal.status_code, commit=True
        )
    message = (
        N_("Booked: waiting for approval.")
        if booking.status == "pending"
        else N_("Booked. Check in from 10 minutes before the start.")
    )
    if is_htmx(request):
        return page(notice=message, commit=True)
    session.commit()
    return flash(redirect(request, f"/studios/{studio_id}?week={monday.isoformat()}"), message)


@router.post("/{studio_id:int}/waitlist")
def join_waitlist(
    request: Request,
    session: SessionDep,
    user: Booker,
    studio_id: PathId,
    form: BookingSubmission,
) -> Response:
    monday = _week_of(form.values.date)
    page = partial(_calendar_page, request, session, user, studio_id, monday=monday)
    try:
        booking_service.join_waitlist(session, actor=user, studio_id=studio_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return page(panel=form.values, errors=exc.errors, status_code=422)
    except booking_service.BookingRefused as refusal:
        session.rollback()
        return page(panel=form.values, refusal=refusal, status_code=refusal.status_code)
    except Conflict as exc:
        session.rollback()
        return page(panel=form.values, errors={"waitlist": exc.message}, status_code=409)
    message = N_("You are on the waitlist. If the time frees up and your rules allow, it is yours.")
    if is_htmx(request):
        return page(notice=message, commit=True)
    session.commit()
    return flash(redirect(request, f"/studios/{studio_id}?week={monday.isoformat()}"), message)


@router.get("/board", dependencies=[Staff])
def day_board(request: Request, session: SessionDep, user: Booker, day: QueryText = "") -> Response:
    board = booking_service.day_board(session, day=date_or_none(day) or clock.today(), viewer=user)
    return render(request, "studios/board.html", {"board": board}, block="board")


@router.get("/{studio_id:int}/checkin")
def checkin_page(
    request: Request, session: SessionDep, user: Booker, studio_id: PathId, code: QueryText = ""
) -> Response:
    """What the QR at the door opens: the scanner's booking now, with the door's code."""
    studio = studio_service.get_studio(session, studio_id=studio_id)
    current = booking_service.current_booking_for_checkin(session, studio_id=studio_id, user=user)
    context = {
        "studio": studio,
        "current": current,
        "code": code,
        "at_door": booking_service.door_codes.is_valid(studio_id, code),
    }
    return render(request, "studios/checkin.html", context)


@router.post("/{studio_id:int}/checkin")
def checkin_own(
    request: Request,
    session: SessionDep,
    user: Booker,
    studio_id: PathId,
    form: FormOf(DoorCheckinForm),
) -> Response:
    current = booking_service.current_booking_for_checkin(session, studio_id=studio_id, user=user)
    if current is None:
        raise Conflict("You have no booking of this studio to check in to right now.")
    booking_service.check_in(
        session, booking_id=current.booking.id, actor=user, door_code=form.valid().code
    )
    session.commit()
    return flash(redirect(request, f"/studios/{studio_id}/checkin"), "You are checked in.")

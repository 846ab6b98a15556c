"""Live sessions of a team's project: plan, result, review; totals, charts and income.

Income of simulated entrepreneurship comes only from recorded (completed) sessions:
``income_by_team`` and ``income_by_member`` sum them with aggregate queries.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Post, User
from app.models.base import utcnow
from app.models.studios import Booking, BookingStatus, Purpose, Studio
from app.models.teams import (
    LiveSession,
    LiveSessionProduct,
    LiveSessionRole,
    PlatformAccount,
    SessionStatus,
    TeamMember,
)
from app.schemas.base import FormValues
from app.schemas.fields import yuan_input
from app.schemas.live_sessions import PlanForm, ResultForm
from app.schemas.times import datetime_input
from app.services import clock
from app.services.pagination import Page, paginate
from app.services.teams import projects as project_service
from app.services.teams import teams as team_service


def _session_of_team(session: Session, *, team_id: int, session_id: int) -> LiveSession:
    live = session.get(LiveSession, session_id)
    if live is None or live.team_id != team_id:
        raise NotFound("This live session does not exist.")
    return live


UNLINKABLE_STATUSES = (BookingStatus.cancelled.value, BookingStatus.rejected.value)


def linkable_bookings(
    session: Session, *, team_id: int, live_session_id: int | None = None
) -> list[tuple[Booking, Studio]]:
    """The team's live-session bookings a session may use: not cancelled or rejected, and
    not already hosting another live session (newest first, at most 100)."""
    query = (
        select(Booking, Studio)
        .join(Studio, Studio.id == Booking.studio_id)
        .where(
            Booking.team_id == team_id,
            Booking.purpose == Purpose.live_session.value,
            Booking.status.notin_(UNLINKABLE_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Booking.starts_at.desc())  # type: ignore[attr-defined]
        .limit(100)
    )
    if live_session_id is None:
        query = query.where(Booking.live_session_id.is_(None))  # type: ignore[union-attr]
    else:
        query = query.where(
            (Booking.live_session_id.is_(None))  # type: ignore[union-attr]
            | (Booking.live_session_id == live_session_id)
        )
    return [(booking, studio) for booking, studio in session.exec(query).all()]


def _chosen_booking(
    session: Session, booking_id: int | None, *, team_id: int, live: LiveSession, errors: dict
) -> Booking | None:
    """The booking the plan links to (None for no booking); an error beside the field for
    anything but one of the team's linkable live-session bookings."""
    if booking_id is None:
        return None
    booking = session.get(Booking, booking_id)
    if (
        booking is None
        or booking.team_id != team_id
        or booking.purpose != Purpose.live_session.value
        or booking.status in UNLINKABLE_STATUSES
    ):
        errors["booking_id"] = _l("Choose one of the team's live-session studio bookings.")
        return None
    if booking.live_session_id is not None and booking.live_session_id != live.id:
        errors["booking_id"] = _l("This studio booking already hosts another live session.")
        return None
    return booking


def _link_booking(session: Session, live: LiveSession, booking: Booking | None) -> None:
    """One booking per live session (a unique index keeps it): unlink the previous one,
    then link the chosen one."""
    for old in session.exec(select(Booking).where(Booking.live_session_id == live.id)).all():
        if booking is None or old.id != booking.id:
            old.live_session_id = None
            session.add(old)
    session.flush()  # the unlinks first: the index sees one link at every step
    if booking is not None and booking.live_session_id != live.id:
        booking.live_session_id = live.id
        session.add(booking)
        try:
            session.flush()
        except IntegrityError as exc:  # another plan edit linked this live session meanwhile
            raise Conflict(
                "This live session was linked to a studio booking at the same moment. "
                "Reload the page and try again."
            ) from exc


def _apply_plan(
    session: Session, live: LiveSession, form: PlanForm, *, team_id: int, now: datetime
) -> None:
    errors: dict = {}
    moved = live.planned_start is None or live.planned_start != form.planned_start
    if moved and form.planned_start < now - RESULT_CLOCK_SLACK:
        # A plan is for what is to come; a past broadcast is recorded through its result.
        errors["planned_start"] = _l("A plan cannot start in the past. Choose a time from now on.")
    if form.account_id is not None:
        account = session.get(PlatformAccount, form.account_id)
        if account is None or account.project_id != live.project_id:
            errors["account_id"] = _l("Choose one of the project's accounts.")
    booking = _chosen_booking(session, form.booking_id, team_id=team_id, live=live, errors=errors)
    members = {
        m.user_id
        for m in session.exec(
            select(TeamMember).where(
                TeamMember.team_id == team_id,
                TeamMember.left_on.is_(None),  # type: ignore[union-attr]
            )
        ).all()
    }
    post_ids = set(session.exec(select(Post.id)).all())
    roles: dict[int, int] = {}
    for user_id, post_id in form.roles():
        if user_id not in members or post_id not in post_ids:
            errors["roles"] = _l("Give roles to current members and choose posts from the list.")
            break
        roles[user_id] = post_id  # type: ignore[index]
    if errors:
        raise FormErrors(errors)
    theme, start, minutes = form.theme, form.planned_start, form.planned_minutes
    target, account_id, products = form.gmv_target, form.account_id, form.products()
    live.theme, live.planned_start, live.planned_minutes = theme, start, minutes
    live.gmv_target_fen, live.account_id = target, account_id
    live.viewers_target, live.orders_target = form.viewers_target, form.orders_target
    if live.actual_start is None:
        live.session_date = clock.local_date(start)
    session.add(live)
    session.flush()
    for old in session.exec(
        select(LiveSessionProduct).where(LiveSessionProduct.session_id == live.id)
    ).all():
        session.delete(old)
    for old in session.exec(
        select(LiveSessionRole).where(LiveSessionRole.session_id == live.id)
    ).all():
        session.delete(old)
    session.flush()
    for order, (name, fen) in enumerate(products):
        session.add(
            LiveSessionProduct(session_id=live.id, name=name, price_fen=fen, sort_order=order)
        )
    for user_id, post_id in roles.items():
        session.add(LiveSessionRole(session_id=live.id, user_id=user_id, post_id=post_id))
    session.flush()
    _link_booking(session, live, booking)


def plan_session(
    session: Session, *, user: User, team_id: int, form: PlanForm, now: datetime | None = None
) -> LiveSession:
    """Plan a live session of the team's project (staff or a current member)."""
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    project = project_service.team_project(session, team_id=team.id)
    if project is None:
        raise FormErrors({"theme": _l("Record the team's project before planning sessions.")})
    live = LiveSession(
        team_id=team.id,
        project_id=project.id,
        theme="",
        planned_start=None,  # type: ignore[arg-type]
        planned_minutes=0,
        session_date=None,  # type: ignore[arg-type]
        recorded_by_id=user.id,
    )
    # validates before adding the row
    _apply_plan(session, live, form, team_id=team.id, now=now or utcnow())
    return live


def update_plan(
    session: Session,
    *,
    user: User,
    team_id: int,
    session_id: int,
    form: PlanForm,
    now: datetime | None = None,
) -> LiveSession:
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    _apply_plan(session, live, form, team_id=team_id, now=now or utcnow())
    return live


START_TOLERANCE = timedelta(hours=3)  # further from the plan than this asks for a confirmation
RESULT_CLOCK_SLACK = timedelta(minutes=5)  # a phone's clock may run a little ahead


def check_result(live: LiveSession, form: ResultForm, now: datetime) -> None:
    """The rule every result obeys (typed in or imported): not for a cancelled session;
    after the broadcast, i.e. not before the planned start and not ending in the future; a
    start far from the plan is saved only once confirmed."""
    if live.status == SessionStatus.cancelled.value:
        raise Conflict("This session was cancelled: plan a new one for another broadcast.")
    planned = live.planned_start
    if now < planned:
        raise FormErrors(
            {
                "actual_start": _l(
                    "The session is planned for %(start)s: record its result after it has started.",
                    start=clock.local_text(planned),
                )
            }
        )
    if form.actual_end > now + RESULT_CLOCK_SLACK:
        raise FormErrors({"actual_end": _l("The end cannot be in the future.")})
    off_by = abs(form.actual_start - planned)
    if off_by > START_TOLERANCE and not form.times_confirmed:
        raise FormErrors(
            {
                "actual_start": _l(
                    "This start is %(hours)s hours from the plan (%(start)s). Check the "
                    "date and time, or tick “The times are right” and save again.",
                    hours=round(off_by.total_seconds() / 3600, 1),
                    start=clock.local_text(planned),
                ),
                "times_confirmed": _l("Tick this if the session really started then."),
            }
        )


def record_result(
    session: Session,
    *,
    user: User,
    team_id: int,
    session_id: int,
    form: ResultForm,
    now: datetime | None = None,
) -> LiveSession:
    """The figures of a broadcast; impossible numbers are refused beside their fields."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    check_result(live, form, now or utcnow())
    start, end = form.actual_start, form.actual_end
    live.actual_start, live.actual_end = start, end
    live.actual_minutes = int((end - start).total_seconds() // 60)
    live.session_date = clock.local_date(start)
    live.gmv_fen, live.income_fen = form.gmv, form.income
    live.orders, live.refunds = form.orders, form.refunds
    live.new_followers, live.peak_viewers = form.new_followers, form.peak_viewers
    live.viewers, live.avg_watch_seconds = form.viewers, form.avg_watch_seconds
    live.interactions, live.ad_spend_fen = form.interactions, form.ad_spend
    live.status = SessionStatus.completed.value
    session.add(live)
    session.flush()
    return live


@dataclass
class SessionDetail:
    live: LiveSession
    products: list[LiveSessionProduct]
    roles: list[tuple[LiveSessionRole, User, Post]]
    account: PlatformAccount | None
    booking: tuple[Booking, Studio] | None = None


def session_detail(session: Session, *, user: User, team_id: int, session_id: int) -> SessionDetail:
    team_service.get_visible_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    products = list(
        session.exec(
            select(LiveSessionProduct)
            .where(LiveSessionProduct.session_id == live.id)
            .order_by(LiveSessionProduct.sort_order)
        ).all()
    )
    roles = [
        (role, person, post)
        for role, person, post in session.exec(
            select(LiveSessionRole, User, Post)
            .join(User, User.id == LiveSessionRole.user_id)
            .join(Post, Post.id == LiveSessionRole.post_id)
            .where(LiveSessionRole.session_id == live.id)
            .order_by(Post.sort_order)
        ).all()
    ]
    account = session.get(PlatformAccount, live.account_id) if live.account_id else None
    booking = session.exec(
        select(Booking, Studio)
        .join(Studio, Studio.id == Booking.studio_id)
        .where(Booking.live_session_id == live.id)
        .order_by(Booking.id)
    ).first()
    return SessionDetail(live, products, roles, account, tuple(booking) if booking else None)


def plan_form(detail: SessionDetail) -> FormValues:
    """The plan as its form shows it, for editing."""
    live = detail.live
    return PlanForm.initial(
        theme=live.theme,
        planned_start=datetime_input(live.planned_start),
        planned_minutes=str(live.planned_minutes),
        gmv_target=yuan_input(live.gmv_target_fen),
        viewers_target=_count_input(live.viewers_target),
        orders_target=_count_input(live.orders_target),
        account_id=str(live.account_id or ""),
        booking_id=str(detail.booking[0].id) if detail.booking else "",
        product_names=[p.name for p in detail.products],
        product_prices=[yuan_input(p.price_fen) for p in detail.products],
        role_users=[str(r.user_id) for r, _u, _p in detail.roles],
        role_posts=[str(r.post_id) for r, _u, _p in detail.roles],
    )


def result_form(live: LiveSession) -> FormValues:
    """The result as its form shows it: the planned start until a result is recorded."""
    if live.status != SessionStatus.completed.value:
        return ResultForm.initial(actual_start=datetime_input(live.planned_start))
    return ResultForm.initial(
        actual_start=datetime_input(live.actual_start),
        actual_end=datetime_input(live.actual_end),
        gmv=yuan_input(live.gmv_fen),
        orders=str(live.orders),
        refunds=str(live.refunds),
        income=yuan_input(live.income_fen),
        new_followers=str(live.new_followers),
        peak_viewers=str(live.peak_viewers),
        viewers=_count_input(live.viewers),
        avg_watch_seconds=_count_input(live.avg_watch_seconds),
        interactions=_count_input(live.interactions),
        ad_spend=yuan_input(live.ad_spend_fen),
    )


def _count_input(value: int | None) -> str:
    return "" if value is None else str(value)


def list_sessions(session: Session, *, team_id: int, page: int, per_page: int) -> Page:
    query = (
        select(LiveSession)
        .where(LiveSession.team_id == team_id)
        .order_by(LiveSession.planned_start.desc(), LiveSession.id.desc())  # type: ignore[union-attr]
    )
    items, total = paginate(session, query, page=page, per_page=per_page)
    return Page(
        items=items,
        total=total,
        number=min(page, max(1, -(-total // per_page))),
        per_page=per_page,
        base_path=f"/teams/{team_id}/sessions",
    )


def cancel_session(session: Session, *, user: User, team_id: int, session_id: int) -> LiveSession:
    """Call off a planned session. Its studio booking is released from it (kept, so the
    team can use the room for another session or cancel it on its own page)."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    if live.status != SessionStatus.planned.value:
        raise Conflict("Only a planned session can be cancelled.")
    _link_booking(session, live, None)
    live.status = SessionStatus.cancelled.value
    session.add(live)
    session.flush()
    return live

"""Live sessions of a team's project: plan, result, review; totals, charts and income.

Income of simulated entrepreneurship comes only from recorded (completed) sessions:
``income_by_team`` and ``income_by_member`` sum them with aggregate queries.
"""

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Post, User
from app.models.studios import Booking, BookingStatus, Purpose, Studio
from app.models.teams import (
    LiveSession,
    LiveSessionProduct,
    LiveSessionRole,
    PlatformAccount,
    SessionStatus,
    TeamMember,
)
from app.services.pagination import Page, paginate
from app.services.teams import projects as project_service
from app.services.teams import teams as team_service
from app.services.teams.forms import (
    clean_text,
    local_date,
    local_input,
    parse_id,
    parse_int,
    parse_local_datetime,
    parse_money,
    strip_nul,
    yuan,
)

MAX_MINUTES = 24 * 60
MAX_PRODUCTS = 30


@dataclass
class PlanForm:
    theme: str = ""
    planned_start: str = ""
    planned_minutes: str = ""
    gmv_target: str = ""
    account_id: str = ""
    booking_id: str = ""
    product_names: list[str] = field(default_factory=list)
    product_prices: list[str] = field(default_factory=list)
    role_users: list[str] = field(default_factory=list)
    role_posts: list[str] = field(default_factory=list)


@dataclass
class ResultForm:
    actual_start: str = ""
    actual_end: str = ""
    gmv: str = ""
    orders: str = ""
    refunds: str = ""
    income: str = ""
    new_followers: str = ""
    peak_viewers: str = ""


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
    session: Session, text: str, *, team_id: int, live: LiveSession, errors: dict
) -> Booking | None:
    """The booking the plan links to (None for no booking); an error beside the field for
    anything but one of the team's linkable live-session bookings."""
    if not (text or "").strip():
        return None
    booking_id = parse_id(text)
    booking = session.get(Booking, booking_id) if booking_id else None
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


def _apply_plan(session: Session, live: LiveSession, form: PlanForm, *, team_id: int) -> None:
    errors: dict = {}
    theme = clean_text(form.theme, "theme", errors, max_length=200, required=True)
    start = parse_local_datetime(form.planned_start, "planned_start", errors)
    minutes = parse_int(
        form.planned_minutes, "planned_minutes", errors, minimum=1, maximum=MAX_MINUTES
    )
    target = parse_money(form.gmv_target, "gmv_target", errors, required=False)
    account_id = parse_id(form.account_id) if form.account_id.strip() else None
    if form.account_id.strip():
        account = session.get(PlatformAccount, account_id or 0)
        if account is None or account.project_id != live.project_id:
            errors["account_id"] = _l("Choose one of the project's accounts.")
    booking = _chosen_booking(session, form.booking_id, team_id=team_id, live=live, errors=errors)
    products: list[tuple[str, int]] = []
    for name, price in zip(form.product_names, form.product_prices, strict=False):
        name = strip_nul(name)
        if not name and not (price or "").strip():
            continue
        if not name or len(name) > 200:
            errors["products"] = _l("Each product needs a name (at most 200 characters).")
            break
        fen = parse_money(price, "price", {})
        if fen is None:
            errors["products"] = _l(
                "The price of “%(name)s” must be an amount in yuan, not negative.", name=name
            )
            break
        products.append((name, fen))
    if len(products) > MAX_PRODUCTS:
        errors["products"] = _l("List at most %(n)s products.", n=MAX_PRODUCTS)
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
    for user_value, post_value in zip(form.role_users, form.role_posts, strict=False):
        if not (post_value or "").strip():
            continue
        user_id, post_id = parse_id(user_value), parse_id(post_value)
        if user_id not in members or post_id not in post_ids:
            errors["roles"] = _l("Give roles to current members and choose posts from the list.")
            break
        roles[user_id] = post_id
    if errors:
        raise FormErrors(errors)
    live.theme, live.planned_start, live.planned_minutes = theme, start, minutes
    live.gmv_target_fen, live.account_id = target, account_id
    if live.actual_start is None:
        live.session_date = local_date(start)
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


def plan_session(session: Session, *, user: User, team_id: int, form: PlanForm) -> LiveSession:
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
    _apply_plan(session, live, form, team_id=team.id)  # validates before adding the row
    return live


def update_plan(
    session: Session, *, user: User, team_id: int, session_id: int, form: PlanForm
) -> LiveSession:
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    _apply_plan(session, live, form, team_id=team_id)
    return live


def record_result(
    session: Session, *, user: User, team_id: int, session_id: int, form: ResultForm
) -> LiveSession:
    """The figures of a broadcast; impossible numbers are refused beside their fields."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    if live.status == SessionStatus.cancelled.value:
        raise Conflict("This session was cancelled: plan a new one for another broadcast.")
    errors: dict = {}
    start = parse_local_datetime(form.actual_start, "actual_start", errors)
    end = parse_local_datetime(form.actual_end, "actual_end", errors)
    if start and end:
        if end <= start:
            errors["actual_end"] = _l("The end must be after the start.")
        elif (end - start).total_seconds() > MAX_MINUTES * 60:
            errors["actual_end"] = _l("A session cannot last more than 24 hours.")
    gmv = parse_money(form.gmv, "gmv", errors)
    income = parse_money(form.income, "income", errors)
    orders = parse_int(form.orders, "orders", errors)
    refunds = parse_int(form.refunds, "refunds", errors)
    if orders is not None and refunds is not None and refunds > orders:
        errors["refunds"] = _l("Refunds cannot be more than orders.")
    followers = parse_int(form.new_followers, "new_followers", errors)
    viewers = parse_int(form.peak_viewers, "peak_viewers", errors)
    if errors:
        raise FormErrors(errors)
    live.actual_start, live.actual_end = start, end
    live.actual_minutes = int((end - start).total_seconds() // 60)
    live.session_date = local_date(start)
    live.gmv_fen, live.income_fen, live.orders, live.refunds = gmv, income, orders, refunds
    live.new_followers, live.peak_viewers = followers, viewers
    live.status = SessionStatus.completed.value
    session.add(live)
    session.flush()
    return live


def record_review(
    session: Session,
    *,
    user: User,
    team_id: int,
    session_id: int,
    went_well: str,
    problems: str,
    actions: str,
) -> LiveSession:
    """The review (复盘): what went well, problems, actions."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    live = _session_of_team(session, team_id=team_id, session_id=session_id)
    errors: dict = {}
    went_well = clean_text(went_well, "went_well", errors, max_length=5000)
    problems = clean_text(problems, "problems", errors, max_length=5000)
    actions = clean_text(actions, "actions", errors, max_length=5000)
    if errors:
        raise FormErrors(errors)
    live.went_well, live.problems, live.actions = went_well, problems, actions
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


def plan_form(detail: SessionDetail) -> PlanForm:
    live = detail.live
    return PlanForm(
        theme=live.theme,
        planned_start=local_input(live.planned_start),
        planned_minutes=str(live.planned_minutes),
        gmv_target=yuan(live.gmv_target_fen),
        account_id=str(live.account_id or ""),
        booking_id=str(detail.booking[0].id) if detail.booking else "",
        product_names=[p.name for p in detail.products],
        product_prices=[yuan(p.price_fen) for p in detail.products],
        role_users=[str(r.user_id) for r, _u, _p in detail.roles],
        role_posts=[str(r.post_id) for r, _u, _p in detail.roles],
    )


def result_form(live: LiveSession) -> ResultForm:
    if live.status != SessionStatus.completed.value:
        return ResultForm(actual_start=local_input(live.planned_start))
    return ResultForm(
        actual_start=local_input(live.actual_start),
        actual_end=local_input(live.actual_end),
        gmv=yuan(live.gmv_fen),
        orders=str(live.orders),
        refunds=str(live.refunds),
        income=yuan(live.income_fen),
        new_followers=str(live.new_followers),
        peak_viewers=str(live.peak_viewers),
    )


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

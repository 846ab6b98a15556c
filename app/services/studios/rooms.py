"""Studios (administrators): settings, opening hours, blackouts; the studio list."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import (
    ACTIVE_STATUSES,
    Booking,
    Studio,
    StudioBlackout,
    StudioHours,
)
from app.schemas.base import FormValues
from app.schemas.studios import BlackoutForm, StudioForm
from app.schemas.times import hhmm_input
from app.services import clock as st


@dataclass
class StudioRow:
    """A studio on the list page, with today's availability."""

    studio: Studio
    hours: dict[int, StudioHours]
    today_open: tuple[int, int] | None
    free_slots: int = 0
    total_slots: int = 0
    next_free: st.Slot | None = None
    blackout: StudioBlackout | None = None


def get_studio(session: Session, *, studio_id: int) -> Studio:
    studio = session.get(Studio, studio_id)
    if studio is None:
        raise NotFound("This studio does not exist.")
    return studio


def studio_hours(session: Session, *, studio_id: int) -> dict[int, StudioHours]:
    rows = session.exec(select(StudioHours).where(StudioHours.studio_id == studio_id)).all()
    return {row.weekday: row for row in rows}


def approver_choices(session: Session) -> list[User]:
    """Active teachers who may be named as a studio's approver."""
    query = (
        select(User)
        .where(User.role == Role.teacher, User.is_active == True)  # noqa: E712
        .order_by(User.full_name)
    )
    return list(session.exec(query).all())


# A new studio starts from these settings, open 08:00–22:00 every day.
_NEW_STUDIO = {
    "capacity": 6,
    "slot_minutes": 30,
    "min_minutes": 30,
    "max_minutes": 180,
    "advance_days": 14,
    "buffer_minutes": 0,
    "offer_hold_minutes": 30,
    "is_active": True,
}
_NEW_HOURS = (("opens", "08:00"), ("closes", "22:00"))
# Form fields stored as they are.
_COLUMNS = (
    "name",
    "location",
    "capacity",
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "advance_days",
    "buffer_minutes",
    "offer_hold_minutes",
    "requires_approval",
    "approver_id",
    "is_active",
)


def studio_form(session: Session, studio: Studio | None = None) -> FormValues:
    """A studio's settings as its form shows them; a new studio's defaults without one."""
    if studio is None:
        days = {f"{edge}_{d}": time for d in range(7) for edge, time in _NEW_HOURS}
        return StudioForm.initial(**_NEW_STUDIO, **days)
    hours = studio_hours(session, studio_id=studio.id)
    days = {}
    for weekday, row in hours.items():
        days[f"opens_{weekday}"] = hhmm_input(row.opens)
        days[f"closes_{weekday}"] = hhmm_input(row.closes)
    return StudioForm.initial(
        name=studio.name,
        location=studio.location,
        capacity=studio.capacity,
        equipment=studio.equipment,
        slot_minutes=studio.slot_minutes,
        min_minutes=studio.min_minutes,
        max_minutes=studio.max_minutes,
        advance_days=studio.advance_days,
        buffer_minutes=studio.buffer_minutes,
        offer_hold_minutes=studio.offer_hold_minutes,
        requires_approval=studio.requires_approval,
        approver_id=studio.approver_id,
        is_active=studio.is_active,
        **days,
    )


def _checked_values(session: Session, form: StudioForm, studio_id: int | None) -> dict:
    """The studio's column values; FormErrors for a name in use or an approver who is not
    an active teacher."""
    errors: dict = {}
    clash = session.exec(
        select(Studio.id).where(func.lower(Studio.name) == form.name.lower())
    ).first()
    if clash is not None and clash != studio_id:
        errors["name"] = _l("Another studio already has this name.")
    if form.approver_id is not None:
        approver = session.get(User, form.approver_id)
        if approver is None or approver.role != Role.teacher or not approver.is_active:
            errors["approver_id"] = _l(
                "Choose an active teacher, or leave it to the administrators."
            )
    if errors:
        raise FormErrors(errors)
    values = {name: getattr(form, name) for name in _COLUMNS}
    values["equipment"] = form.equipment_text()
    return values


def save_studio(session: Session, *, form: StudioForm, studio_id: int | None = None) -> Studio:
    """Create a studio, or update one, with its weekly opening hours."""
    values = _checked_values(session, form, studio_id)
    if studio_id is None:
        studio = Studio(**values)
    else:
        studio = get_studio(session, studio_id=studio_id)
        for name, value in values.items():
            setattr(studio, name, value)
    session.add(studio)
    session.flush()
    session.exec(delete(StudioHours).where(StudioHours.studio_id == studio.id))
    for weekday, (opens, closes) in form.hours().items():
        session.add(StudioHours(studio_id=studio.id, weekday=weekday, opens=opens, closes=closes))
    session.flush()
    return studio


def list_studios(
    session: Session, *, include_inactive: bool = False, now: datetime | None = None
) -> list[StudioRow]:
    """Every studio with its equipment and today's availability (four queries)."""
    now = now or utcnow()
    query = select(Studio).order_by(Studio.name)
    if not include_inactive:
        query = query.where(Studio.is_active == True)  # noqa: E712
    studios = list(session.exec(query).all())
    if not studios:
        return []
    ids = [s.id for s in studios]
    day = st.local_date(now)
    start, end = st.day_start(day), st.day_start(day + timedelta(days=1))
    hours: dict[int, dict[int, StudioHours]] = {}
    for row in session.exec(select(StudioHours).where(StudioHours.studio_id.in_(ids))).all():
        hours.setdefault(row.studio_id, {})[row.weekday] = row
    booked: dict[int, list[Booking]] = {}
    bookings = session.exec(
        select(Booking).where(
            Booking.studio_id.in_(ids),
            Booking.status.in_(ACTIVE_STATUSES),
            Booking.starts_at < end,
            Booking.blocked_until > start,
        )
    ).all()
    for booking in bookings:
        booked.setdefault(booking.studio_id, []).append(booking)
    blackouts: dict[int, list[StudioBlackout]] = {}
    for blackout in session.exec(
        select(StudioBlackout).where(
            StudioBlackout.studio_id.in_(ids),
            StudioBlackout.starts_at < end,
            StudioBlackout.ends_at > start,
        )
    ).all():
        blackouts.setdefault(blackout.studio_id, []).append(blackout)
    rows = []
    for studio in studios:
        studio_hours_ = hours.get(studio.id, {})
        today_hours = studio_hours_.get(day.weekday())
        row = StudioRow(studio, studio_hours_, None)
        if today_hours is not None:
            row.today_open = (today_hours.opens, today_hours.closes)
            slots = st.day_slots(day, today_hours.opens, today_hours.closes, studio.slot_minutes)
            slots = [slot for slot in slots if slot.starts_at >= now]  # what is left of today
            row.total_slots = len(slots)
            for slot in slots:
                busy = any(
                    b.starts_at < slot.ends_at and slot.starts_at < b.blocked_until
                    for b in booked.get(studio.id, [])
                )
                dark = next(
                    (
                        x
                        for x in blackouts.get(studio.id, [])
                        if x.starts_at < slot.ends_at and slot.starts_at < x.ends_at
                    ),
                    None,
                )
                if dark is not None and row.blackout is None:
                    row.blackout = dark
                if not busy and dark is None:
                    row.free_slots += 1
                    row.next_free = row.next_free or slot
        rows.append(row)
    return rows


def list_blackouts(session: Session, *, studio_id: int, now: datetime | None = None) -> list:
    """Current and future blackouts of a studio, soonest first."""
    now = now or utcnow()
    query = (
        select(StudioBlackout)
        .where(StudioBlackout.studio_id == studio_id, StudioBlackout.ends_at > now)
        .order_by(StudioBlackout.starts_at)
    )
    return list(session.exec(query).all())


def add_blackout(
    session: Session, *, studio_id: int, actor: User, form: BlackoutForm
) -> StudioBlackout:
    """Close a studio for a period; refused while active bookings fall inside it."""
    get_studio(session, studio_id=studio_id)
    starts_at, ends_at = form.starts_at(), form.ends_at()
    clashes = session.exec(
        select(func.count())
        .select_from(Booking)
        .where(
            Booking.studio_id == studio_id,
            Booking.status.in_(ACTIVE_STATUSES),
            Booking.starts_at < ends_at,
            Booking.ends_at > starts_at,
        )
    ).one()
    if clashes:
        raise FormErrors(
            {
                "starts": _l(
                    "%(n)s active bookings fall in this period: cancel them first.", n=clashes
                )
            }
        )
    blackout = StudioBlackout(
        studio_id=studio_id,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=form.reason,
        created_by_id=actor.id,
    )
    session.add(blackout)
    session.flush()
    return blackout


def remove_blackout(session: Session, *, studio_id: int, blackout_id: int) -> None:
    blackout = session.get(StudioBlackout, blackout_id)
    if blackout is None or blackout.studio_id != studio_id:
        raise NotFound("This blackout does not exist.")
    session.delete(blackout)
    session.flush()


def open_minutes(hours: dict[int, StudioHours], first: date, days: int) -> dict[date, int]:
    """Open minutes per local day over ``days`` days from ``first`` (before blackouts)."""
    result = {}
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = hours.get(day.weekday())
        result[day] = (row.closes - row.opens) if row else 0
    return result

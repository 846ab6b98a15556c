"""Studios (administrators): settings, opening hours, blackouts; the studio list."""

from dataclasses import dataclass, field
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
from app.services import clock as st

SLOT_CHOICES = (15, 20, 30, 45, 60, 90, 120)


@dataclass
class StudioForm:
    name: str = ""
    location: str = ""
    capacity: str = "6"
    equipment: str = ""
    slot_minutes: str = "30"
    min_minutes: str = "30"
    max_minutes: str = "180"
    advance_days: str = "14"
    buffer_minutes: str = "0"
    requires_approval: bool = False
    approver_id: str = ""
    is_active: bool = True
    # weekday -> (opens "HH:MM", closes "HH:MM"); empty strings mean closed that day
    hours: dict[int, tuple[str, str]] = field(default_factory=dict)


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


def studio_form(session: Session, studio: Studio) -> StudioForm:
    hours = studio_hours(session, studio_id=studio.id)
    return StudioForm(
        name=studio.name,
        location=studio.location,
        capacity=str(studio.capacity),
        equipment=studio.equipment,
        slot_minutes=str(studio.slot_minutes),
        min_minutes=str(studio.min_minutes),
        max_minutes=str(studio.max_minutes),
        advance_days=str(studio.advance_days),
        buffer_minutes=str(studio.buffer_minutes),
        requires_approval=studio.requires_approval,
        approver_id=str(studio.approver_id or ""),
        is_active=studio.is_active,
        hours={d: (st.hhmm(h.opens), st.hhmm(h.closes)) for d, h in hours.items()},
    )


def _int(errors: dict, name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = _l("Enter a whole number.")
        return low
    if not low <= number <= high:
        errors[name] = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
    return number


def _validate(session: Session, form: StudioForm, studio_id: int | None) -> tuple[dict, dict]:
    """The column values and opening hours of a studio form; FormErrors when invalid."""
    errors: dict = {}
    values: dict = {}
    name = form.name.strip()
    if not name:
        errors["name"] = _l("Enter a name.")
    elif len(name) > 100:
        errors["name"] = _l("Use at most %(n)s characters.", n=100)
    else:
        clash = session.exec(
            select(Studio.id).where(func.lower(Studio.name) == name.lower())
        ).first()
        if clash is not None and clash != studio_id:
            errors["name"] = _l("Another studio already has this name.")
    values["name"] = name
    values["location"] = form.location.strip()[:200]
    values["equipment"] = "\n".join(
        line.strip()[:100] for line in form.equipment.splitlines()[:50] if line.strip()
    )
    values["capacity"] = _int(errors, "capacity", form.capacity, 1, 500)
    slot = _int(errors, "slot_minutes", form.slot_minutes, 15, 120)
    if "slot_minutes" not in errors and slot not in SLOT_CHOICES:
        errors["slot_minutes"] = _l("Choose one of the offered slot sizes.")
    values["slot_minutes"] = slot
    for name_ in ("min_minutes", "max_minutes"):
        values[name_] = _int(errors, name_, getattr(form, name_), 15, 24 * 60)
        if name_ not in errors and slot and values[name_] % slot:
            errors[name_] = _l("Use a multiple of the slot size (%(n)s minutes).", n=slot)
    lengths_ok = not errors.keys() & {"min_minutes", "max_minutes"}
    if lengths_ok and values["min_minutes"] > values["max_minutes"]:
        errors["max_minutes"] = _l("The maximum must not be below the minimum.")
    values["advance_days"] = _int(errors, "advance_days", form.advance_days, 1, 365)
    values["buffer_minutes"] = _int(errors, "buffer_minutes", form.buffer_minutes, 0, 240)
    values["requires_approval"] = bool(form.requires_approval)
    values["is_active"] = bool(form.is_active)
    approver_id = None
    if form.approver_id.strip():
        try:
            approver = session.get(User, int(form.approver_id))
        except ValueError:
            approver = None
        if approver is None or approver.role != Role.teacher or not approver.is_active:
            errors["approver_id"] = _l(
                "Choose an active teacher, or leave it to the administrators."
            )
        else:
            approver_id = approver.id
    values["approver_id"] = approver_id
    hours: dict[int, tuple[int, int]] = {}
    for weekday in range(7):
        opens_text, closes_text = form.hours.get(weekday, ("", ""))
        if not opens_text.strip() and not closes_text.strip():
            continue
        opens, closes = st.parse_hhmm(opens_text), st.parse_hhmm(closes_text)
        key = f"hours_{weekday}"
        if opens is None or closes is None:
            errors[key] = _l("Enter both times as HH:MM, or leave both empty for a closed day.")
        elif opens >= closes:
            errors[key] = _l("The closing time must be after the opening time.")
        elif slot and (opens % slot or closes % slot):
            errors[key] = _l("Times must fall on the slot grid (every %(n)s minutes).", n=slot)
        else:
            hours[weekday] = (opens, closes)
    if errors:
        raise FormErrors(errors)
    return values, hours


def save_studio(session: Session, *, form: StudioForm, studio_id: int | None = None) -> Studio:
    """Create a studio, or update one, with its weekly opening hours."""
    values, hours = _validate(session, form, studio_id)
    if studio_id is None:
        studio = Studio(**values)
    else:
        studio = get_studio(session, studio_id=studio_id)
        for name, value in values.items():
            setattr(studio, name, value)
    session.add(studio)
    session.flush()
    session.exec(delete(StudioHours).where(StudioHours.studio_id == studio.id))
    for weekday, (opens, closes) in hours.items():
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
    session: Session,
    *,
    studio_id: int,
    actor: User,
    start_date: str,
    start_time: str,
    end_date: str,
    end_time: str,
    reason: str,
) -> StudioBlackout:
    """Close a studio for a period; refused while active bookings fall inside it."""
    get_studio(session, studio_id=studio_id)
    errors: dict = {}
    starts_at = _local(errors, "starts", start_date, start_time or "00:00")
    ends_at = _local(errors, "ends", end_date, end_time or "24:00")
    reason = reason.strip()
    if not reason:
        errors["reason"] = _l("Say why the studio is closed (e.g. maintenance, exams).")
    elif len(reason) > 200:
        errors["reason"] = _l("Use at most %(n)s characters.", n=200)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends"] = _l("The end must be after the start.")
    if errors:
        raise FormErrors(errors)
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
        reason=reason,
        created_by_id=actor.id,
    )
    session.add(blackout)
    session.flush()
    return blackout


def _local(errors: dict, key: str, day_text: str, time_text: str) -> datetime | None:
    day = st.parse_date(day_text)
    minute = st.parse_hhmm(time_text)
    if day is None or minute is None:
        errors[key] = _l("Enter a date (YYYY-MM-DD) and a time (HH:MM).")
        return None
    instant = st.local_instant(day, minute) if minute < 24 * 60 else None
    if minute == 24 * 60:
        instant = st.day_start(day + timedelta(days=1))
    if instant is None:
        errors[key] = _l("This local time does not exist (clocks change).")
    return instant


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

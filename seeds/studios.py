"""Demo studios (seeds/demo/studios.json) and a realistic fortnight of bookings around today.

Re-runnable: studios are keyed by name, and a studio that already has bookings gets no
new demo bookings, blackouts or refused requests.
"""

import itertools
import random
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from app.config import settings
from app.models import Role
from app.models.base import utcnow
from app.models.strikes import StrikeForgiveness
from app.models.studios import (
    Booking,
    BookingRefusal,
    BookingStatus,
    Studio,
    StudioBlackout,
    StudioHours,
    WaitlistEntry,
)
from app.services import clock
from seeds.loader import (
    SeedReport,
    create,
    demo_data,
    local_time,
    minutes,
    user_named,
    users,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SETTINGS = (
    "location",
    "capacity",
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "advance_days",
    "buffer_minutes",
    "requires_approval",
)


def _studio(session: Session, report: SeedReport, spec: dict) -> Studio:
    existing = session.exec(select(Studio).where(Studio.name == spec["name"])).first()
    if existing is not None:
        return existing
    approver = user_named(session, spec["approver"]) if "approver" in spec else None
    values = {key: spec[key] for key in SETTINGS} | {
        "equipment": "\n".join(spec["equipment"]),
        "approver_id": approver.id if approver else None,
    }
    studio = create(session, Studio(name=spec["name"], **values), report)
    for day, (opens, closes) in spec["hours"].items():
        session.add(
            StudioHours(
                studio_id=studio.id,
                weekday=WEEKDAYS.index(day),
                opens=minutes(opens),
                closes=minutes(closes),
            )
        )
    return studio


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """The studios with their equipment, and two weeks of bookings around today."""
    data = demo_data("studios.json")
    rng = random.Random(20261123)
    students = users(session, Role.student, active_only=True, limit=30 * scale)
    teachers = users(session, Role.teacher, active_only=True, limit=4 * scale)
    if not students or not teachers:
        return
    studios = {spec["name"]: _studio(session, report, spec) for spec in data["studios"]}
    session.flush()
    now = utcnow()
    today = clock.local_date(now)
    people = (students, teachers)
    booked = []
    for studio in studios.values():
        has_bookings = session.exec(
            select(func.count()).select_from(Booking).where(Booking.studio_id == studio.id)
        ).one()
        if has_bookings:
            continue
        booked.append(studio.name)
        _fortnight(session, report, rng, studio, data["bookings"], people, today, now)
        for blackout in data["blackouts"]:
            if blackout["studio"] == studio.name:
                day = today + timedelta(days=blackout["in_days"])
                session.add(
                    StudioBlackout(
                        studio_id=studio.id,
                        starts_at=local_time(day, blackout["from"]),
                        ends_at=local_time(day, blackout["to"]),
                        reason=blackout["reason"],
                    )
                )
    if booked:
        session.flush()
        _first_student_books(session, students[0], now)
        _strikes(session, students, teachers[0], now)
        _demand(session, rng, data["unmet_demand"], studios, students, today)
        session.flush()
        _first_student_is_offered(session, students, now)
    session.flush()


def _first_student_is_offered(session: Session, students, now) -> None:
    """The demo login waits for a time another student then cancels, so 「我的预约」 shows
    a waitlist offer held for them (made the way the app makes it, by the cancellation)."""
    from app.services.bookings import lifecycle

    first = students[0]
    later = select(Booking).where(
        Booking.starts_at > now + timedelta(days=1),
        Booking.status == BookingStatus.approved,
        Booking.purpose == "personal",
        Booking.user_id.in_([s.id for s in students[1:]]),
    )
    for booking in session.exec(later.order_by(Booking.starts_at).limit(5)).all():
        queued = session.exec(
            select(WaitlistEntry.id).where(
                WaitlistEntry.studio_id == booking.studio_id,
                WaitlistEntry.starts_at < booking.blocked_until,
                WaitlistEntry.ends_at > booking.starts_at,
            )
        ).first()
        if queued is not None:
            continue
        entry = WaitlistEntry(
            studio_id=booking.studio_id,
            user_id=first.id,
            purpose=booking.purpose,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            created_at=now - timedelta(hours=3),
        )
        session.add(entry)
        session.flush()
        booker = next(s for s in students if s.id == booking.user_id)
        lifecycle.cancel_booking(session, booking_id=booking.id, actor=booker, now=now)
        if entry.status == "offered":
            return
        session.delete(entry)  # their rules did not allow it: try another time
        session.flush()


def _first_student_books(session: Session, student, now) -> None:
    """The demo login (the first student) has an upcoming booking whatever today's draw.

    The fortnight picks bookers at random, so on some days student1 would open an empty
    「我的预约」 page; the earliest upcoming student booking becomes theirs instead.
    """
    upcoming = select(Booking).where(Booking.starts_at > now, Booking.purpose != "course")
    if session.exec(upcoming.where(Booking.user_id == student.id)).first() is not None:
        return
    taken = session.exec(
        upcoming.where(Booking.status == BookingStatus.approved).order_by(Booking.starts_at)
    ).first()
    if taken is not None:
        taken.user_id = student.id
        session.add(taken)


def _strikes(session: Session, students, teacher, now) -> None:
    """Missed check-ins this term that tell a story: student2 is one short of the limit,
    student3 is suspended (and had one more forgiven by a teacher); nobody else has more
    than one, so the other demo logins can always book whatever the fortnight's draw."""
    if len(students) < 3:
        return
    term_start = clock.day_start(clock.term_bounds(clock.local_date(now))[0])
    cutoff = now - timedelta(minutes=settings.booking_checkin_after_minutes)
    past = session.exec(
        select(Booking)
        .where(
            Booking.starts_at >= term_start,
            Booking.starts_at < cutoff,
            Booking.purpose.in_(("personal", "competition")),
            Booking.team_id.is_(None),
            Booking.live_session_id.is_(None),
            Booking.status.in_((BookingStatus.completed, BookingStatus.no_show)),
        )
        .order_by(Booking.starts_at.desc(), Booking.id)
    ).all()
    limit = max(settings.booking_strike_limit, 1)
    plan = [(students[2], limit + 1), (students[1], limit - 1)]  # the latest go to student3
    chosen = {student.id for student, _n in plan}
    seen: dict[int, int] = {}
    for booking in past:  # everyone else keeps at most one missed check-in
        if booking.user_id in chosen or booking.status != BookingStatus.no_show:
            continue
        seen[booking.user_id] = seen.get(booking.user_id, 0) + 1
        if seen[booking.user_id] > 1:
            booking.status = BookingStatus.completed
            booking.checked_in_at, booking.checked_in_by_id = booking.starts_at, booking.user_id
            session.add(booking)
    free = iter(b for b in past if b.user_id not in chosen)
    for student, count in plan:
        taken = list(itertools.islice(free, count))
        for booking in taken:
            booking.user_id, booking.status = student.id, BookingStatus.no_show
            booking.checked_in_at = booking.checked_in_by_id = None
            session.add(booking)
        if student is students[2] and len(taken) > limit:
            session.flush()
            session.add(
                StrikeForgiveness(
                    booking_id=taken[-1].id,  # the oldest: the suspension still stands
                    forgiven_by_id=teacher.id,
                    forgiven_at=now,
                    reason="校运会志愿服务，提前请假",
                )
            )


def _fortnight(session, report, rng, studio, spec, people, today, now) -> None:
    """Bookings on every open day within ``days_around_today`` of today, at random gaps."""
    hours = {h.weekday: h for h in session.exec(
        select(StudioHours).where(StudioHours.studio_id == studio.id)
    ).all()}  # fmt: skip
    around = spec["days_around_today"]
    for offset in range(-around, around + 1):
        day = today + timedelta(days=offset)
        row = hours.get(day.weekday())
        if row is None:
            continue
        minute = row.opens + studio.slot_minutes * rng.randint(0, 2)
        while minute < row.closes:
            length = studio.min_minutes + studio.slot_minutes * rng.randint(0, 2)
            if minute + length > row.closes or rng.random() < 0.35:
                minute += studio.slot_minutes * rng.randint(1, 3)
                continue
            booking = _booking(rng, studio, spec, day, minute, length, people, now)
            if booking is not None:
                create(session, booking, report)
            minute += length + studio.buffer_minutes + studio.slot_minutes * rng.randint(0, 3)
            minute += (row.opens - minute) % studio.slot_minutes


def _booking(rng, studio, spec, day, minute, length, people, now) -> Booking | None:
    starts_at = clock.local_instant(day, minute)
    if starts_at is None:
        return None
    students, teachers = people
    ends_at = starts_at + timedelta(minutes=length)
    purposes = spec["purposes"]
    purpose = rng.choice([p for p, kind in purposes.items() for _ in range(kind["weight"])])
    user = rng.choice(teachers) if purpose == "course" else rng.choice(students)
    if ends_at <= now:
        status = rng.choices(
            [BookingStatus.completed, BookingStatus.no_show, BookingStatus.cancelled],
            weights=[8, 1, 1],
        )[0]
    elif starts_at <= now:
        status = BookingStatus.checked_in
    elif studio.requires_approval and user.role == Role.student and rng.random() < 0.5:
        status = BookingStatus.pending
    else:
        status = BookingStatus.approved
    booking = Booking(
        studio_id=studio.id,
        user_id=user.id,
        purpose=purpose,
        title=rng.choice(purposes[purpose]["titles"]),
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + timedelta(minutes=studio.buffer_minutes),
        status=status,
        created_at=starts_at - timedelta(days=rng.randint(1, 6)),
    )
    if status in (BookingStatus.completed, BookingStatus.checked_in):
        booking.checked_in_at = starts_at + timedelta(minutes=rng.randint(-8, 10))
        booking.checked_in_by_id = user.id
    if status == BookingStatus.cancelled:
        booking.cancelled_at, booking.cancelled_by_id = starts_at - timedelta(days=1), user.id
    return booking


def _demand(session, rng, spec, studios, students, today) -> None:
    """Some refused and waitlisted requests, so the report shows unmet demand."""
    queued = set()  # one waiting entry per person, studio and start (a unique index)
    names = spec["studios"]
    for n in range(spec["requests"]):
        studio = studios[names[n % len(names)]]
        day = today + timedelta(days=rng.randint(-6, 6))
        start = clock.local_instant(day, minutes(spec["at"]))
        if start is None:
            continue
        end = start + timedelta(minutes=spec["minutes"])
        user = rng.choice(students)
        session.add(
            BookingRefusal(
                studio_id=studio.id,
                user_id=user.id,
                rule=spec["rule"],
                starts_at=start,
                ends_at=end,
            )
        )
        if (
            n % spec["waitlist_every"] == 0
            and day > today
            and (studio.id, user.id, start) not in queued
        ):
            queued.add((studio.id, user.id, start))
            session.add(
                WaitlistEntry(
                    studio_id=studio.id,
                    user_id=user.id,
                    purpose=spec["purpose"],
                    starts_at=start,
                    ends_at=end,
                )
            )

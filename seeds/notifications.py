"""Demo notifications, so the bell and the centre show something: student1 hears about a
booking decision (read already), a guidance log to acknowledge and a review action falling
due, each made from the demo's own rows when they exist. Re-runnable: keyed per recipient
by a ``demo:`` dedupe key."""

from datetime import timedelta

from sqlmodel import Session, select

from app.models.base import utcnow
from app.models.notifications import Notification
from app.models.notifications import NotificationKind as Kind
from app.models.studios import Booking, BookingStatus, Studio
from app.models.teams import GuidanceLog, Pairing, Team, TeamMember
from seeds.loader import SeedReport, create, user_named


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    student = user_named(session, "student1")
    if student is None:
        return
    now = utcnow()
    made = set(
        session.exec(
            select(Notification.dedupe_key).where(Notification.recipient_id == student.id)
        ).all()
    )

    def add(key: str, kind: str, params: dict, link: str, *, hours_ago: int, read: bool) -> None:
        if f"demo:{key}" in made:
            return
        created = now - timedelta(hours=hours_ago)
        create(
            session,
            Notification(
                recipient_id=student.id,
                kind=kind,
                params=params,
                link=link,
                dedupe_key=f"demo:{key}",
                created_at=created,
                read_at=created + timedelta(minutes=30) if read else None,
            ),
            report,
        )

    booking = session.exec(
        select(Booking, Studio)
        .join(Studio, Studio.id == Booking.studio_id)
        .where(Booking.user_id == student.id, Booking.status == BookingStatus.approved.value)
        .order_by(Booking.starts_at.desc())  # type: ignore[attr-defined]
    ).first()
    if booking is not None:
        row, studio = booking
        params = {"studio": studio.name, "starts_at": row.starts_at.isoformat()}
        add(
            "booking", Kind.booking_approved, params, f"/bookings/{row.id}", hours_ago=30, read=True
        )
    team_row = session.exec(
        select(Team)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id == student.id, TeamMember.left_on.is_(None))  # type: ignore[union-attr]
    ).first()
    if team_row is None:
        return
    log = session.exec(
        select(GuidanceLog)
        .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
        .where(Pairing.team_id == team_row.id)
        .order_by(GuidanceLog.held_on.desc())  # type: ignore[attr-defined]
    ).first()
    if log is not None:
        mentor = session.get(type(student), log.author_id)
        params = {
            "mentor": mentor.full_name if mentor else "",
            "held_on": log.held_on.isoformat(),
            "team": team_row.name,
        }
        add(
            "guidance",
            Kind.guidance_to_acknowledge,
            params,
            f"/guidance/logs/{log.id}",
            hours_ago=5,
            read=False,
        )
    due = (now + timedelta(days=1)).date().isoformat()
    params = {"text": "重写开场三分钟话术", "team": team_row.name, "due_on": due}
    add(
        "action", Kind.action_due, params, f"/teams/{team_row.id}/sessions", hours_ago=1, read=False
    )

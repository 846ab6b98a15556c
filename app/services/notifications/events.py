"""The events other domains report, each turned into its notification: one call from
the place where the event happens, inside that action's transaction."""

from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.models import User
from app.models.certificates import CertificateAward, ExamCandidate, PracticalExam
from app.models.curriculum import CertificateType
from app.models.notifications import Notification
from app.models.notifications import NotificationKind as Kind
from app.models.reviews import ActionStatus, ReviewAction
from app.models.studios import Booking, BookingStatus, Studio
from app.models.teams import GuidanceLog, LiveSession, Pairing, Team, TeamMember
from app.services.notifications.centre import notify, notify_many
from app.services.notifications.kinds import iso

BOOKING_KINDS = {
    BookingStatus.approved: Kind.booking_approved,
    BookingStatus.rejected: Kind.booking_rejected,
    BookingStatus.cancelled: Kind.booking_cancelled,
}


def booking_changed(session: Session, *, booking: Booking, studio: Studio, actor: User) -> None:
    """Tell the booker their booking was approved, rejected or cancelled by someone else
    (and the studio's and team's robots); a booker's own cancellation tells nobody."""
    kind = BOOKING_KINDS.get(BookingStatus(booking.status))
    if kind is None or actor.id == booking.user_id:
        return
    params = {"studio": studio.name, "starts_at": iso(booking.starts_at)}
    if kind == Kind.booking_rejected:
        params["reason"] = booking.decision_reason or ""
    if kind == Kind.booking_cancelled:
        params["actor"], params["reason"] = actor.full_name, booking.cancel_reason or ""
    notify(
        session,
        recipient_id=booking.user_id,
        kind=kind,
        params=params,
        link=f"/bookings/{booking.id}",
        team_id=booking.team_id,
        studio_id=studio.id,
    )


def waitlist_offered(
    session: Session,
    *,
    user_id: int,
    studio: Studio,
    starts_at: datetime,
    expires_at: datetime | None = None,
    link: str = "/bookings",
    team_id: int | None = None,
) -> Notification:
    """Tell someone on the waitlist that a place came free: booked for them already, or
    (with ``expires_at``) offered until then."""
    params = {"studio": studio.name, "starts_at": iso(starts_at)}
    if expires_at is not None:
        params |= {"variant": "offer", "expires_at": iso(expires_at)}
    return notify(
        session,
        recipient_id=user_id,
        kind=Kind.waitlist_offer,
        params=params,
        link=link,
        team_id=team_id,
    )


def guidance_logged(
    session: Session, *, log: GuidanceLog, pairing: Pairing, corrected_by: User | None = None
) -> None:
    """Ask the team's current members to read and acknowledge a new guidance log (or,
    ``corrected_by`` someone, to acknowledge the corrected log again)."""
    members = session.exec(
        select(TeamMember.user_id).where(
            TeamMember.team_id == pairing.team_id,
            TeamMember.left_on.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    team = session.get(Team, pairing.team_id)
    author = corrected_by or session.get(User, log.author_id)
    notify_many(
        session,
        recipient_ids=members,
        kind=Kind.guidance_to_acknowledge,
        params={
            "variant": "corrected" if corrected_by else "",
            "mentor": author.full_name if author else "",
            "held_on": log.held_on.isoformat(),
            "team": team.name if team else "",
        },
        link=f"/guidance/logs/{log.id}",
        team_id=pairing.team_id,
    )


def exam_result(session: Session, *, exam: PracticalExam, candidate: ExamCandidate) -> None:
    """Tell a candidate their result once the exam is finalised."""
    passed = "" if candidate.passed else "failed"
    variant = "absent" if candidate.result is None else passed
    notify(
        session,
        recipient_id=candidate.student_id,
        kind=Kind.exam_result,
        params={
            "variant": variant,
            "exam": exam.title,
            "result": str(candidate.result) if candidate.result is not None else "",
            "pass_mark": str(exam.pass_mark),
        },
        link=f"/portfolio/{candidate.student_id}",
    )


def certificate_issued(session: Session, *, award: CertificateAward) -> None:
    """Tell the holder their certificate was issued."""
    kind = session.get(CertificateType, award.certificate_type_id)
    notify(
        session,
        recipient_id=award.holder_id,
        kind=Kind.certificate_issued,
        params={
            "certificate": {"zh": kind.name_zh, "en": kind.name_en} if kind else "",
            "level": award.level,
            "number": award.number,
        },
        link=f"/certificates/awards/{award.id}",
    )


def queue_due_reminders(session: Session, *, today: date) -> int:
    """Remind owners of open review actions due today or tomorrow, once per action and due
    date (whichever worker runs the clock first); how many reminders were made."""
    rows = session.exec(
        select(ReviewAction, LiveSession.team_id, Team.name)
        .join(LiveSession, LiveSession.id == ReviewAction.session_id)
        .join(Team, Team.id == LiveSession.team_id)
        .where(
            ReviewAction.status == ActionStatus.open.value,
            ReviewAction.due_on >= today,  # type: ignore[operator]
            ReviewAction.due_on <= today + timedelta(days=1),  # type: ignore[operator]
        )
    ).all()
    if not rows:
        return 0
    keys = {
        f"action_due:{action.id}:{action.due_on}": (action, tid, name) for action, tid, name in rows
    }
    made = set(
        session.exec(
            select(Notification.dedupe_key).where(
                Notification.dedupe_key.in_(keys),  # type: ignore[union-attr]
                Notification.kind == Kind.action_due.value,
            )
        ).all()
    )
    count = 0
    for key, (action, team_id, team_name) in keys.items():
        if key in made:
            continue
        try:
            with session.begin_nested():  # another worker may have made it meanwhile
                notify_many(
                    session,
                    recipient_ids=[action.owner_id],
                    kind=Kind.action_due,
                    params={"text": action.text, "team": team_name, "due_on": str(action.due_on)},
                    link=f"/teams/{team_id}/sessions/{action.session_id}",
                    team_id=team_id,
                    dedupe_key=key,
                )
        except IntegrityError:
            continue
        count += 1
    return count

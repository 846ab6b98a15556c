"""A team's captain asks to enter an edition; staff confirm or decline the request.

The request is an ``Entry`` in the edition's first round with status ``requested``: the same
form, the same registration window and the same track rules as staff registration
(``entries``). Confirmed, it is ``registered`` and only then judged and counted by the
evaluation; declined, it keeps staff's reason and the captain may ask again. Staff here are
the people who manage the entry: administrators and its advising teachers.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.contests import Entry, EntryStatus, Round, Track
from app.models.teams import Team, TeamMember
from app.schemas.contests import DeclineForm, EntryForm
from app.services import teams as team_service
from app.services.clock import today
from app.services.contests.editions import EditionView, edition_view, registration_refusal
from app.services.contests.entries import add_entry, get_managed_entry, open_entry_id

WINDOW_FIELD = "track_id"  # the message about the window stands beside the track


def window_problems(view: EditionView, on: date) -> dict:
    """{field: message} when registration is closed on ``on`` (empty while it is open)."""
    refusal = registration_refusal(view, on)
    if refusal is None:
        return {}
    return {WINDOW_FIELD: _l(refusal.message, **refusal.params)}


def captain_team(session: Session, *, user: User, team_id: int) -> Team:
    """The team if ``user`` is its captain: 404 for people outside it, 403 for its members."""
    team = team_service.get_visible_team(session, user=user, team_id=team_id)
    if team.captain_id != user.id or not team_service.current_member(
        session, team_id=team.id, user_id=user.id
    ):
        raise Forbidden("Only the team's captain may register the team.")
    return team


def request_entry(
    session: Session,
    *,
    actor: User,
    edition_id: int,
    team_id: int,
    form: EntryForm,
    on: date | None = None,
) -> Entry:
    """The captain's request to enter the edition's first round, checked like a registration."""
    team = captain_team(session, user=actor, team_id=team_id)
    on = on or today()
    view = edition_view(session, edition_id=edition_id)
    round_ = view.first_round
    if round_ is None:
        raise Conflict("This edition has no round to register for.")
    if open_entry_id(session, round_id=round_.id, team_id=team.id):
        raise Conflict("Your team has already asked to enter this edition.")
    if problems := window_problems(view, on):
        raise FormErrors(problems)
    if round_.is_locked:
        raise Conflict("The results of this round are published; it takes no more entries.")
    form = form.model_copy(update={"team_id": team.id})
    try:
        return add_entry(
            session, actor=actor, round_=round_, form=form, on=on, status=EntryStatus.requested
        )
    except IntegrityError as exc:  # the same request sent twice at once (a unique index)
        raise Conflict("Your team has already asked to enter this edition.") from exc


def _requested(session: Session, *, actor: User, entry_id: int) -> Entry:
    entry = get_managed_entry(session, user=actor, entry_id=entry_id)
    if entry.status != EntryStatus.requested:
        raise Conflict("This entry is not waiting for confirmation.")
    if session.get(Round, entry.round_id).is_locked:
        raise Conflict("The results of this round are published; it takes no more entries.")
    return entry


def _decide(session: Session, entry: Entry, *, actor: User, status: EntryStatus, reason=""):
    entry.status = status.value
    entry.decided_by_id, entry.decided_at = actor.id, utcnow()
    entry.decline_reason = reason
    session.add(entry)
    session.flush()
    return entry


def confirm_entry(session: Session, *, actor: User, entry_id: int) -> Entry:
    """A requested entry becomes registered: it is judged and counts from now on."""
    entry = _requested(session, actor=actor, entry_id=entry_id)
    return _decide(session, entry, actor=actor, status=EntryStatus.registered)


def decline_entry(session: Session, *, actor: User, entry_id: int, form: DeclineForm) -> Entry:
    """A requested entry is declined with a reason the team sees."""
    entry = _requested(session, actor=actor, entry_id=entry_id)
    return _decide(session, entry, actor=actor, status=EntryStatus.declined, reason=form.reason)


@dataclass
class TeamRegistration:
    """One of the user's teams in an edition: its latest entry and whether they may ask."""

    team: Team
    is_captain: bool
    entry: Entry | None
    track: Track | None

    @property
    def may_request(self) -> bool:
        open_ = self.entry is not None and self.entry.status in (
            EntryStatus.requested,
            EntryStatus.registered,
        )
        return self.is_captain and not open_


def team_registrations(
    session: Session, *, user: User, view: EditionView
) -> list[TeamRegistration]:
    """The user's current teams with their latest entry in the edition's first round."""
    if view.first_round is None:
        return []
    teams = list(
        session.exec(
            select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == user.id, TeamMember.left_on.is_(None))
            .distinct()
            .order_by(Team.name)
        )
    )
    latest: dict[int, tuple[Entry, Track]] = {}
    if teams:
        for entry, track in session.exec(
            select(Entry, Track)
            .join(Track, Track.id == Entry.track_id)
            .where(
                Entry.round_id == view.first_round.id,
                Entry.team_id.in_([team.id for team in teams]),
            )
            .order_by(Entry.id)
        ).all():
            latest[entry.team_id] = (entry, track)
    return [
        TeamRegistration(
            team,
            team.captain_id == user.id,
            *latest.get(team.id, (None, None)),
        )
        for team in teams
    ]

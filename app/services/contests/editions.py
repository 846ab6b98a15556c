"""Competition editions, their rounds and tracks (forms in ``app.schemas.contests``).

Entries and advancing are in ``entries``, eligibility rules in ``eligibility``; judging
in the ``judging`` package.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.contests import Edition, Entry, EntryStatus, Round, Track
from app.models.curriculum import Competition, CompetitionLevel
from app.models.teams import Team
from app.schemas.contests import EditionForm, RoundForm, TrackForm
from app.services.pagination import Page, paginate

AWARD_LABELS = {
    "gold": N_("Gold"),
    "silver": N_("Silver"),
    "bronze": N_("Bronze"),
    "first": N_("First prize"),
    "second": N_("Second prize"),
    "third": N_("Third prize"),
    "excellence": N_("Excellence award"),
    "participation": N_("Participation"),
}
ROUND_LEVELS = (CompetitionLevel.school, CompetitionLevel.provincial, CompetitionLevel.national)
ROUND_LEVEL_LABELS = {
    "school": N_("School round"),
    "municipal": N_("Municipal round"),
    "provincial": N_("Provincial round"),
    "national": N_("National round"),
    "international": N_("International round"),
}
ADVISOR_LABELS = {"college": N_("College advisor"), "enterprise": N_("Enterprise advisor")}
ENTRY_STATUS_LABELS = {
    "requested": N_("Awaiting confirmation"),
    "registered": N_("Registered"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}


def is_staff(user: User) -> bool:
    return user.role in (Role.admin, Role.teacher)


# --- editions, rounds, tracks -----------------------------------------------------------------


@dataclass
class EditionRow:
    edition: Edition
    competition: Competition
    rounds: int
    entries: int


def competition_choices(session: Session) -> list[Competition]:
    return list(session.exec(select(Competition).order_by(Competition.sort_order, Competition.id)))


def list_editions(session: Session, *, page: int = 1, per_page: int = 25) -> Page[EditionRow]:
    """One page of editions, newest year first, with their round and entry counts
    (4 statements whatever the number of editions)."""
    query = (
        select(Edition, Competition)
        .join(Competition, Competition.id == Edition.competition_id)
        .order_by(Edition.year.desc(), Competition.sort_order, Edition.id)
    )
    rows, total = paginate(session, query, page=page, per_page=per_page)
    ids = [edition.id for edition, _competition in rows]
    rounds = dict(
        session.exec(
            select(Round.edition_id, func.count())
            .where(Round.edition_id.in_(ids))
            .group_by(Round.edition_id)
        ).all()
    )
    entries = dict(
        session.exec(
            select(Round.edition_id, func.count(Entry.id))
            .join(Entry, Entry.round_id == Round.id)
            .where(Round.edition_id.in_(ids), Entry.status == EntryStatus.registered.value)
            .group_by(Round.edition_id)
        ).all()
    )
    items = [EditionRow(e, c, rounds.get(e.id, 0), entries.get(e.id, 0)) for e, c in rows]
    number = min(page, max(1, -(-total // per_page)))
    return Page(items, total, number, per_page, "/contests")


def create_edition(session: Session, *, form: EditionForm) -> Edition:
    """A new edition of a catalogued competition, with its school round."""
    competition = session.get(Competition, form.competition_id)
    if competition is None:
        raise FormErrors({"competition_id": _l("Choose a competition from the list.")})
    if session.exec(
        select(Edition).where(Edition.competition_id == competition.id, Edition.year == form.year)
    ).first():
        raise FormErrors({"year": _l("This competition already has an edition in that year.")})
    edition = Edition(
        competition_id=competition.id,
        year=form.year,
        registration_opens_on=form.opens_on,
        registration_closes_on=form.closes_on,
        notes=form.notes,
    )
    session.add(edition)
    session.flush()
    session.add(Round(edition_id=edition.id, position=1, level=CompetitionLevel.school.value))
    session.flush()
    return edition


@dataclass
class EditionView:
    edition: Edition
    competition: Competition
    rounds: list[Round]
    tracks: list[Track]
    entries_by_round: dict[int, list["EntryRow"]] = field(default_factory=dict)

    @property
    def first_round(self) -> Round | None:
        return self.rounds[0] if self.rounds else None

    @property
    def requested(self) -> list["EntryRow"]:
        """Entries waiting for staff to confirm or decline them, in round order."""
        return [
            row
            for round_ in self.rounds
            for row in self.entries_by_round.get(round_.id, [])
            if row.entry.status == EntryStatus.requested
        ]

    def registration_open(self, on: date) -> bool:
        e = self.edition
        return e.registration_opens_on <= on <= e.registration_closes_on


def registration_refusal(view: EditionView, on: date) -> Invalid | None:
    """Why nobody may register on ``on`` (the window's dates), or None while it is open."""
    if view.registration_open(on):
        return None
    return Invalid(
        "Registration is open from %(start)s to %(end)s.",
        start=view.edition.registration_opens_on.isoformat(),
        end=view.edition.registration_closes_on.isoformat(),
    )


@dataclass
class EntryRow:
    entry: Entry
    team: Team
    track: Track


def get_edition(session: Session, edition_id: int) -> Edition:
    edition = session.get(Edition, edition_id)
    if edition is None:
        raise NotFound("This edition does not exist.")
    return edition


def edition_view(session: Session, *, edition_id: int) -> EditionView:
    """An edition with its rounds, tracks and entries (5 statements)."""
    edition = get_edition(session, edition_id)
    competition = session.get(Competition, edition.competition_id)
    rounds = list(
        session.exec(select(Round).where(Round.edition_id == edition.id).order_by(Round.position))
    )
    tracks = list(
        session.exec(select(Track).where(Track.edition_id == edition.id).order_by(Track.id))
    )
    view = EditionView(edition, competition, rounds, tracks, {r.id: [] for r in rounds})
    rows = session.exec(
        select(Entry, Team, Track)
        .join(Team, Team.id == Entry.team_id)
        .join(Track, Track.id == Entry.track_id)
        .join(Round, Round.id == Entry.round_id)
        .where(Round.edition_id == edition.id)
        .order_by(Entry.rank.is_(None), Entry.rank, Team.name)
    ).all()
    for entry, team, track in rows:
        view.entries_by_round[entry.round_id].append(EntryRow(entry, team, track))
    return view


def add_round(session: Session, *, edition_id: int, form: RoundForm) -> Round:
    """The next round of an edition (school → provincial → national)."""
    edition = get_edition(session, edition_id)
    last = session.exec(
        select(func.max(Round.position)).where(Round.edition_id == edition.id)
    ).one()
    round_ = Round(
        edition_id=edition.id,
        position=(last or 0) + 1,
        level=form.level,
        held_on=form.held_on,
        advance_cap=form.advance_cap,
    )
    session.add(round_)
    session.flush()
    return round_


def add_track(session: Session, *, edition_id: int, form: TrackForm) -> Track:
    """A track or group of an edition with its eligibility rules."""
    edition = get_edition(session, edition_id)
    track = Track(edition_id=edition.id, **form.model_dump())
    session.add(track)
    session.flush()
    return track

"""Competition editions, their rounds and tracks, and the form parsing helpers shared by the
contest, certificate and exam services.

Entries, eligibility and advancing are in ``contests_entries`` and ``contests_eligibility``;
judging in ``judging``, ``judging_scores`` and ``judging_ranking``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.contests import Edition, Entry, EntryStatus, Round, Track
from app.models.curriculum import Competition, CompetitionLevel
from app.models.teams import Team
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


def is_staff(user: User) -> bool:
    return user.role in (Role.admin, Role.teacher)


# --- parsing helpers ---------------------------------------------------------------------------


def parse_int(value: str | None, field_name: str, errors: dict, *, low=None, high=None, blank=None):
    """An integer from a form field, or an error beside the field; blank gives ``blank``."""
    text = (value or "").strip()
    if not text:
        return blank
    try:
        number = int(text)
    except ValueError:
        errors[field_name] = _l("Enter a whole number.")
        return blank
    if (low is not None and number < low) or (high is not None and number > high):
        errors[field_name] = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return blank
    return number


def parse_date(value: str | None, field_name: str, errors: dict, *, required=True):
    text = (value or "").strip()
    if not text:
        if required:
            errors[field_name] = _l("Enter a date.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field_name] = _l("Enter a date as YYYY-MM-DD.")
        return None


def parse_names(
    name_zh: str | None, name_en: str | None, errors: dict, *, missing
) -> tuple[str, str]:
    """A Chinese name (required: ``missing`` otherwise) and an optional English one, each
    up to 100 characters; problems go into ``errors`` under name_zh / name_en."""
    name_zh, name_en = (name_zh or "").strip(), (name_en or "").strip()
    if not name_zh:
        errors["name_zh"] = missing
    elif len(name_zh) > 100:
        errors["name_zh"] = _l("Keep the name under 100 characters.")
    if len(name_en) > 100:
        errors["name_en"] = _l("Keep the name under 100 characters.")
    return name_zh, name_en


def parse_decimal(value: str | None, field_name: str, errors: dict, *, low=None, high=None):
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        errors[field_name] = _l("Enter a number.")
        return None
    if not number.is_finite() or number.as_tuple().exponent < -2:
        errors[field_name] = _l("Enter a number with at most two decimal places.")
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        errors[field_name] = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        return None
    return number


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


def create_edition(
    session: Session, *, competition_id: str, year: str, opens_on: str, closes_on: str, notes=""
) -> Edition:
    """A new edition of a catalogued competition, with its school round."""
    errors: dict = {}
    competition = None
    cid = parse_int(competition_id, "competition_id", errors)
    if cid is not None:
        competition = session.get(Competition, cid)
    if competition is None and "competition_id" not in errors:
        errors["competition_id"] = _l("Choose a competition from the list.")
    number = parse_int(year, "year", errors, low=2000, high=2100)
    if number is None and "year" not in errors:
        errors["year"] = _l("Enter the year.")
    start = parse_date(opens_on, "opens_on", errors)
    end = parse_date(closes_on, "closes_on", errors)
    if start and end and end < start:
        errors["closes_on"] = _l("Registration must close on or after the day it opens.")
    if (
        competition
        and number
        and session.exec(
            select(Edition).where(Edition.competition_id == competition.id, Edition.year == number)
        ).first()
    ):
        errors["year"] = _l("This competition already has an edition in that year.")
    if len(notes or "") > 1000:
        errors["notes"] = _l("Keep the notes under 1000 characters.")
    if errors:
        raise FormErrors(errors)
    edition = Edition(
        competition_id=competition.id,
        year=number,
        registration_opens_on=start,
        registration_closes_on=end,
        notes=(notes or "").strip(),
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

    def registration_open(self, on: date) -> bool:
        e = self.edition
        return e.registration_opens_on <= on <= e.registration_closes_on


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


def add_round(session: Session, *, edition_id: int, level: str, held_on: str, cap: str) -> Round:
    """The next round of an edition (school → provincial → national)."""
    edition = get_edition(session, edition_id)
    errors: dict = {}
    if level not in {lv.value for lv in CompetitionLevel}:
        errors["level"] = _l("Choose a level from the list.")
    day = parse_date(held_on, "held_on", errors, required=False)
    advance_cap = parse_int(cap, "advance_cap", errors, low=0, high=1000)
    if errors:
        raise FormErrors(errors)
    last = session.exec(
        select(func.max(Round.position)).where(Round.edition_id == edition.id)
    ).one()
    round_ = Round(
        edition_id=edition.id,
        position=(last or 0) + 1,
        level=level,
        held_on=day,
        advance_cap=advance_cap,
    )
    session.add(round_)
    session.flush()
    return round_


def _bound(form: dict, name: str, errors: dict) -> int | None:
    return parse_int(form.get(name), name, errors, low=0, high=100)


def add_track(session: Session, *, edition_id: int, form: dict) -> Track:
    """A track or group of an edition with its eligibility rules."""
    edition = get_edition(session, edition_id)
    errors: dict = {}
    name_zh, name_en = parse_names(
        form.get("name_zh"), form.get("name_en"), errors, missing=_l("Enter the track's name.")
    )
    bounds = {
        name: _bound(form, name, errors)
        for name in (
            "min_members",
            "max_members",
            "min_college_mentors",
            "max_college_mentors",
            "min_enterprise_mentors",
            "max_enterprise_mentors",
        )
    }
    for low, high in (
        ("min_members", "max_members"),
        ("min_college_mentors", "max_college_mentors"),
        ("min_enterprise_mentors", "max_enterprise_mentors"),
    ):
        if bounds[low] is not None and bounds[high] is not None and bounds[low] > bounds[high]:
            errors[high] = _l("The maximum must not be below the minimum.")
    age = parse_int(
        form.get("max_business_age_years"), "max_business_age_years", errors, low=1, high=50
    )
    if errors:
        raise FormErrors(errors)
    track = Track(
        edition_id=edition.id,
        name_zh=name_zh,
        name_en=name_en,
        requires_business=bool(form.get("requires_business")),
        max_business_age_years=age,
        excludes_national_winners=bool(form.get("excludes_national_winners")),
        **bounds,
    )
    session.add(track)
    session.flush()
    return track

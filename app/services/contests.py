"""Competition editions, their rounds and tracks, and the entries teams register.

Registration checks the track's eligibility rules and names every rule an entry breaks.
An entry belongs to one round; advancing copies it into the next round, within the
round's per-college cap. Judging and awards are in ``judging``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from app.config import settings
from app.errors import Conflict, Forbidden, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import MentorProfile, Role, User
from app.models.contests import (
    AdvisorKind,
    AwardKind,
    Edition,
    Entry,
    EntryAdvisor,
    EntryMember,
    EntryStatus,
    Round,
    Track,
)
from app.models.curriculum import Competition, CompetitionLevel
from app.models.teams import Team, TeamMember
from app.services.award_facts import award_facts

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
MAX_TITLE = 200


def today() -> date:
    """The college-local date."""
    return datetime.now(settings.tz).date()


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


def list_editions(session: Session) -> list[EditionRow]:
    """Every edition, newest year first, with its round and entry counts (3 statements)."""
    rows = session.exec(
        select(Edition, Competition)
        .join(Competition, Competition.id == Edition.competition_id)
        .order_by(Edition.year.desc(), Competition.sort_order, Edition.id)
    ).all()
    rounds = dict(
        session.exec(select(Round.edition_id, func.count()).group_by(Round.edition_id)).all()
    )
    entries = dict(
        session.exec(
            select(Round.edition_id, func.count(Entry.id))
            .join(Entry, Entry.round_id == Round.id)
            .where(Entry.status == EntryStatus.registered.value)
            .group_by(Round.edition_id)
        ).all()
    )
    return [EditionRow(e, c, rounds.get(e.id, 0), entries.get(e.id, 0)) for e, c in rows]


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
    name_zh = (form.get("name_zh") or "").strip()
    name_en = (form.get("name_en") or "").strip()
    if not name_zh:
        errors["name_zh"] = _l("Enter the track's name.")
    elif len(name_zh) > 100:
        errors["name_zh"] = _l("Keep the name under 100 characters.")
    if len(name_en) > 100:
        errors["name_en"] = _l("Keep the name under 100 characters.")
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


# --- eligibility -------------------------------------------------------------------------------


def _years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def eligibility_problems(
    session: Session,
    *,
    track: Track,
    member_ids: list[int],
    college_ids: list[int],
    enterprise_ids: list[int],
    business_registered_on: date | None,
    on: date,
) -> dict[str, object]:
    """The track's rules this entry breaks, as {field: message} (empty when eligible)."""
    problems: dict[str, object] = {}

    def bounds(count, low, high, field_name, what_low, what_high):
        if low is not None and count < low:
            problems[field_name] = _l(what_low, n=low, count=count)
        elif high is not None and count > high:
            problems[field_name] = _l(what_high, n=high, count=count)

    bounds(
        len(member_ids),
        track.min_members,
        track.max_members,
        "member_ids",
        N_("This track needs at least %(n)s members; the entry has %(count)s."),
        N_("This track allows at most %(n)s members; the entry has %(count)s."),
    )
    bounds(
        len(college_ids),
        track.min_college_mentors,
        track.max_college_mentors,
        "college_ids",
        N_("This track needs at least %(n)s college advisors; the entry has %(count)s."),
        N_("This track allows at most %(n)s college advisors; the entry has %(count)s."),
    )
    bounds(
        len(enterprise_ids),
        track.min_enterprise_mentors,
        track.max_enterprise_mentors,
        "enterprise_ids",
        N_("This track needs at least %(n)s enterprise advisors; the entry has %(count)s."),
        N_("This track allows at most %(n)s enterprise advisors; the entry has %(count)s."),
    )
    if track.requires_business:
        if business_registered_on is None:
            problems["business_registered_on"] = _l(
                "This track is for registered businesses: enter the date the business was "
                "registered."
            )
        elif business_registered_on > on:
            problems["business_registered_on"] = _l("The registration date is in the future.")
        elif (
            track.max_business_age_years is not None
            and _years_between(business_registered_on, on) >= track.max_business_age_years
        ):
            problems["business_registered_on"] = _l(
                "The business must be under %(n)s years old; it was registered on %(day)s.",
                n=track.max_business_age_years,
                day=business_registered_on.isoformat(),
            )
    if track.excludes_national_winners and member_ids:
        facts = award_facts().subquery()
        winners = session.exec(
            select(User.full_name)
            .join(facts, facts.c.student_id == User.id)
            .where(
                facts.c.student_id.in_(member_ids),
                facts.c.level == CompetitionLevel.national.value,
                facts.c.award.in_((AwardKind.gold.value, AwardKind.silver.value)),
            )
            .distinct()
        ).all()
        if winners:
            problems["member_ids"] = _l(
                "Past national gold or silver winners may not enter this track: %(names)s.",
                names="、".join(sorted(winners)),
            )
    return problems


# --- entries -----------------------------------------------------------------------------------


def team_choices(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(Team.name)))


def active_members(session: Session, *, team_id: int, on: date) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(
                TeamMember.team_id == team_id,
                TeamMember.joined_on <= on,
                (TeamMember.left_on.is_(None)) | (TeamMember.left_on > on),
            )
            .distinct()
            .order_by(User.full_name)
        )
    )


def advisor_choices(session: Session) -> tuple[list[User], list[tuple[User, str]]]:
    """Active teachers, and active mentors with their enterprise."""
    teachers = list(
        session.exec(
            select(User)
            .where(User.role == Role.teacher.value, User.is_active)
            .order_by(User.full_name)
        )
    )
    mentors = [
        (user, enterprise or "")
        for user, enterprise in session.exec(
            select(User, MentorProfile.enterprise)
            .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
            .where(User.role == Role.mentor.value, User.is_active)
            .order_by(User.full_name)
        ).all()
    ]
    return teachers, mentors


def _ids(values: list[str]) -> list[int]:
    out = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number not in out:
            out.append(number)
    return out


def _users_with_role(session: Session, ids: list[int], role: Role) -> set[int]:
    if not ids:
        return set()
    return set(
        session.exec(
            select(User.id).where(User.id.in_(ids), User.role == role.value, User.is_active)
        ).all()
    )


def _check_entry_form(
    session: Session, *, actor: User, round_: Round, form: dict, on: date, entry: Entry | None
):
    errors: dict = {}
    title = (form.get("title") or "").strip()
    if not title:
        errors["title"] = _l("Enter the project title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _l("Keep the title under 200 characters.")
    team = None
    if entry is not None:
        team = session.get(Team, entry.team_id)
    else:
        team_id = parse_int(form.get("team_id"), "team_id", errors)
        team = session.get(Team, team_id) if team_id else None
        if team is None and "team_id" not in errors:
            errors["team_id"] = _l("Choose a team from the list.")
    track = None
    track_id = parse_int(form.get("track_id"), "track_id", errors)
    if track_id is not None:
        track = session.get(Track, track_id)
    if track is None or track.edition_id != round_.edition_id:
        track = None
        errors.setdefault("track_id", _l("Choose a track of this edition."))
    business_on = parse_date(
        form.get("business_registered_on"), "business_registered_on", errors, required=False
    )
    member_ids = _ids(form.get("member_ids", []))
    college_ids = _ids(form.get("college_ids", []))
    if actor.role == Role.teacher and actor.id not in college_ids:
        college_ids.append(actor.id)  # a teacher who registers an entry advises it
    enterprise_ids = _ids(form.get("enterprise_ids", []))
    if team is not None:
        active = {u.id for u in active_members(session, team_id=team.id, on=on)}
        if not member_ids:
            errors["member_ids"] = _l("Tick the team members who take part.")
        elif set(member_ids) - active:
            errors["member_ids"] = _l("Only current members of the team can take part.")
        if (
            entry is None
            and session.exec(
                select(Entry.id).where(
                    Entry.round_id == round_.id,
                    Entry.team_id == team.id,
                    Entry.status == EntryStatus.registered.value,
                )
            ).first()
        ):
            errors["team_id"] = _l("This team already has an entry in this round.")
    if set(college_ids) - _users_with_role(session, college_ids, Role.teacher):
        errors["college_ids"] = _l("College advisors must be active teachers.")
    if set(enterprise_ids) - _users_with_role(session, enterprise_ids, Role.mentor):
        errors["enterprise_ids"] = _l("Enterprise advisors must be active industry mentors.")
    if track is not None and not errors:
        errors.update(
            eligibility_problems(
                session,
                track=track,
                member_ids=member_ids,
                college_ids=college_ids,
                enterprise_ids=enterprise_ids,
                business_registered_on=business_on,
                on=on,
            )
        )
    if errors:
        raise FormErrors(errors)
    return title, team, track, business_on, member_ids, college_ids, enterprise_ids


def _write_people(session: Session, entry: Entry, members, colleges, enterprises) -> None:
    for row in session.exec(select(EntryMember).where(EntryMember.entry_id == entry.id)):
        session.delete(row)
    for row in session.exec(select(EntryAdvisor).where(EntryAdvisor.entry_id == entry.id)):
        session.delete(row)
    session.flush()
    for user_id in members:
        session.add(EntryMember(entry_id=entry.id, user_id=user_id))
    for user_id in colleges:
        session.add(EntryAdvisor(entry_id=entry.id, user_id=user_id, kind=AdvisorKind.college))
    for user_id in enterprises:
        if user_id not in colleges:
            session.add(
                EntryAdvisor(entry_id=entry.id, user_id=user_id, kind=AdvisorKind.enterprise)
            )
    session.flush()


def register_entry(
    session: Session, *, actor: User, edition_id: int, form: dict, on: date | None = None
) -> Entry:
    """A team's entry in an edition's first round, inside the registration window."""
    if not is_staff(actor):
        raise Forbidden("Only teachers and administrators register entries.")
    on = on or today()
    view = edition_view(session, edition_id=edition_id)
    if view.first_round is None:
        raise Conflict("This edition has no round to register for.")
    if not view.registration_open(on):
        raise Invalid(
            "Registration is open from %(start)s to %(end)s.",
            start=view.edition.registration_opens_on.isoformat(),
            end=view.edition.registration_closes_on.isoformat(),
        )
    round_ = view.first_round
    if round_.is_locked:
        raise Conflict("The results of this round are published; it takes no more entries.")
    title, team, track, business_on, members, colleges, enterprises = _check_entry_form(
        session, actor=actor, round_=round_, form=form, on=on, entry=None
    )
    entry = Entry(
        round_id=round_.id,
        track_id=track.id,
        team_id=team.id,
        title=title,
        business_registered_on=business_on,
        registered_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    _write_people(session, entry, members, colleges, enterprises)
    return entry


def get_entry(session: Session, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise NotFound("This entry does not exist.")
    return entry


def can_manage_entry(session: Session, *, user: User, entry: Entry) -> bool:
    """Admins, and the teachers advising the entry."""
    if user.role == Role.admin:
        return True
    if user.role != Role.teacher:
        return False
    return (
        session.get(EntryAdvisor, (entry.id, user.id)) is not None
        or entry.registered_by_id == user.id
    )


def get_managed_entry(session: Session, *, user: User, entry_id: int) -> Entry:
    entry = get_entry(session, entry_id)
    if not can_manage_entry(session, user=user, entry=entry):
        raise Forbidden("Only the entry's advisors and administrators can manage it.")
    return entry


@dataclass
class EntryDetail:
    entry: Entry
    round: Round
    edition: Edition
    competition: Competition
    team: Team
    track: Track
    members: list[User]
    advisors: list[tuple[User, str]]
    active_members: list[User]
    can_manage: bool


def entry_detail(session: Session, *, user: User, entry_id: int) -> EntryDetail:
    """An entry with its people; staff only (managing needs advisor or admin)."""
    if not is_staff(user):
        raise Forbidden("Your role does not give access to this page.")
    entry = get_entry(session, entry_id)
    round_ = session.get(Round, entry.round_id)
    edition = session.get(Edition, round_.edition_id)
    members = list(
        session.exec(
            select(User)
            .join(EntryMember, EntryMember.user_id == User.id)
            .where(EntryMember.entry_id == entry.id)
            .order_by(User.full_name)
        )
    )
    advisors = list(
        session.exec(
            select(User, EntryAdvisor.kind)
            .join(EntryAdvisor, EntryAdvisor.user_id == User.id)
            .where(EntryAdvisor.entry_id == entry.id)
            .order_by(EntryAdvisor.kind, User.full_name)
        ).all()
    )
    return EntryDetail(
        entry=entry,
        round=round_,
        edition=edition,
        competition=session.get(Competition, edition.competition_id),
        team=session.get(Team, entry.team_id),
        track=session.get(Track, entry.track_id),
        members=members,
        advisors=advisors,
        active_members=active_members(session, team_id=entry.team_id, on=today()),
        can_manage=can_manage_entry(session, user=user, entry=entry),
    )


def update_entry(
    session: Session, *, actor: User, entry_id: int, form: dict, on: date | None = None
) -> Entry:
    """Change an entry's title, track, members or advisors (rules checked again)."""
    entry = get_managed_entry(session, user=actor, entry_id=entry_id)
    round_ = session.get(Round, entry.round_id)
    if round_.is_locked:
        raise Conflict("The results of this round are published; the entry can no longer change.")
    if entry.status != EntryStatus.registered:
        raise Conflict("This entry has been withdrawn.")
    title, _team, track, business_on, members, colleges, enterprises = _check_entry_form(
        session, actor=actor, round_=round_, form=form, on=on or today(), entry=entry
    )
    entry.title, entry.track_id, entry.business_registered_on = title, track.id, business_on
    session.add(entry)
    _write_people(session, entry, members, colleges, enterprises)
    return entry


def withdraw_entry(session: Session, *, actor: User, entry_id: int) -> Entry:
    entry = get_managed_entry(session, user=actor, entry_id=entry_id)
    if session.get(Round, entry.round_id).is_locked:
        raise Conflict("The results of this round are published; the entry can no longer change.")
    entry.status = EntryStatus.withdrawn.value
    session.add(entry)
    session.flush()
    return entry


# --- advancing ---------------------------------------------------------------------------------


def advanced_count(session: Session, *, round_id: int) -> int:
    return session.exec(
        select(func.count(Entry.id))
        .join(Round, Round.id == Entry.round_id)
        .where(
            Entry.advanced_from_id.in_(select(Entry.id).where(Entry.round_id == round_id)),
        )
    ).one()


def advance_entry(session: Session, *, round_id: int, entry_id: int) -> Entry:
    """Copy a published round's entry into the next round, within the college's cap."""
    entry = get_entry(session, entry_id)
    if entry.round_id != round_id:
        raise NotFound("This entry does not exist.")
    round_ = session.get(Round, entry.round_id)
    if not round_.is_locked:
        raise Conflict("Publish this round's results before advancing entries.")
    if entry.status != EntryStatus.registered:
        raise Conflict("This entry has been withdrawn.")
    following = session.exec(
        select(Round)
        .where(Round.edition_id == round_.edition_id, Round.position > round_.position)
        .order_by(Round.position)
    ).first()
    if following is None:
        raise Conflict("This is the last round of the edition: add the next round first.")
    if session.exec(select(Entry.id).where(Entry.advanced_from_id == entry.id)).first():
        raise Conflict("This entry has already advanced.")
    if round_.advance_cap is not None and advanced_count(session, round_id=round_.id) >= (
        round_.advance_cap
    ):
        raise Conflict(
            "The college may send at most %(n)s entries from this round to the next.",
            n=round_.advance_cap,
        )
    copy = Entry(
        round_id=following.id,
        track_id=entry.track_id,
        team_id=entry.team_id,
        title=entry.title,
        business_registered_on=entry.business_registered_on,
        advanced_from_id=entry.id,
        registered_by_id=entry.registered_by_id,
    )
    session.add(copy)
    session.flush()
    members = session.exec(select(EntryMember.user_id).where(EntryMember.entry_id == entry.id))
    advisors = session.exec(select(EntryAdvisor).where(EntryAdvisor.entry_id == entry.id)).all()
    for user_id in members.all():
        session.add(EntryMember(entry_id=copy.id, user_id=user_id))
    for advisor in advisors:
        session.add(EntryAdvisor(entry_id=copy.id, user_id=advisor.user_id, kind=advisor.kind))
    session.flush()
    return copy

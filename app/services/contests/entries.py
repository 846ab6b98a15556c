"""The entries teams register in an edition's rounds, and advancing them.

Registration checks the track's eligibility rules (``contests_eligibility``) and names every
rule an entry breaks. An entry belongs to one round; advancing copies it into the next round,
within the round's per-college cap.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import MentorProfile, Role, User
from app.models.contests import (
    AdvisorKind,
    Edition,
    Entry,
    EntryAdvisor,
    EntryMember,
    EntryStatus,
    Round,
    Track,
)
from app.models.curriculum import Competition
from app.models.teams import Team, TeamMember
from app.schemas.contests import EntryForm
from app.services.clock import today
from app.services.contests.editions import (
    EditionView,
    edition_view,
    is_staff,
    registration_refusal,
)
from app.services.contests.eligibility import eligibility_problems

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


def _users_with_role(session: Session, ids: list[int], role: Role) -> set[int]:
    if not ids:
        return set()
    return set(
        session.exec(
            select(User.id).where(User.id.in_(ids), User.role == role.value, User.is_active)
        ).all()
    )


OPEN_STATUSES = (EntryStatus.requested.value, EntryStatus.registered.value)


def open_entry_id(session: Session, *, round_id: int, team_id: int) -> int | None:
    """The team's entry in the round that is registered or waiting for confirmation."""
    return session.exec(
        select(Entry.id).where(
            Entry.round_id == round_id,
            Entry.team_id == team_id,
            Entry.status.in_(OPEN_STATUSES),
        )
    ).first()


def _check_entry_form(
    session: Session, *, actor: User, round_: Round, form: EntryForm, on: date, entry: Entry | None
):
    errors: dict = {}
    if entry is not None:
        team = session.get(Team, entry.team_id)
    else:
        team = session.get(Team, form.team_id) if form.team_id else None
        if team is None:
            errors["team_id"] = _l("Choose a team from the list.")
    track = session.get(Track, form.track_id) if form.track_id else None
    if track is None or track.edition_id != round_.edition_id:
        track = None
        errors["track_id"] = _l("Choose a track of this edition.")
    member_ids = list(form.member_ids)
    college_ids = list(form.college_ids)
    if actor.role == Role.teacher and actor.id not in college_ids:
        college_ids.append(actor.id)  # a teacher who registers an entry advises it
    enterprise_ids = list(form.enterprise_ids)
    if team is not None:
        active = {u.id for u in active_members(session, team_id=team.id, on=on)}
        if not member_ids:
            errors["member_ids"] = _l("Tick the team members who take part.")
        elif set(member_ids) - active:
            errors["member_ids"] = _l("Only current members of the team can take part.")
        if entry is None and open_entry_id(session, round_id=round_.id, team_id=team.id):
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
                business_registered_on=form.business_registered_on,
                on=on,
            )
        )
    if errors:
        raise FormErrors(errors)
    return team, track, member_ids, college_ids, enterprise_ids


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
    session: Session, *, actor: User, edition_id: int, form: EntryForm, on: date | None = None
) -> Entry:
    """A team's entry in an edition's first round, inside the registration window."""
    if not is_staff(actor):
        raise Forbidden("Only teachers and administrators register entries.")
    on = on or today()
    view = edition_view(session, edition_id=edition_id)
    round_ = first_open_round(view, on=on)
    return add_entry(session, actor=actor, round_=round_, form=form, on=on)


def first_open_round(view: EditionView, *, on: date) -> Round:
    """The round registrations go to, if it still takes them on ``on``."""
    if view.first_round is None:
        raise Conflict("This edition has no round to register for.")
    refusal = registration_refusal(view, on)
    if refusal is not None:
        raise refusal
    if view.first_round.is_locked:
        raise Conflict("The results of this round are published; it takes no more entries.")
    return view.first_round


def add_entry(
    session: Session,
    *,
    actor: User,
    round_: Round,
    form: EntryForm,
    on: date,
    status: EntryStatus = EntryStatus.registered,
) -> Entry:
    """A new entry in ``round_`` once the form passes the track's rules."""
    team, track, members, colleges, enterprises = _check_entry_form(
        session, actor=actor, round_=round_, form=form, on=on, entry=None
    )
    entry = Entry(
        round_id=round_.id,
        track_id=track.id,
        team_id=team.id,
        title=form.title,
        business_registered_on=form.business_registered_on,
        status=status.value,
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
    session: Session, *, actor: User, entry_id: int, form: EntryForm, on: date | None = None
) -> Entry:
    """Change an entry's title, track, members or advisors (rules checked again)."""
    entry = get_managed_entry(session, user=actor, entry_id=entry_id)
    round_ = session.get(Round, entry.round_id)
    if round_.is_locked:
        raise Conflict("The results of this round are published; the entry can no longer change.")
    if entry.status != EntryStatus.registered:
        raise Conflict("This entry has been withdrawn.")
    _team, track, members, colleges, enterprises = _check_entry_form(
        session, actor=actor, round_=round_, form=form, on=on or today(), entry=entry
    )
    entry.title, entry.track_id = form.title, track.id
    entry.business_registered_on = form.business_registered_on
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

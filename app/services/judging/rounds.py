"""Judging a round, the organiser's side: the rubric and round options, judges and the
conflict-of-interest rule. The judges' own pages (score sheets, recusal) are in
``scores``; the ranking, awards, publishing and the change log in ``results``.
"""

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import MentorProfile, Role, User
from app.models.contests import (
    AdvisorKind,
    Edition,
    Entry,
    EntryAdvisor,
    EntryStatus,
    JudgeAssignment,
    Round,
    RubricCriterion,
    Score,
)
from app.models.teams import Pairing, Team
from app.schemas.judging import AssignmentForm, CriterionForm, OptionsForm

JUDGE_ROLES = (Role.teacher, Role.mentor)


def get_round(session: Session, round_id: int) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound("This round does not exist.")
    return round_


def _unlocked(round_: Round) -> None:
    if round_.is_locked:
        raise Conflict("The results of this round are published and locked.")


def criteria(session: Session, round_id: int) -> list[RubricCriterion]:
    return list(
        session.exec(
            select(RubricCriterion)
            .where(RubricCriterion.round_id == round_id)
            .order_by(RubricCriterion.sort_order, RubricCriterion.id)
        )
    )


def _round_has_scores(session: Session, round_id: int) -> bool:
    return (
        session.exec(
            select(Score.criterion_id)
            .join(RubricCriterion, RubricCriterion.id == Score.criterion_id)
            .where(RubricCriterion.round_id == round_id)
            .limit(1)
        ).first()
        is not None
    )


# --- rubric and options ------------------------------------------------------------------------


def add_criterion(session: Session, *, round_id: int, form: CriterionForm) -> RubricCriterion:
    """A criterion of the round's rubric; refused once judges have started scoring."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    if _round_has_scores(session, round_id):
        raise Conflict("Judges have started scoring: the rubric can no longer change.")
    last = session.exec(
        select(func.max(RubricCriterion.sort_order)).where(RubricCriterion.round_id == round_id)
    ).one()
    criterion = RubricCriterion(round_id=round_id, **form.columns(), sort_order=(last or 0) + 1)
    session.add(criterion)
    session.flush()
    return criterion


def delete_criterion(session: Session, *, round_id: int, criterion_id: int) -> None:
    round_ = get_round(session, round_id)
    _unlocked(round_)
    criterion = session.get(RubricCriterion, criterion_id)
    if criterion is None or criterion.round_id != round_id:
        raise NotFound("This criterion does not exist.")
    if _round_has_scores(session, round_id):
        raise Conflict("Judges have started scoring: the rubric can no longer change.")
    if round_.tiebreak_criterion_id == criterion.id:
        round_.tiebreak_criterion_id = None
        session.add(round_)
    session.delete(criterion)
    session.flush()


def set_options(session: Session, *, round_id: int, form: OptionsForm) -> Round:
    """Tie-break criterion, z-score normalisation, spread threshold, cap and date."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    if form.tiebreak is not None:
        criterion = session.get(RubricCriterion, form.tiebreak)
        if criterion is None or criterion.round_id != round_id:
            raise FormErrors({"tiebreak": _l("Choose a criterion of this round.")})
    round_.normalise = form.normalise
    round_.tiebreak_criterion_id = form.tiebreak
    round_.advance_cap = form.advance_cap
    round_.spread_threshold = form.spread_percent
    round_.held_on = form.held_on
    session.add(round_)
    session.flush()
    return round_


# --- conflicts of interest and assignments -----------------------------------------------------


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).casefold()


def conflict_reason(session: Session, *, judge: User, entry: Entry) -> object | None:
    """Why ``judge`` may not judge ``entry`` (a message), or None.

    A judge may not advise the entry, be paired with its team (as college teacher or as
    industry mentor) during the edition, or work for the same enterprise as one of the
    team's industry mentors.
    """
    advisor = session.get(EntryAdvisor, (entry.id, judge.id))
    if advisor is not None:
        return _l("%(name)s advises this entry.", name=judge.full_name)
    edition = session.exec(
        select(Edition)
        .join(Round, Round.edition_id == Edition.id)
        .where(Round.id == entry.round_id)
    ).one()
    pairings = session.exec(
        select(Pairing).where(
            Pairing.team_id == entry.team_id,
            (Pairing.ends_on.is_(None)) | (Pairing.ends_on >= edition.registration_opens_on),
        )
    ).all()
    for pairing in pairings:
        if pairing.mentor_id == judge.id:
            return _l("%(name)s is this team's industry mentor.", name=judge.full_name)
        if pairing.teacher_id == judge.id:
            return _l(
                "%(name)s is paired with this team as its college mentor.", name=judge.full_name
            )
    enterprise = session.exec(
        select(MentorProfile.enterprise).where(MentorProfile.user_id == judge.id)
    ).first()
    if _norm(enterprise):
        mentor_ids = {p.mentor_id for p in pairings} | set(
            session.exec(
                select(EntryAdvisor.user_id).where(
                    EntryAdvisor.entry_id == entry.id,
                    EntryAdvisor.kind == AdvisorKind.enterprise.value,
                )
            ).all()
        )
        if mentor_ids:
            rows = session.exec(
                select(User.full_name, MentorProfile.enterprise)
                .join(MentorProfile, MentorProfile.user_id == User.id)
                .where(User.id.in_(mentor_ids))
            ).all()
            for name, their in rows:
                if _norm(their) == _norm(enterprise):
                    return _l(
                        "%(judge)s works for %(enterprise)s, like the team's industry mentor "
                        "%(mentor)s.",
                        judge=judge.full_name,
                        enterprise=enterprise,
                        mentor=name,
                    )
    return None


def judge_choices(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(User.role.in_([r.value for r in JUDGE_ROLES]), User.is_active)
            .order_by(User.role, User.full_name)
        )
    )


def assign_judge(
    session: Session, *, actor: User, round_id: int, form: AssignmentForm
) -> JudgeAssignment:
    """Assign a teacher or mentor to judge an entry, unless a conflict of interest forbids it."""
    errors: dict = {}
    entry = session.get(Entry, form.entry_id)
    judge = session.get(User, form.judge_id)
    if entry is None or entry.status != EntryStatus.registered or entry.round_id != round_id:
        errors["entry_id"] = _l("Choose an entry from the list.")
    if judge is None or judge.role not in JUDGE_ROLES or not judge.is_active:
        errors["judge_id"] = _l("Choose a teacher or industry mentor from the list.")
    if errors:
        raise FormErrors(errors)
    _unlocked(get_round(session, entry.round_id))
    if session.exec(
        select(JudgeAssignment).where(
            JudgeAssignment.entry_id == entry.id, JudgeAssignment.judge_id == judge.id
        )
    ).first():
        raise FormErrors({"judge_id": _l("This judge is already assigned to the entry.")})
    reason = conflict_reason(session, judge=judge, entry=entry)
    if reason is not None:
        raise FormErrors({"judge_id": _l("Conflict of interest: %(reason)s", reason=reason)})
    assignment = JudgeAssignment(entry_id=entry.id, judge_id=judge.id, assigned_by_id=actor.id)
    session.add(assignment)
    session.flush()
    return assignment


def remove_assignment(session: Session, *, round_id: int, assignment_id: int) -> None:
    """Take a judge off an entry (their scores for it go too)."""
    assignment = session.get(JudgeAssignment, assignment_id)
    entry = session.get(Entry, assignment.entry_id) if assignment else None
    if entry is None or entry.round_id != round_id:
        raise NotFound("This assignment does not exist.")
    _unlocked(get_round(session, round_id))
    session.delete(assignment)
    session.flush()


def entries_for_assignment(session: Session, *, round_id: int) -> list[tuple[Entry, Team]]:
    return list(
        session.exec(
            select(Entry, Team)
            .join(Team, Team.id == Entry.team_id)
            .where(Entry.round_id == round_id, Entry.status == EntryStatus.registered.value)
            .order_by(Team.name)
        ).all()
    )

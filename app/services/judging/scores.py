"""The judges' side of judging: their assignments, score sheets, submitting and recusal.

A judge reaches an entry only through their own assignment: every judge-facing function
takes the judge and the assignment id and answers ``NotFound`` for anyone else's, so an
id guessed in a URL reveals nothing and writes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, delete, func
from sqlalchemy.orm import Bundle
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.contests import (
    Edition,
    Entry,
    EntryStatus,
    JudgeAssignment,
    Round,
    RubricCriterion,
    Score,
)
from app.models.curriculum import Competition
from app.models.teams import Team
from app.schemas.judging import ScoreSheetForm
from app.services.judging import aggregation, rubrics
from app.services.judging.rounds import JUDGE_ROLES, _unlocked, criteria, get_round


@dataclass
class JudgeTask:
    assignment: JudgeAssignment
    entry: Entry
    team: Team
    round: Round
    competition: Competition
    edition: Edition
    scored: int
    criteria: int


def _require_judge(user: User) -> None:
    if user.role not in JUDGE_ROLES:
        raise Forbidden("Only teachers and industry mentors judge entries.")


# Built once: on every judge's dashboard. Per row, how many of the round's criteria the
# judge has scored, next to how many the round has.
_SCORED = (
    select(func.count())
    .select_from(Score)
    .where(Score.assignment_id == JudgeAssignment.id)
    .correlate(JudgeAssignment)
    .scalar_subquery()
)
_CRITERIA = (
    select(func.count())
    .select_from(RubricCriterion)
    .where(RubricCriterion.round_id == Round.id)
    .correlate(Round)
    .scalar_subquery()
)
_MY_ASSIGNMENTS = (
    select(JudgeAssignment, Entry, Team, Round, Edition, Competition, _SCORED, _CRITERIA)
    .join(Entry, Entry.id == JudgeAssignment.entry_id)
    .join(Team, Team.id == Entry.team_id)
    .join(Round, Round.id == Entry.round_id)
    .join(Edition, Edition.id == Round.edition_id)
    .join(Competition, Competition.id == Edition.competition_id)
    .where(
        JudgeAssignment.judge_id == bindparam("judge_id"),
        Entry.status == EntryStatus.registered.value,
    )
    .order_by(Edition.year.desc(), Round.position.desc(), Team.name)
)


def my_assignments(session: Session, *, judge: User) -> list[JudgeTask]:
    """The judge's own assignments, newest round first (one statement)."""
    _require_judge(judge)
    rows = session.exec(_MY_ASSIGNMENTS, params={"judge_id": judge.id}).all()
    return [
        JudgeTask(a, e, t, r, c, ed, scored, criteria)
        for a, e, t, r, ed, c, scored, criteria in rows
    ]


# The dashboard's list of what is left to score, built once: the columns it shows, read as
# bundles with the models' attribute names (model objects of six tables cost several times
# more to load), and only the rows still open (not recused, not submitted, round unpublished).
_OPEN_ASSIGNMENTS = (
    select(
        Bundle("assignment", JudgeAssignment.id),
        Bundle("entry", Entry.id),
        Bundle("team", Team.id, Team.name),
        Bundle("round", Round.id),
        Bundle("competition", Competition.id, Competition.name_zh, Competition.name_en),
        Bundle("edition", Edition.id, Edition.year),
        _SCORED,
        _CRITERIA,
    )
    .select_from(JudgeAssignment)
    .join(Entry, Entry.id == JudgeAssignment.entry_id)
    .join(Team, Team.id == Entry.team_id)
    .join(Round, Round.id == Entry.round_id)
    .join(Edition, Edition.id == Round.edition_id)
    .join(Competition, Competition.id == Edition.competition_id)
    .where(
        JudgeAssignment.judge_id == bindparam("judge_id"),
        Entry.status == EntryStatus.registered.value,
        JudgeAssignment.recused_at.is_(None),  # type: ignore[union-attr]
        JudgeAssignment.submitted_at.is_(None),  # type: ignore[union-attr]
        Round.published_at.is_(None),  # type: ignore[union-attr]
    )
    .order_by(Edition.year.desc(), Round.position.desc(), Team.name)
)


def open_assignments(session: Session, *, judge: User) -> list[JudgeTask]:
    """Assignments still to score (for the dashboard: the columns it shows)."""
    if judge.role not in JUDGE_ROLES:
        return []
    rows = session.exec(_OPEN_ASSIGNMENTS, params={"judge_id": judge.id}).all()
    return [
        JudgeTask(a, e, t, r, c, ed, scored, criteria)
        for a, e, t, r, c, ed, scored, criteria in rows
    ]


def get_own_assignment(session: Session, *, judge: User, assignment_id: int) -> JudgeAssignment:
    """The judge's own, unrecused assignment, else NotFound (whoever else's it is)."""
    _require_judge(judge)
    assignment = session.get(JudgeAssignment, assignment_id)
    if assignment is None or assignment.judge_id != judge.id or assignment.recused_at:
        raise NotFound("This entry is not assigned to you.")
    return assignment


@dataclass
class ScoreSheet:
    task: JudgeTask
    criteria: list[RubricCriterion]
    values: dict[int, Decimal]
    total: Decimal
    best: Decimal

    @property
    def complete(self) -> bool:
        return bool(self.criteria) and all(c.id in self.values for c in self.criteria)


# Built once: a judge opens the sheet of every entry they judge. The assignment, its
# entry, round, edition, team and competition come in one statement, not six.
_SHEET = (
    select(JudgeAssignment, Entry, Round, Edition, Team, Competition)
    .join(Entry, Entry.id == JudgeAssignment.entry_id)
    .join(Round, Round.id == Entry.round_id)
    .join(Edition, Edition.id == Round.edition_id)
    .join(Competition, Competition.id == Edition.competition_id)
    .outerjoin(Team, Team.id == Entry.team_id)
    .where(JudgeAssignment.id == bindparam("assignment_id"))
)
_CRITERIA = (
    select(RubricCriterion)
    .where(RubricCriterion.round_id == bindparam("round_id"))
    .order_by(RubricCriterion.sort_order, RubricCriterion.id)
)
_SCORES = select(Score.criterion_id, Score.value).where(
    Score.assignment_id == bindparam("assignment_id")
)


def score_sheet(session: Session, *, judge: User, assignment_id: int) -> ScoreSheet:
    _require_judge(judge)
    row = session.exec(_SHEET, params={"assignment_id": assignment_id}).first()
    assignment = row[0] if row is not None else None
    if assignment is None or assignment.judge_id != judge.id or assignment.recused_at:
        raise NotFound("This entry is not assigned to you.")
    _assignment, entry, round_, edition, team, competition = row
    rubric = list(session.exec(_CRITERIA, params={"round_id": round_.id}).all())
    values = dict(session.exec(_SCORES, params={"assignment_id": assignment.id}).all())
    weights = {c.id: c.weight for c in rubric}
    task = JudgeTask(
        assignment, entry, team, round_, competition, edition, len(values), len(rubric)
    )
    return ScoreSheet(
        task,
        rubric,
        values,
        aggregation.weighted_total(values, weights),
        aggregation.max_total((c.weight, c.max_score) for c in rubric),
    )


def save_scores(
    session: Session, *, judge: User, assignment_id: int, form: ScoreSheetForm
) -> ScoreSheet:
    """Save a judge's score sheet; a blank score clears it.

    Every value is checked against its criterion's maximum first; with any error nothing
    is written and the errors come back beside their fields.
    """
    assignment = get_own_assignment(session, judge=judge, assignment_id=assignment_id)
    entry = session.get(Entry, assignment.entry_id)
    round_ = get_round(session, entry.round_id)
    if round_.is_locked:
        raise Conflict("The results of this round are published; scores can no longer change.")
    values = form.scores_for(criteria(session, round_.id))
    existing = {
        s.criterion_id: s
        for s in session.exec(select(Score).where(Score.assignment_id == assignment.id))
    }

    def new_score(criterion_id: int, value: Decimal) -> Score:
        return Score(assignment_id=assignment.id, criterion_id=criterion_id, value=value)

    rubrics.write_scores(session, values, existing, new_score)
    if form.note is not None:
        assignment.note = form.note
    if assignment.submitted_at is not None and any(v is None for v in values.values()):
        assignment.submitted_at = None  # an incomplete sheet is no longer submitted
    session.add(assignment)
    session.flush()
    return score_sheet(session, judge=judge, assignment_id=assignment_id)


def submit_scores(session: Session, *, judge: User, assignment_id: int) -> ScoreSheet:
    """Mark a complete score sheet as submitted (it may still change until publication)."""
    sheet = score_sheet(session, judge=judge, assignment_id=assignment_id)
    if sheet.task.round.is_locked:
        raise Conflict("The results of this round are published; scores can no longer change.")
    missing = [c for c in sheet.criteria if c.id not in sheet.values]
    if not sheet.criteria or missing:
        raise FormErrors(
            {f"c{c.id}": _l("Score this criterion before submitting.") for c in missing}
            or {"note": _l("The rubric has no criteria yet.")}
        )
    sheet.task.assignment.submitted_at = utcnow()
    session.add(sheet.task.assignment)
    session.flush()
    return sheet


def recuse(session: Session, *, judge: User, assignment_id: int, reason: str) -> None:
    """A judge steps back from an entry, saying why (``RecuseForm``); their scores for it
    are removed."""
    assignment = get_own_assignment(session, judge=judge, assignment_id=assignment_id)
    entry = session.get(Entry, assignment.entry_id)
    _unlocked(get_round(session, entry.round_id))
    session.exec(delete(Score).where(Score.assignment_id == assignment.id))
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason
    assignment.submitted_at = None
    session.add(assignment)
    session.flush()

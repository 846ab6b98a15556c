"""Judging a round: the rubric, judges and the conflict-of-interest rule, recusal, score
sheets, the live ranking, awards by quota or by hand, publishing and the change log.

A judge reaches an entry only through their own assignment: every judge-facing function
takes the judge and the assignment id and answers ``NotFound`` for anyone else's, so an
id guessed in a URL reveals nothing and writes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, Invalid, NotFound
from app.i18n import lazy_gettext as _l
from app.models import MentorProfile, Role, User
from app.models.base import utcnow
from app.models.contests import (
    AdvisorKind,
    AwardKind,
    Edition,
    Entry,
    EntryAdvisor,
    EntryStatus,
    JudgeAssignment,
    ResultChange,
    Round,
    RubricCriterion,
    Score,
)
from app.models.curriculum import Competition
from app.models.teams import Pairing, Team
from app.services import aggregation
from app.services.contests import parse_decimal, parse_int, today

JUDGE_ROLES = (Role.teacher, Role.mentor)
DEFAULT_QUOTAS = (("first", Decimal(10)), ("second", Decimal(20)), ("third", Decimal(30)))


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


def add_criterion(
    session: Session, *, round_id: int, name_zh: str, name_en: str, weight: str, max_score: str
) -> RubricCriterion:
    """A criterion of the round's rubric; refused once judges have started scoring."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    if _round_has_scores(session, round_id):
        raise Conflict("Judges have started scoring: the rubric can no longer change.")
    errors: dict = {}
    name_zh, name_en = (name_zh or "").strip(), (name_en or "").strip()
    if not name_zh:
        errors["name_zh"] = _l("Enter the criterion's name.")
    elif len(name_zh) > 100:
        errors["name_zh"] = _l("Keep the name under 100 characters.")
    if len(name_en) > 100:
        errors["name_en"] = _l("Keep the name under 100 characters.")
    w = parse_decimal(weight or "1", "weight", errors, low=Decimal("0.01"), high=Decimal(100))
    top = parse_int(max_score, "max_score", errors, low=1, high=1000)
    if top is None and "max_score" not in errors:
        errors["max_score"] = _l("Enter the maximum score.")
    if errors:
        raise FormErrors(errors)
    last = session.exec(
        select(func.max(RubricCriterion.sort_order)).where(RubricCriterion.round_id == round_id)
    ).one()
    criterion = RubricCriterion(
        round_id=round_id,
        name_zh=name_zh,
        name_en=name_en,
        weight=w,
        max_score=top,
        sort_order=(last or 0) + 1,
    )
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


def set_options(
    session: Session,
    *,
    round_id: int,
    normalise: bool,
    tiebreak: str,
    cap: str,
    spread_percent: str,
    held_on: str = "",
) -> Round:
    """Tie-break criterion, z-score normalisation, spread threshold, cap and date."""
    from app.services.contests import parse_date

    round_ = get_round(session, round_id)
    _unlocked(round_)
    errors: dict = {}
    tiebreak_id = parse_int(tiebreak, "tiebreak", errors)
    if tiebreak_id is not None:
        criterion = session.get(RubricCriterion, tiebreak_id)
        if criterion is None or criterion.round_id != round_id:
            errors["tiebreak"] = _l("Choose a criterion of this round.")
    advance_cap = parse_int(cap, "advance_cap", errors, low=0, high=1000)
    percent = parse_decimal(spread_percent, "spread_percent", errors, low=1, high=100)
    day = parse_date(held_on, "held_on", errors, required=False)
    if errors:
        raise FormErrors(errors)
    round_.normalise = normalise
    round_.tiebreak_criterion_id = tiebreak_id
    round_.advance_cap = advance_cap
    round_.spread_threshold = percent
    round_.held_on = day
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
    session: Session, *, actor: User, round_id: int, entry_id: str, judge_id: str
) -> JudgeAssignment:
    """Assign a teacher or mentor to judge an entry, unless a conflict of interest forbids it."""
    errors: dict = {}
    eid = parse_int(entry_id, "entry_id", errors)
    jid = parse_int(judge_id, "judge_id", errors)
    entry = session.get(Entry, eid) if eid else None
    judge = session.get(User, jid) if jid else None
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


# --- the judge's side --------------------------------------------------------------------------


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


def my_assignments(session: Session, *, judge: User) -> list[JudgeTask]:
    """The judge's own assignments, newest round first (4 statements)."""
    _require_judge(judge)
    rows = session.exec(
        select(JudgeAssignment, Entry, Team, Round, Edition, Competition)
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .join(Team, Team.id == Entry.team_id)
        .join(Round, Round.id == Entry.round_id)
        .join(Edition, Edition.id == Round.edition_id)
        .join(Competition, Competition.id == Edition.competition_id)
        .where(JudgeAssignment.judge_id == judge.id, Entry.status == EntryStatus.registered.value)
        .order_by(Edition.year.desc(), Round.position.desc(), Team.name)
    ).all()
    ids = [a.id for a, *_ in rows]
    scored = (
        dict(
            session.exec(
                select(Score.assignment_id, func.count())
                .where(Score.assignment_id.in_(ids))
                .group_by(Score.assignment_id)
            ).all()
        )
        if ids
        else {}
    )
    round_ids = {r.id for _a, _e, _t, r, _ed, _c in rows}
    counts = (
        dict(
            session.exec(
                select(RubricCriterion.round_id, func.count())
                .where(RubricCriterion.round_id.in_(round_ids))
                .group_by(RubricCriterion.round_id)
            ).all()
        )
        if round_ids
        else {}
    )
    return [
        JudgeTask(a, e, t, r, c, ed, scored.get(a.id, 0), counts.get(r.id, 0))
        for a, e, t, r, ed, c in rows
    ]


def open_assignments(session: Session, *, judge: User) -> list[JudgeTask]:
    """Assignments still to score (for the dashboard)."""
    if judge.role not in JUDGE_ROLES:
        return []
    return [
        t
        for t in my_assignments(session, judge=judge)
        if t.assignment.recused_at is None
        and t.assignment.submitted_at is None
        and not t.round.is_locked
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


def score_sheet(session: Session, *, judge: User, assignment_id: int) -> ScoreSheet:
    assignment = get_own_assignment(session, judge=judge, assignment_id=assignment_id)
    entry = session.get(Entry, assignment.entry_id)
    round_ = session.get(Round, entry.round_id)
    edition = session.get(Edition, round_.edition_id)
    rubric = criteria(session, round_.id)
    values = {
        s.criterion_id: s.value
        for s in session.exec(select(Score).where(Score.assignment_id == assignment.id))
    }
    weights = {c.id: c.weight for c in rubric}
    task = JudgeTask(
        assignment,
        entry,
        session.get(Team, entry.team_id),
        round_,
        session.get(Competition, edition.competition_id),
        edition,
        len(values),
        len(rubric),
    )
    return ScoreSheet(
        task,
        rubric,
        values,
        aggregation.weighted_total(values, weights),
        aggregation.max_total((c.weight, c.max_score) for c in rubric),
    )


def save_scores(
    session: Session, *, judge: User, assignment_id: int, form: dict, note: str | None = None
) -> ScoreSheet:
    """Save a judge's score sheet (fields ``c<criterion id>``); blank clears a score.

    Every value is checked against its criterion's maximum first; with any error nothing
    is written and the errors come back beside their fields.
    """
    assignment = get_own_assignment(session, judge=judge, assignment_id=assignment_id)
    entry = session.get(Entry, assignment.entry_id)
    round_ = get_round(session, entry.round_id)
    if round_.is_locked:
        raise Conflict("The results of this round are published; scores can no longer change.")
    rubric = criteria(session, round_.id)
    errors: dict = {}
    parsed: dict[int, Decimal | None] = {}
    for criterion in rubric:
        name = f"c{criterion.id}"
        if name not in form:
            continue
        text = (form.get(name) or "").strip()
        if not text:
            parsed[criterion.id] = None
            continue
        value = parse_decimal(text, name, errors, low=0, high=criterion.max_score)
        if name in errors:
            errors[name] = _l(
                "Enter a score from 0 to %(max)s (at most two decimal places).",
                max=criterion.max_score,
            )
        else:
            parsed[criterion.id] = value
    if note is not None and len(note) > 5000:
        errors["note"] = _l("Keep the note under 5000 characters.")
    if errors:
        raise FormErrors(errors)
    existing = {
        s.criterion_id: s
        for s in session.exec(select(Score).where(Score.assignment_id == assignment.id))
    }
    for criterion_id, value in parsed.items():
        row = existing.get(criterion_id)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Score(assignment_id=assignment.id, criterion_id=criterion_id, value=value))
        elif row.value != value:
            row.value = value
            session.add(row)
    if note is not None:
        assignment.note = note.strip()
    if assignment.submitted_at is not None and any(v is None for v in parsed.values()):
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
    """A judge steps back from an entry, saying why; their scores for it are removed."""
    assignment = get_own_assignment(session, judge=judge, assignment_id=assignment_id)
    entry = session.get(Entry, assignment.entry_id)
    _unlocked(get_round(session, entry.round_id))
    reason = (reason or "").strip()
    if not reason:
        raise FormErrors({"reason": _l("Say why you step back from judging this entry.")})
    if len(reason) > 500:
        raise FormErrors({"reason": _l("Keep the reason under 500 characters.")})
    session.exec(delete(Score).where(Score.assignment_id == assignment.id))
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason
    assignment.submitted_at = None
    session.add(assignment)
    session.flush()


# --- ranking -----------------------------------------------------------------------------------


@dataclass
class JudgeLine:
    assignment: JudgeAssignment
    judge: User
    total: Decimal | None  # None until every criterion is scored
    adjusted: Decimal | None  # normalised when the round normalises


@dataclass
class RankingRow:
    entry: Entry
    team: Team
    judges: list[JudgeLine]
    score: Decimal | None
    tiebreak: Decimal | None
    rank: int | None
    spread: Decimal
    wide: bool
    criterion_means: dict[int, Decimal] = field(default_factory=dict)

    @property
    def complete_judges(self) -> int:
        return sum(1 for j in self.judges if j.total is not None)

    @property
    def active_judges(self) -> list[JudgeLine]:
        return [j for j in self.judges if j.assignment.recused_at is None]


@dataclass
class Ranking:
    round: Round
    edition: Edition
    competition: Competition
    criteria: list[RubricCriterion]
    rows: list[RankingRow]
    best: Decimal
    changes: list[tuple[ResultChange, str]]
    sheets: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # assignment → scores

    @property
    def notes(self) -> list[tuple[RankingRow, JudgeLine]]:
        return [(r, j) for r in self.rows for j in r.judges if j.assignment.note]


def ranking(session: Session, *, round_id: int) -> Ranking:
    """The live ranking of a round: a bounded number of statements whatever its size."""
    round_ = get_round(session, round_id)
    edition = session.get(Edition, round_.edition_id)
    rubric = criteria(session, round_id)
    weights = {c.id: c.weight for c in rubric}
    entries = session.exec(
        select(Entry, Team)
        .join(Team, Team.id == Entry.team_id)
        .where(Entry.round_id == round_id, Entry.status == EntryStatus.registered.value)
        .order_by(Entry.id)
    ).all()
    assignments = session.exec(
        select(JudgeAssignment, User)
        .join(User, User.id == JudgeAssignment.judge_id)
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .where(Entry.round_id == round_id)
        .order_by(User.full_name)
    ).all()
    scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for s in session.exec(
        select(Score)
        .join(JudgeAssignment, JudgeAssignment.id == Score.assignment_id)
        .join(Entry, Entry.id == JudgeAssignment.entry_id)
        .where(Entry.round_id == round_id)
    ):
        scores[s.assignment_id][s.criterion_id] = s.value
    lines: dict[int, list[JudgeLine]] = defaultdict(list)
    raw: dict[int, dict[int, Decimal]] = defaultdict(dict)  # judge → entry → total
    for assignment, judge in assignments:
        sheet = scores.get(assignment.id, {})
        complete = bool(rubric) and assignment.recused_at is None and len(sheet) == len(rubric)
        total = aggregation.weighted_total(sheet, weights) if complete else None
        lines[assignment.entry_id].append(JudgeLine(assignment, judge, total, total))
        if total is not None:
            raw[judge.id][assignment.entry_id] = total
    if round_.normalise:
        adjusted = aggregation.zscore_normalise(raw)
        for entry_lines in lines.values():
            for line in entry_lines:
                if line.total is not None:
                    line.adjusted = adjusted[line.judge.id][line.assignment.entry_id]
    best = aggregation.max_total((c.weight, c.max_score) for c in rubric)
    rows: dict[int, RankingRow] = {}
    for entry, team in entries:
        entry_lines = lines.get(entry.id, [])
        totals = [j.adjusted for j in entry_lines if j.adjusted is not None]
        complete_sheets = [scores[j.assignment.id] for j in entry_lines if j.total is not None]
        means = {
            c.id: aggregation.mean([sheet[c.id] for sheet in complete_sheets])
            for c in rubric
            if complete_sheets
        }
        tiebreak = means.get(round_.tiebreak_criterion_id) if round_.tiebreak_criterion_id else None
        raw_totals = [j.total for j in entry_lines if j.total is not None]
        rows[entry.id] = RankingRow(
            entry=entry,
            team=team,
            judges=entry_lines,
            score=aggregation.trimmed_mean(totals),
            tiebreak=tiebreak,
            rank=None,
            spread=aggregation.spread(raw_totals),
            wide=aggregation.spread_is_wide(raw_totals, best, round_.spread_threshold),
            criterion_means=means,
        )
    ordered = aggregation.rank_entries((r.entry.id, r.score, r.tiebreak) for r in rows.values())
    for ranked in ordered:
        rows[ranked.entry_id].rank = ranked.rank
    changes = session.exec(
        select(ResultChange, User.full_name)
        .outerjoin(User, User.id == ResultChange.actor_id)
        .where(ResultChange.round_id == round_id)
        .order_by(ResultChange.changed_at.desc())
    ).all()
    return Ranking(
        round=round_,
        edition=edition,
        competition=session.get(Competition, edition.competition_id),
        criteria=rubric,
        rows=[rows[r.entry_id] for r in ordered],
        best=best,
        changes=[(c, name or "") for c, name in changes],
        sheets=dict(scores),
    )


# --- awards, publishing, changes after publication ---------------------------------------------


def parse_quotas(form: dict) -> list[tuple[str, Decimal]]:
    """Quota bands from the form (percent of ranked entries per award, best first)."""
    errors: dict = {}
    bands = []
    total = Decimal(0)
    for award, _default in DEFAULT_QUOTAS:
        value = parse_decimal(form.get(f"q_{award}"), f"q_{award}", errors, low=0, high=100)
        if value:
            bands.append((award, value))
            total += value
    if not errors and total > 100:
        errors["q_third"] = _l("The shares add up to more than one hundred percent.")
    if not errors and not bands:
        errors["q_first"] = _l("Give at least one award a share.")
    if errors:
        raise FormErrors(errors)
    return bands


def apply_quotas(session: Session, *, round_id: int, bands: list[tuple[str, Decimal]]) -> int:
    """Set every entry's rank and award from the live ranking and the quota bands."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    view = ranking(session, round_id=round_id)
    ranked = [aggregation.Ranked(r.entry.id, r.score, r.tiebreak, r.rank) for r in view.rows]
    awards = aggregation.quota_awards(ranked, bands)
    for row in view.rows:
        row.entry.rank = row.rank
        row.entry.award = awards[row.entry.id]
        session.add(row.entry)
    session.flush()
    return sum(1 for a in awards.values() if a)


def _award_value(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value not in {a.value for a in AwardKind}:
        raise FormErrors({"award": _l("Choose an award from the list.")})
    return value


def set_award(
    session: Session, *, actor: User, round_id: int, entry_id: int, award: str, reason: str = ""
) -> Entry:
    """Set an entry's award by hand. After publication only an admin may, with a reason,
    and the change is recorded with who, when and why."""
    entry = session.get(Entry, entry_id)
    if entry is None or entry.round_id != round_id:
        raise NotFound("This entry does not exist.")
    round_ = get_round(session, entry.round_id)
    value = _award_value(award)
    if round_.is_locked:
        if actor.role != Role.admin:
            raise Forbidden("Only an administrator can change published results.")
        reason = (reason or "").strip()
        if not reason:
            raise FormErrors({"reason": _l("Published results change only with a reason.")})
        if len(reason) > 500:
            raise FormErrors({"reason": _l("Keep the reason under 500 characters.")})
        if value != entry.award:
            session.add(
                ResultChange(
                    round_id=round_.id,
                    entry_id=entry.id,
                    actor_id=actor.id,
                    reason=reason,
                    detail=f"award: {entry.award or '-'} → {value or '-'}",
                )
            )
    entry.award = value
    session.add(entry)
    session.flush()
    return entry


def publish_round(session: Session, *, actor: User, round_id: int, on: date | None = None) -> Round:
    """Publish and lock a round's results; ranks are fixed from the live ranking."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    view = ranking(session, round_id=round_id)
    if not any(r.score is not None for r in view.rows):
        raise Invalid("No entry of this round has been scored yet.")
    for row in view.rows:
        row.entry.rank = row.rank
        session.add(row.entry)
    round_.published_at = utcnow()
    round_.published_by_id = actor.id
    round_.results_on = round_.held_on or on or today()
    session.add(round_)
    session.flush()
    return round_


def reopen_round(session: Session, *, actor: User, round_id: int, reason: str) -> Round:
    """Unlock a published round (admin, with a reason; recorded)."""
    round_ = get_round(session, round_id)
    if actor.role != Role.admin:
        raise Forbidden("Only an administrator can change published results.")
    if not round_.is_locked:
        raise Conflict("This round is not published.")
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise FormErrors({"reopen_reason": _l("Say why the results are reopened.")})
    session.add(
        ResultChange(round_id=round_.id, actor_id=actor.id, reason=reason, detail="reopened")
    )
    round_.published_at = None
    round_.published_by_id = None
    session.add(round_)
    session.flush()
    return round_


def published_results(session: Session, *, round_id: int) -> Ranking:
    """The published ranking (anyone logged in); NotFound before publication."""
    round_ = get_round(session, round_id)
    if not round_.is_locked:
        raise NotFound("The results of this round are not published yet.")
    return ranking(session, round_id=round_id)


def entries_for_assignment(session: Session, *, round_id: int) -> list[tuple[Entry, Team]]:
    return list(
        session.exec(
            select(Entry, Team)
            .join(Team, Team.id == Entry.team_id)
            .where(Entry.round_id == round_id, Entry.status == EntryStatus.registered.value)
            .order_by(Team.name)
        ).all()
    )

"""A round's results: the live ranking with its spread flags, awards by quota or by hand,
publishing and locking, and the log of changes made after publication.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, Invalid, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.contests import (
    Edition,
    Entry,
    EntryStatus,
    JudgeAssignment,
    ResultChange,
    Round,
    RubricCriterion,
    Score,
)
from app.models.curriculum import Competition
from app.models.teams import Team
from app.schemas.judging import AwardForm, PublishForm
from app.services.clock import today
from app.services.judging import aggregation
from app.services.judging.rounds import _unlocked, criteria, get_round

DEFAULT_QUOTAS = (("first", Decimal(10)), ("second", Decimal(20)), ("third", Decimal(30)))


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


def set_award(
    session: Session, *, actor: User, round_id: int, entry_id: int, form: AwardForm
) -> Entry:
    """Set an entry's award by hand. After publication only an admin may, with a reason,
    and the change is recorded with who, when and why."""
    entry = session.get(Entry, entry_id)
    if entry is None or entry.round_id != round_id:
        raise NotFound("This entry does not exist.")
    round_ = get_round(session, entry.round_id)
    value = form.award
    if round_.is_locked:
        if actor.role != Role.admin:
            raise Forbidden("Only an administrator can change published results.")
        if not form.reason:
            raise FormErrors({"reason": _l("Published results change only with a reason.")})
        if value != entry.award:
            session.add(
                ResultChange(
                    round_id=round_.id,
                    entry_id=entry.id,
                    actor_id=actor.id,
                    reason=form.reason,
                    detail=f"award: {entry.award or '-'} → {value or '-'}",
                )
            )
    entry.award = value
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class MissingScore:
    """A score sheet a round lacks: a judge's (``judge`` set) or any at all (``None``)."""

    team: str
    title: str
    judge: str | None


def missing_scores(view: Ranking) -> list[MissingScore]:
    """Every active judge's unfinished sheet, and every entry nobody has scored."""
    missing = []
    for row in view.rows:
        active = row.active_judges
        for line in active:
            if line.total is None:
                missing.append(MissingScore(row.team.name, row.entry.title, line.judge.full_name))
        if not any(line.total is not None for line in active):
            missing.append(MissingScore(row.team.name, row.entry.title, None))
    return missing


def _described(missing: list[MissingScore]) -> str:
    parts = [f"{m.team}: {m.judge or '—'}" for m in missing]
    text = "; ".join(parts)
    return text if len(text) <= 440 else text[:437] + "…"


def publish_round(
    session: Session, *, actor: User, round_id: int, form: PublishForm, on: date | None = None
) -> Round:
    """Publish and lock a round's results; ranks are fixed from the live ranking, and the
    award date is the day of publication. With scores missing the round is published only
    on purpose (``form.anyway`` with a reason), and what was missing is recorded."""
    round_ = get_round(session, round_id)
    _unlocked(round_)
    view = ranking(session, round_id=round_id)
    if not any(r.score is not None for r in view.rows):
        raise Invalid("No entry of this round has been scored yet.")
    missing = missing_scores(view)
    if missing and not form.anyway:
        raise FormErrors(
            {
                "anyway": _l(
                    "%(n)s score sheets are missing (listed above). Wait for the judges, or "
                    "tick “Publish anyway” and say why.",
                    n=len(missing),
                )
            }
        )
    if missing:
        session.add(
            ResultChange(
                round_id=round_.id,
                actor_id=actor.id,
                reason=form.publish_reason,
                detail="published with scores missing: " + _described(missing),
            )
        )
    for row in view.rows:
        row.entry.rank = row.rank
        session.add(row.entry)
    round_.published_at = utcnow()
    round_.published_by_id = actor.id
    round_.results_on = on or today()
    session.add(round_)
    session.flush()
    return round_


def reopen_round(session: Session, *, actor: User, round_id: int, reason: str) -> Round:
    """Unlock a published round (admin, with a reason from ``ReopenForm``; recorded)."""
    round_ = get_round(session, round_id)
    if actor.role != Role.admin:
        raise Forbidden("Only an administrator can change published results.")
    if not round_.is_locked:
        raise Conflict("This round is not published.")
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

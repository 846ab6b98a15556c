"""Publishing a cohort's evaluation for a period as a frozen snapshot; reading it back as
an ``Evaluation`` (so its exports are the same every time); comparing two snapshots."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, select

from app.errors import Forbidden, NotFound
from app.models import Cohort, User
from app.models.evaluation import EvaluationSnapshot, EvaluationSnapshotRow
from app.services.evaluation import access, scoring
from app.services.evaluation import compute as evaluation
from app.services.evaluation import scheme as scheme_service
from app.services.evaluation.scheme import DIMENSIONS

ROW_FIELDS = (
    "student_number",
    "full_name",
    "teams",
    "awards",
    "participations",
    "award_points",
    "sessions",
    "income_fen",
    "followers",
    "growth",
    "outcome",
    "organisation",
    "rank",
)
SCORE_FIELDS = {
    "competition": "competition_c",
    "income": "income_c",
    "influence": "influence_c",
    "total": "total_c",
}


def _centi(value: Decimal) -> int:
    return int(value * 100)


def _decimal(centi: int) -> Decimal:
    return (Decimal(centi) / 100).quantize(scoring.CENT)


def summary_json(summary: evaluation.CohortSummary) -> dict[str, Any]:
    return {
        "cohort_id": summary.cohort_id,
        "label": summary.label,
        "label_en": summary.label_en,
        "students": summary.students,
        "means": {name: str(value) for name, value in summary.means.items()},
        "awards": summary.awards,
        "participations": summary.participations,
        "sessions": summary.sessions,
        "income_fen": summary.income_fen,
        "outcomes_recorded": summary.outcomes_recorded,
        "self_employed": summary.self_employed,
    }


def _summary(data: dict[str, Any]) -> evaluation.CohortSummary:
    summary = evaluation.CohortSummary(data["cohort_id"], data["label"], data["students"])
    summary.label_en = data.get("label_en", "")
    summary.means = {name: Decimal(value) for name, value in data["means"].items()}
    for name in ("awards", "participations", "sessions", "income_fen"):
        setattr(summary, name, data[name])
    summary.outcomes_recorded = data["outcomes_recorded"]
    summary.self_employed = data["self_employed"]
    return summary


def _team_json(team: evaluation.TeamScore) -> dict[str, Any]:
    return {
        "team_id": team.team_id,
        "name": team.name,
        "members": team.members,
        "sessions": team.sessions,
        "income_fen": team.income_fen,
        "followers": team.followers,
        "growth": team.growth,
        "mean_total": str(team.mean_total),
        "rank": team.rank,
    }


def publish(
    session: Session, *, actor: User, cohort_id: int, period: evaluation.Period
) -> EvaluationSnapshot:
    """Freeze the cohort's evaluation for the period under the current scheme version."""
    cohort = access.check_cohort(session, user=actor, cohort_id=cohort_id)
    if actor.role != "admin":
        raise Forbidden("Only administrators publish evaluations.")
    scheme = scheme_service.ensure_scheme(session)
    result = evaluation.evaluate(
        session,
        cohort_ids=[cohort.id],
        period=period,
        params=scheme.params,
        scheme_version=scheme.version,
    )
    number = session.exec(
        select(func.max(EvaluationSnapshot.number)).where(
            EvaluationSnapshot.cohort_id == cohort.id,
            EvaluationSnapshot.period_start == period.start,
            EvaluationSnapshot.period_end == period.end,
        )
    ).one()
    snapshot = EvaluationSnapshot(
        cohort_id=cohort.id,
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        period_start=period.start,
        period_end=period.end,
        number=(number or 0) + 1,
        cohort_label=cohort.label(),
        summary=summary_json(result.cohorts[0]),
        teams=[_team_json(t) for t in result.teams],
        scheme=scheme.params,
        published_by_id=actor.id,
    )
    session.add(snapshot)
    session.flush()
    rows = []
    for student in result.students:
        row = {"snapshot_id": snapshot.id, "student_id": student.student_id}
        row.update({name: getattr(student, name) for name in ROW_FIELDS})
        row.update({column: _centi(student.dimension(d)) for d, column in SCORE_FIELDS.items()})
        rows.append(row)
    for start in range(0, len(rows), 1000):
        session.execute(insert(EvaluationSnapshotRow), rows[start : start + 1000])
    session.flush()
    return snapshot


def get_snapshot(session: Session, *, user: User, snapshot_id: int) -> EvaluationSnapshot:
    snapshot = session.get(EvaluationSnapshot, snapshot_id)
    if snapshot is None:
        raise NotFound("This snapshot does not exist.")
    access.check_cohort(session, user=user, cohort_id=snapshot.cohort_id)
    return snapshot


def snapshot_evaluation(session: Session, snapshot: EvaluationSnapshot) -> evaluation.Evaluation:
    """The snapshot as an ``Evaluation``, exactly as published (the intermediate figures
    not stored, outcome points and reach, follow from its inputs and its own scheme)."""
    params = scheme_service.complete(snapshot.scheme)
    students = []
    for row in session.exec(
        select(EvaluationSnapshotRow)
        .where(EvaluationSnapshotRow.snapshot_id == snapshot.id)
        .order_by(EvaluationSnapshotRow.student_number, EvaluationSnapshotRow.student_id)
    ).all():
        score = evaluation.StudentScore(
            row.student_id, row.student_number, row.full_name, snapshot.cohort_id
        )
        for name in ROW_FIELDS:
            if name not in ("student_number", "full_name"):
                setattr(score, name, getattr(row, name))
        for dimension, column in SCORE_FIELDS.items():
            setattr(score, dimension, _decimal(getattr(row, column)))
        score.outcome_points = scoring.outcome_points(score.outcome, params)
        score.reach = scoring.reach_points(score.followers, score.growth, params)
        students.append(score)
    teams = []
    for data in snapshot.teams:
        team = evaluation.TeamScore(data["team_id"], data["name"])
        for name in ("members", "sessions", "income_fen", "followers", "growth", "rank"):
            setattr(team, name, data[name])
        team.mean_total = Decimal(data["mean_total"])
        teams.append(team)
    return evaluation.Evaluation(
        snapshot.scheme_version,
        params,
        evaluation.Period(snapshot.period_start, snapshot.period_end),
        [_summary(snapshot.summary)],
        students,
        teams,
    )


# A cohort's published snapshots as its page lists them (templates/evaluation/cohort.html):
# built once and only the listed columns (the entity carries the frozen summary's JSON).
_LISTED = (
    select(
        EvaluationSnapshot.id,
        EvaluationSnapshot.published_at,
        EvaluationSnapshot.period_start,
        EvaluationSnapshot.period_end,
        EvaluationSnapshot.number,
        EvaluationSnapshot.scheme_version,
        User.full_name,
    )
    .outerjoin(User, User.id == EvaluationSnapshot.published_by_id)
    .where(EvaluationSnapshot.cohort_id == bindparam("cohort_id"))
    .order_by(EvaluationSnapshot.published_at.desc(), EvaluationSnapshot.id.desc())  # type: ignore[attr-defined]
    .limit(50)
)


def list_snapshots(session: Session, *, cohort_id: int) -> list[tuple[Any, str]]:
    """The cohort's latest snapshots (id, published_at, period_start, period_end, number,
    scheme_version) with the name of who published each."""
    rows = session.exec(_LISTED, params={"cohort_id": cohort_id}).all()  # type: ignore[call-overload]
    return [(row, row.full_name or "") for row in rows]


_RECENT_SNAPSHOTS = (  # on every staff dashboard: built once
    select(EvaluationSnapshot, Cohort)
    .join(Cohort, Cohort.id == EvaluationSnapshot.cohort_id)
    .where(EvaluationSnapshot.cohort_id.in_(bindparam("cohort_ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(EvaluationSnapshot.published_at.desc(), EvaluationSnapshot.id.desc())  # type: ignore[attr-defined]
    .limit(bindparam("limit"))
)


def recent_snapshots(session: Session, *, cohort_ids: list[int], limit: int = 5):
    """The latest snapshots of these cohorts, with their cohorts."""
    if not cohort_ids:
        return []
    params = {"cohort_ids": cohort_ids, "limit": limit}
    return session.exec(_RECENT_SNAPSHOTS, params=params).all()


@dataclass
class RowChange:
    student_id: int
    student_number: str
    full_name: str
    before: dict[str, Decimal] | None  # None: not in the earlier snapshot
    after: dict[str, Decimal] | None

    def delta(self, name: str) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after[name] - self.before[name]


@dataclass
class Comparison:
    before: EvaluationSnapshot
    after: EvaluationSnapshot
    summary_changes: list[tuple[str, Any, Any]]
    rows: list[RowChange]

    @property
    def changed(self) -> list[RowChange]:
        return [r for r in self.rows if r.before != r.after]


def _scores(row: EvaluationSnapshotRow) -> dict[str, Decimal]:
    return {d: _decimal(getattr(row, c)) for d, c in SCORE_FIELDS.items()}


def compare(session: Session, *, user: User, before_id: int, after_id: int) -> Comparison:
    """Two snapshots of one cohort side by side: inputs' totals and every student's scores."""
    before = get_snapshot(session, user=user, snapshot_id=before_id)
    after = get_snapshot(session, user=user, snapshot_id=after_id)
    if before.cohort_id != after.cohort_id:
        raise NotFound("Only snapshots of the same cohort can be compared.")
    rows: dict[int, RowChange] = {}
    for row in session.exec(
        select(EvaluationSnapshotRow).where(
            EvaluationSnapshotRow.snapshot_id.in_([before.id, after.id])  # type: ignore[attr-defined]
        )
    ).all():
        change = rows.setdefault(
            row.student_id,
            RowChange(row.student_id, row.student_number, row.full_name, None, None),
        )
        if row.snapshot_id == before.id:
            change.before = _scores(row)
        else:
            change.after = _scores(row)
    keys = ("students", "awards", "participations", "sessions", "income_fen", "self_employed")
    summary_changes = [(k, before.summary.get(k), after.summary.get(k)) for k in keys]
    for name in (*DIMENSIONS, "total"):
        summary_changes.append(
            (f"mean.{name}", before.summary["means"][name], after.summary["means"][name])
        )
    summary_changes.append(("scheme_version", before.scheme_version, after.scheme_version))
    ordered = sorted(rows.values(), key=lambda r: (r.student_number, r.student_id))
    return Comparison(before, after, summary_changes, ordered)

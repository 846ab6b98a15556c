"""What the evaluation pages show, assembled from the computation (a fixed number of
queries per page whatever the number of students)."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlmodel import Session, select

from app.models import Cohort, User
from app.models.evaluation import EvaluationSnapshot
from app.services import revisions
from app.services.evaluation import access, cache, charts, method, records
from app.services.evaluation import compute as evaluation
from app.services.evaluation import jobs as job_service
from app.services.evaluation import scheme as scheme_service
from app.services.evaluation import snapshots as snapshot_service
from app.services.evaluation.scheme import DIMENSIONS
from app.services.pagination import Page

TOP = 10
# Cohorts in the overview's comparison before "show all": a college has dozens, and their
# chart and table were most of a ~100 KiB page, where the first few are what is read.
COMPARED_FIRST = 12
KEPT_PAGE_SIZE = 25  # app.deps.pagination's default


def scheme_labels() -> dict[str, Any]:
    return {
        "dimensions": DIMENSIONS,
        "dimension_labels": scheme_service.DIMENSION_LABELS,
        "levels": scheme_service.LEVELS,
        "level_labels": scheme_service.LEVEL_LABELS,
        "awards": scheme_service.AWARDS,
        "award_labels": scheme_service.AWARD_LABELS,
        "outcomes": scheme_service.OUTCOMES,
        "outcome_labels": scheme_service.OUTCOME_LABELS,
        "choices": scheme_service.CHOICES,
    }


class KeptScheme(NamedTuple):
    version: int
    params: dict[str, Any]  # shared by every page of the worker: read, never changed


_SCHEME = revisions.Keeper(cache.REVISION, size=1)


def _scheme(session: Session) -> KeptScheme:
    """The current scheme's version and rules, kept under the evaluation's token (saving a
    version renews it): the overview and cohort pages need it on every visit to find their
    kept evaluation, and loading the entity with its JSON cost a quarter of a millisecond."""

    def read() -> KeptScheme:
        scheme = scheme_service.current_scheme(session)
        return KeptScheme(scheme.version, scheme.params)

    return _SCHEME.get(session, ("scheme",), read)


def method_context(params: dict[str, Any], version: int, **kwargs) -> dict[str, Any]:
    """What templates/evaluation/_method.html shows (it translates them as it renders, in
    the reader's language)."""
    return {"method": method.rules(params, **kwargs), "method_version": version}


@dataclass
class OverviewFigures:
    """The overview's cohort comparison, kept with its evaluation (so that its chart and
    table render once per kept result and language: templates/evaluation/_comparison.html)."""

    period: evaluation.Period
    result: Any
    comparison: charts.Comparison  # every cohort
    first: list  # the first COMPARED_FIRST cohorts' figures
    first_comparison: charts.Comparison  # ... and their chart


def _overview_figures(session: Session, cohort_ids: list[int], period: evaluation.Period):
    scheme = _scheme(session)
    cohort_ids = sorted(set(cohort_ids))

    def compute() -> OverviewFigures:
        result = evaluation.evaluate(
            session,
            cohort_ids=cohort_ids,
            period=period,
            params=scheme.params,
            scheme_version=scheme.version,
        )
        chart = charts.comparison([(c, c.means) for c in result.cohorts])
        first = result.cohorts[:COMPARED_FIRST]
        first_chart = charts.comparison([(c, c.means) for c in first])
        return OverviewFigures(period, result, chart, first, first_chart)

    key = ("overview", tuple(cohort_ids), period.start, period.end, scheme.version)
    return cache.kept_or_computed(session, key, compute)


@dataclass
class CohortChoices:
    """The cohorts a user may export, kept until a cohort changes (the export form's
    checkboxes render once per kept list and language: templates/evaluation/_cohort_picks.html)."""

    cohorts: list[Cohort]

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.cohorts}


_CHOICES = revisions.Keeper(cache.REVISION, size=16)


def _cohort_choices(session: Session, user: User) -> CohortChoices:
    key = ("cohorts", user.role, None if user.role == "admin" else user.id)
    return _CHOICES.get(
        session, key, lambda: CohortChoices(access.visible_cohorts(session, user=user))
    )


def overview(session: Session, *, user: User, period: evaluation.Period) -> dict[str, Any]:
    """Every visible cohort's figures side by side, and what the export form needs."""
    choices = _cohort_choices(session, user)
    cohorts = choices.cohorts
    figures = _overview_figures(session, [c.id for c in cohorts], period)
    return {
        "period": period,
        "cohorts": cohorts,
        "cohort_choices": choices,
        "figures": figures,
        "result": figures.result,
        "comparison": figures.comparison,
        "jobs": job_service.recent_job_rows(session, user=user, limit=5),
        **scheme_labels(),
    }


def _page(items: list, *, page: int, per_page: int, base_path: str, query: dict) -> Page:
    pages = max(1, -(-len(items) // per_page))
    number = min(page, pages)
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], len(items), number, per_page, base_path, query)


@dataclass
class CohortFigures:
    """A cohort's evaluation ranked, with its distributions and top lists: kept with its
    evaluation, so that they are sorted and drawn once per kept result (their charts and
    lists render once per language: templates/evaluation/_cohort_figures.html)."""

    period: evaluation.Period
    result: Any
    summary: Any
    ranked: list
    histograms: list
    top_students: list
    top_teams: list
    # pages of the ranked list at the usual page size, made (and so rendered: web's
    # shared_fragment, templates/evaluation/_cohort_students.html) once each
    pages: dict[int, Page] = field(default_factory=dict)

    def page(self, number: int, per_page: int, base_path: str, query: dict) -> Page:
        def made() -> Page:
            ranked = self.ranked
            return _page(ranked, page=number, per_page=per_page, base_path=base_path, query=query)

        if per_page != KEPT_PAGE_SIZE:  # other sizes are rare: made for the visit only
            return made()
        number = min(number, max(1, -(-len(self.ranked) // per_page)))
        found = self.pages.get(number)
        return found if found is not None else self.pages.setdefault(number, made())


def _cohort_figures(session: Session, cohort_id: int, period: evaluation.Period) -> CohortFigures:
    scheme = _scheme(session)

    def compute() -> CohortFigures:
        result = evaluation.evaluate(
            session,
            cohort_ids=[cohort_id],
            period=period,
            params=scheme.params,
            scheme_version=scheme.version,
        )
        ranked = sorted(result.students, key=lambda s: (s.rank, s.student_number))
        histograms = [
            charts.histogram(d, [s.dimension(d) for s in result.students])
            for d in (*DIMENSIONS, "total")
        ]
        return CohortFigures(
            period, result, result.cohorts[0], ranked, histograms, ranked[:TOP], result.teams[:TOP]
        )

    key = ("cohort", cohort_id, period.start, period.end, scheme.version)
    return cache.kept_or_computed(session, key, compute)


def cohort_dashboard(
    session: Session,
    *,
    user: User,
    cohort_id: int,
    period: evaluation.Period,
    student_id: int | None,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    """One cohort: distributions, radar, top students and teams, the ranked list."""
    # a cohort the user may see is in their kept list (no statement); any other is
    # looked up to tell the missing (404) from the forbidden (403)
    cohort = _cohort_choices(session, user).by_id.get(cohort_id) or access.check_cohort(
        session, user=user, cohort_id=cohort_id
    )
    figures = _cohort_figures(session, cohort.id, period)
    summary, ranked = figures.summary, figures.ranked
    chosen = next((s for s in ranked if s.student_id == student_id), ranked[0] if ranked else None)
    series = [("cohort", summary.means)]
    if chosen is not None:
        series.append(("student", {d: chosen.dimension(d) for d in DIMENSIONS}))
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return {
        "cohort": cohort,
        "period": period,
        "figures": figures,
        "result": figures.result,
        "summary": summary,
        "histograms": figures.histograms,
        "radar": charts.radar(series),
        "chosen": chosen,
        "top_students": figures.top_students,
        "top_teams": figures.top_teams,
        "page": figures.page(
            page, per_page, base_path=f"/evaluation/cohorts/{cohort.id}", query=query
        ),
        "snapshots": snapshot_service.list_snapshots(session, cohort_id=cohort.id),
        "can_publish": user.role == "admin",
        **scheme_labels(),
    }


def score_page(
    session: Session, *, user: User, student_id: int, period: evaluation.Period
) -> records.ScorePage:
    return records.score_page(session, user=user, student_id=student_id, period=period)


def snapshot_page(
    session: Session, *, user: User, snapshot_id: int, page: int, per_page: int
) -> dict[str, Any]:
    snapshot = snapshot_service.get_snapshot(session, user=user, snapshot_id=snapshot_id)
    result = snapshot_service.snapshot_evaluation(session, snapshot)
    others = session.exec(
        select(EvaluationSnapshot)
        .where(
            EvaluationSnapshot.cohort_id == snapshot.cohort_id,
            EvaluationSnapshot.id != snapshot.id,
        )
        .order_by(EvaluationSnapshot.id.desc())  # type: ignore[union-attr]
        .limit(50)
    ).all()
    ranked = sorted(result.students, key=lambda s: (s.rank, s.student_number))
    return {
        "snapshot": snapshot,
        "result": result,
        "summary": result.cohorts[0],
        "publisher": session.get(User, snapshot.published_by_id)
        if snapshot.published_by_id
        else None,
        "others": others,
        "page": _page(
            ranked,
            page=page,
            per_page=per_page,
            base_path=f"/evaluation/snapshots/{snapshot.id}",
            query={},
        ),
        **scheme_labels(),
    }


@dataclass
class DashboardPanel:
    cohorts: int
    snapshots: list[tuple[EvaluationSnapshot, Cohort]]
    scheme_version: int


def dashboard_panel(session: Session, *, user: User) -> DashboardPanel:
    """For the admin and teacher dashboards: the latest published snapshots (3 queries)."""
    cohorts = access.visible_cohorts(session, user=user)
    snapshots = snapshot_service.recent_snapshots(
        session, cohort_ids=[c.id for c in cohorts], limit=5
    )
    version = scheme_service.current_scheme(session).version
    return DashboardPanel(len(cohorts), list(snapshots), version)

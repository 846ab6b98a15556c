"""复盘 metrics of live sessions: each a formula over the recorded figures, shown with it.

A metric whose inputs are missing (viewers not recorded, no orders, no paid traffic) has no
value and is shown as “—”: nothing is divided by zero and nothing is guessed. Over several
sessions a ratio is Σ numerator ÷ Σ denominator over the sessions where both are known (a
weighted figure, not an average of averages), so a session without viewers neither lowers
nor raises the team's GPM.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from app.formatting import yuan
from app.i18n import N_
from app.models.teams import LiveSession, SessionStatus
from app.services.teams.charts import Trend, trend_chart
from app.services.teams.standing import GroupStanding, session_standing

NONE_SHOWN = "—"
MONEY, COUNT, PERCENT, RATIO, DURATION = "money", "count", "percent", "ratio", "duration"


@dataclass(frozen=True)
class Figures:
    """What a completed session recorded; the platform's figures may be missing (None)."""

    gmv_fen: int
    orders: int
    refunds: int
    new_followers: int
    viewers: int | None = None
    avg_watch_seconds: int | None = None
    interactions: int | None = None
    ad_spend_fen: int | None = None

    @classmethod
    def of(cls, live) -> "Figures":
        """The figures of a LiveSession (or of a row with the same attribute names)."""
        return cls(
            gmv_fen=live.gmv_fen,
            orders=live.orders,
            refunds=live.refunds,
            new_followers=live.new_followers,
            viewers=live.viewers,
            avg_watch_seconds=live.avg_watch_seconds,
            interactions=live.interactions,
            ad_spend_fen=live.ad_spend_fen,
        )


Part = Callable[[Figures], int | None]


@dataclass(frozen=True)
class Definition:
    key: str
    label: str  # msgid
    formula: str  # msgid
    kind: str
    numerator: Part
    denominator: Part | None = None  # None: the figure itself (a sum over sessions)
    factor: int = 1  # GPM is per thousand viewers, a rate is per hundred


def _watch_seconds_total(f: Figures) -> int | None:
    """Average watch time × viewers: the seconds watched in all, so that averages over
    sessions weigh each session by its viewers."""
    if f.avg_watch_seconds is None or f.viewers is None:
        return None
    return f.avg_watch_seconds * f.viewers


DEFINITIONS = (
    Definition("gmv", N_("GMV"), N_("paid order amount"), MONEY, lambda f: f.gmv_fen),
    Definition("orders", N_("Orders"), N_("paid orders"), COUNT, lambda f: f.orders),
    Definition(
        "aov",
        N_("Average order value"),
        N_("GMV ÷ orders"),
        MONEY,
        lambda f: f.gmv_fen,
        lambda f: f.orders,
    ),
    Definition(
        "conversion",
        N_("View-to-order conversion"),
        N_("orders ÷ viewers × 100%%"),
        PERCENT,
        lambda f: f.orders,
        lambda f: f.viewers,
        100,
    ),
    Definition(
        "uv_value",
        N_("UV value"),
        N_("GMV ÷ viewers"),
        MONEY,
        lambda f: f.gmv_fen,
        lambda f: f.viewers,
    ),
    Definition(
        "gpm",
        N_("GPM"),
        N_("GMV × 1000 ÷ viewers"),
        MONEY,
        lambda f: f.gmv_fen,
        lambda f: f.viewers,
        1000,
    ),
    Definition(
        "watch",
        N_("Average watch time"),
        N_("seconds watched in all ÷ viewers"),
        DURATION,
        _watch_seconds_total,
        lambda f: f.viewers,
    ),
    Definition(
        "interaction_rate",
        N_("Interaction rate"),
        N_("interactions ÷ viewers × 100%%"),
        PERCENT,
        lambda f: f.interactions,
        lambda f: f.viewers,
        100,
    ),
    Definition(
        "follow_rate",
        N_("Follower conversion"),
        N_("new followers ÷ viewers × 100%%"),
        PERCENT,
        lambda f: f.new_followers,
        lambda f: f.viewers,
        100,
    ),
    Definition(
        "refund_rate",
        N_("Refund rate"),
        N_("refunds ÷ orders × 100%%"),
        PERCENT,
        lambda f: f.refunds,
        lambda f: f.orders,
        100,
    ),
    Definition(
        "ad_spend",
        N_("Paid traffic spend"),
        N_("spent on paid traffic (投流)"),
        MONEY,
        lambda f: f.ad_spend_fen,
    ),
    Definition(
        "roi",
        N_("ROI"),
        N_("GMV ÷ paid traffic spend"),
        RATIO,
        lambda f: f.gmv_fen,
        lambda f: f.ad_spend_fen,
    ),
)
BY_KEY = {d.key: d for d in DEFINITIONS}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # msgid: the template translates it
    formula: str  # msgid
    kind: str
    value: Decimal | int | None  # money in fen, a percent, a ratio, seconds, a count

    @property
    def text(self) -> str:
        return shown(self.kind, self.value)


def _rounded(kind: str, exact: Decimal) -> Decimal | int:
    if kind in (MONEY, DURATION, COUNT):
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _value(definition: Definition, rows: Iterable[Figures]) -> Decimal | int | None:
    """Σ numerator (÷ Σ denominator) over the rows where every part is known."""
    top, bottom, known = 0, 0, False
    for row in rows:
        numerator = definition.numerator(row)
        denominator = definition.denominator(row) if definition.denominator else 1
        if numerator is None or denominator is None or denominator <= 0:
            continue
        top, bottom, known = top + numerator, bottom + denominator, True
    if not known:
        return None
    if definition.denominator is None:
        return top
    return _rounded(definition.kind, Decimal(top * definition.factor) / Decimal(bottom))


def metrics(rows: Iterable[Figures]) -> dict[str, Metric]:
    """Every metric over one session's figures, or over several sessions' (weighted)."""
    rows = list(rows)
    return {d.key: Metric(d.key, d.label, d.formula, d.kind, _value(d, rows)) for d in DEFINITIONS}


def some_metrics(rows: Iterable[Figures], keys: Iterable[str]) -> dict[str, Metric]:
    """Only the metrics named by ``keys`` (a list that shows one or two of them)."""
    rows = list(rows)
    found = {}
    for key in keys:
        d = BY_KEY[key]
        found[key] = Metric(d.key, d.label, d.formula, d.kind, _value(d, rows))
    return found


def session_metrics(live) -> dict[str, Metric]:
    """The metrics of one completed session."""
    return metrics([Figures.of(live)])


def shown(kind: str, value: Decimal | int | None) -> str:
    """A metric's value as a page shows it: yuan, 1,234, 3.25%, 4.10, 3:05, or —."""
    if value is None:
        return NONE_SHOWN
    if kind == MONEY:
        return yuan(int(value))
    if kind == PERCENT:
        return f"{value}%"
    if kind == DURATION:
        hours, rest = divmod(int(value), 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    if kind == COUNT:
        return f"{int(value):,}"
    return str(value)


@dataclass(frozen=True)
class PlanLine:
    label: str  # msgid
    kind: str
    planned: int
    actual: int | None

    @property
    def attainment(self) -> Decimal | None:
        """Actual ÷ planned × 100%, when both are known and the plan is above zero."""
        if self.actual is None or self.planned <= 0:
            return None
        return _rounded(PERCENT, Decimal(self.actual * 100) / Decimal(self.planned))

    @property
    def planned_text(self) -> str:
        return shown(self.kind, self.planned)

    @property
    def actual_text(self) -> str:
        return shown(self.kind, self.actual)

    @property
    def attainment_text(self) -> str:
        return shown(PERCENT, self.attainment)


def plan_vs_actual(live) -> list[PlanLine]:
    """The plan's targets beside what the broadcast achieved; targets not set are left out."""
    done = live.status == "completed"
    lines = []
    if live.gmv_target_fen:
        lines.append(
            PlanLine(N_("GMV"), MONEY, live.gmv_target_fen, live.gmv_fen if done else None)
        )
    if live.orders_target is not None:
        lines.append(
            PlanLine(N_("Orders"), COUNT, live.orders_target, live.orders if done else None)
        )
    if live.viewers_target is not None:
        lines.append(
            PlanLine(N_("Viewers (UV)"), COUNT, live.viewers_target, live.viewers if done else None)
        )
    minutes = live.actual_minutes if done else None
    lines.append(PlanLine(N_("Minutes on air"), COUNT, live.planned_minutes, minutes))
    return lines


TREND_SESSIONS = 30  # the chart shows the team's latest sessions; the totals count all
TRENDS = ("gpm", "conversion")
_FIGURE_COLUMNS = (
    LiveSession.session_date,
    LiveSession.gmv_fen,
    LiveSession.orders,
    LiveSession.refunds,
    LiveSession.new_followers,
    LiveSession.viewers,
    LiveSession.avg_watch_seconds,
    LiveSession.interactions,
    LiveSession.ad_spend_fen,
)


@dataclass
class TeamReview:
    sessions: int
    metrics: dict[str, Metric]
    trends: list[Trend]


def _tick(kind: str):
    if kind == PERCENT:
        return lambda value: f"{value:.1f}%"
    return lambda value: f"{value / 100:,.0f}"  # money: whole yuan on the axis


def team_review(session: Session, *, team_id: int) -> TeamReview:
    """The team's metrics over all its completed sessions, and the trend of GPM and
    conversion over the latest ones: one statement."""
    rows = session.exec(
        select(*_FIGURE_COLUMNS)
        .where(LiveSession.team_id == team_id, LiveSession.status == SessionStatus.completed.value)
        .order_by(LiveSession.actual_start, LiveSession.id)
    ).all()
    figures = [Figures.of(row) for row in rows]
    latest = list(zip(rows, figures, strict=True))[-TREND_SESSIONS:]
    trends = []
    for key in TRENDS:
        definition = BY_KEY[key]
        points = []
        for row, one in latest:
            value = _value(definition, [one])
            plotted = None if value is None else float(value)
            points.append((row.session_date, plotted, shown(definition.kind, value)))
        trends.append(trend_chart(key, points, _tick(definition.kind)))
    return TeamReview(len(rows), metrics(figures), trends)


@dataclass
class SessionReview:
    """What a session's page shows of its 复盘: metrics (once completed), plan vs actual,
    and its standing in its class and year group."""

    metrics: dict[str, Metric]
    plan: list[PlanLine]
    standing: list[GroupStanding]


def session_review(session: Session, live: LiveSession) -> SessionReview:
    done = live.status == SessionStatus.completed.value
    return SessionReview(
        metrics=session_metrics(live) if done else {},
        plan=plan_vs_actual(live),
        standing=session_standing(session, live),
    )


def metrics_by_session(lives) -> dict[int, dict[str, Metric]]:
    """The metrics of each completed session in a list (no statements: from the rows)."""
    return {live.id: session_metrics(live) for live in lives if live.status == "completed"}

"""Geometry of the server-drawn SVG charts (GMV and income over time): no JavaScript, no
style attributes, only coordinates the template writes into presentation attributes."""

import math
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 32


@dataclass
class Point:
    x: float
    y: float
    day: date
    fen: int


@dataclass
class Series:
    key: str  # "gmv" or "income": the template picks label and colour
    points: list[Point] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Chart:
    series: list[Series]
    y_ticks: list[tuple[float, int]]  # (y, yuan)
    x_ticks: list[tuple[float, date]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10**exponent
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base


def money_chart(days: list[tuple[date, int, int]]) -> Chart:
    """GMV and income (fen) per day as two lines on one time axis, in yuan."""
    if not days:
        return Chart(series=[Series("gmv"), Series("income")], y_ticks=[], x_ticks=[])
    top_yuan = _nice_ceiling(max(max(g, i) for _d, g, i in days) / 100)
    first, last = days[0][0], days[-1][0]
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_of(fen: int) -> float:
        return TOP + plot_h * (1 - (fen / 100) / top_yuan)

    gmv = Series("gmv", [Point(x_of(d), y_of(g), d, g) for d, g, _i in days])
    income = Series("income", [Point(x_of(d), y_of(i), d, i) for d, _g, i in days])
    y_ticks = [(y_of(int(top_yuan * 100 * k / 4)), int(top_yuan * k / 4)) for k in range(5)]
    count = min(len(days), 5)
    picks = sorted({round(k * (len(days) - 1) / max(count - 1, 1)) for k in range(count)})
    x_ticks = [(x_of(days[i][0]), days[i][0]) for i in picks]
    return Chart(series=[gmv, income], y_ticks=y_ticks, x_ticks=x_ticks)


@dataclass
class TrendPoint:
    x: float
    y: float
    day: date
    text: str  # the value as the page writes it


@dataclass
class Trend:
    """One metric over a team's sessions, one point per session in broadcast order (two
    sessions on a day are two points); sessions without the metric leave a gap."""

    key: str
    points: list[TrendPoint]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, date]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def trend_chart(key: str, sessions: list[tuple[date, float | None, str]], tick) -> Trend:
    """(day, value, text) per session, oldest first; ``tick(value)`` writes an axis label."""
    known = [
        (n, day, value, text) for n, (day, value, text) in enumerate(sessions) if value is not None
    ]
    if not known:
        return Trend(key, [], [])
    top_value = _nice_ceiling(max(value for _n, _d, value, _t in known))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    last = max(len(sessions) - 1, 1)

    def x_of(n: int) -> float:
        return LEFT + plot_w / 2 if len(sessions) == 1 else LEFT + plot_w * n / last

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top_value)

    points = [TrendPoint(x_of(n), y_of(value), day, text) for n, day, value, text in known]
    y_ticks = [(y_of(top_value * k / 4), tick(top_value * k / 4)) for k in range(5)]
    count = min(len(points), 5)
    picks = sorted({round(k * (len(points) - 1) / max(count - 1, 1)) for k in range(count)})
    x_ticks = [(points[i].x, points[i].day) for i in picks]
    return Trend(key, points, y_ticks, x_ticks)

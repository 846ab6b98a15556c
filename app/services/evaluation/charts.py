"""Geometry of the evaluation's server-drawn SVG charts: histograms of each dimension, a
radar of the three dimensions (a student against the cohort average) and bars comparing
cohorts. Only coordinates; templates write them into SVG presentation attributes, so the
charts print and need neither JavaScript nor style attributes."""

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.services.evaluation.scheme import DIMENSIONS

BINS = 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | Decimal
    label: str


@dataclass
class Histogram:
    dimension: str
    bars: list[Bar]
    width: int = 320
    height: int = 160
    baseline: float = 136.0
    left: float = 28.0
    peak: int = 0

    @property
    def empty(self) -> bool:
        return self.peak == 0


def histogram(dimension: str, values: list[Decimal]) -> Histogram:
    """How many students score 0–10, 10–20, … 90–100 (100 falls in the last bin)."""
    counts = [0] * BINS
    for value in values:
        counts[min(BINS - 1, int(value // 10))] += 1
    chart = Histogram(dimension, [])
    peak = max(counts) if counts else 0
    chart.peak = peak
    plot_w, plot_h = chart.width - chart.left - 8, chart.baseline - 12
    step = plot_w / BINS
    for index, count in enumerate(counts):
        h = plot_h * count / peak if peak else 0
        chart.bars.append(
            Bar(
                chart.left + index * step + 1,
                chart.baseline - h,
                step - 2,
                h,
                count,
                f"{index * 10}–{index * 10 + 10}",
            )
        )
    return chart


@dataclass
class Radar:
    axes: list[tuple[str, float, float, float, float]]  # (dimension, x, y, label x, label y)
    rings: list[str]  # polygon points at 25/50/75/100
    shapes: list[tuple[str, str]] = field(default_factory=list)  # (key, polygon points)
    size: int = 260
    cx: float = 130.0
    cy: float = 138.0
    radius: float = 92.0


def _point(cx: float, cy: float, radius: float, index: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / len(DIMENSIONS)
    r = radius * value / 100
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _polygon(cx: float, cy: float, radius: float, values: list[float]) -> str:
    return " ".join(
        "{:.1f},{:.1f}".format(*_point(cx, cy, radius, i, v)) for i, v in enumerate(values)
    )


def radar(series: list[tuple[str, dict[str, Decimal]]]) -> Radar:
    """One polygon per (key, {dimension: score}) on three axes scaled 0–100."""
    chart = Radar(axes=[], rings=[])
    for i, dimension in enumerate(DIMENSIONS):
        x, y = _point(chart.cx, chart.cy, chart.radius, i, 100)
        lx, ly = _point(chart.cx, chart.cy, chart.radius + 18, i, 100)
        chart.axes.append((dimension, x, y, lx, ly))
    chart.rings = [
        _polygon(chart.cx, chart.cy, chart.radius, [level] * len(DIMENSIONS))
        for level in (25, 50, 75, 100)
    ]
    for key, scores in series:
        values = [float(scores.get(d, 0)) for d in DIMENSIONS]
        chart.shapes.append((key, _polygon(chart.cx, chart.cy, chart.radius, values)))
    return chart


@dataclass
class Comparison:
    # (cohort label, or a CohortSummary to name in the page's language; one bar per
    # dimension and total)
    rows: list[tuple[Any, list[Bar]]]
    width: int = 640
    row_height: int = 56
    left: float = 170.0

    @property
    def height(self) -> int:
        return 24 + self.row_height * len(self.rows)


def comparison(cohorts: list[tuple[Any, dict[str, Decimal]]]) -> Comparison:
    """Horizontal bars per cohort: the means of each dimension and of the total (0–100)."""
    chart = Comparison(rows=[])
    keys = (*DIMENSIONS, "total")
    plot_w = chart.width - chart.left - 56
    bar_h = (chart.row_height - 12) / len(keys)
    for row, (label, means) in enumerate(cohorts):
        top = 12 + row * chart.row_height
        bars = []
        for k, key in enumerate(keys):
            value = means.get(key, Decimal(0))
            bars.append(
                Bar(chart.left, top + k * bar_h, plot_w * float(value) / 100, bar_h - 1, value, key)
            )
        chart.rows.append((label, bars))
    return chart

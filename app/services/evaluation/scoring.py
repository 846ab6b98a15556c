"""The evaluation's arithmetic: the period, each dimension's score from a student's sums,
the weighted total, ranks and means. Every score is rounded half up to hundredths."""

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.services.evaluation.scheme import DIMENSIONS

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def q(value: Decimal | float | int) -> Decimal:
    """Round half up to hundredths (floats through their shortest decimal form)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def academic_year(on: date) -> Period:
    """1 September to 31 August around ``on``: the default period."""
    first = on.year if on.month >= 9 else on.year - 1
    return Period(date(first, 9, 1), date(first + 1, 8, 31))


def competition_score(points: int, params: dict[str, Any]) -> Decimal:
    cap = int(params["competition_cap"])
    return q(Decimal(min(points, cap)) * HUNDRED / cap)


def threshold_score(income_fen: int, params: dict[str, Any]) -> Decimal:
    points = 0
    for minimum, value in params["income_thresholds"]:
        if income_fen >= minimum:
            points = value
    return q(points)


def percentile_score(income_fen: int, sorted_incomes: list[int]) -> Decimal:
    """100 × the share of the cohort earning no more than the student; 0 without income."""
    if income_fen <= 0 or not sorted_incomes:
        return q(0)
    at_most = bisect_right(sorted_incomes, income_fen)
    return q(Decimal(at_most) * HUNDRED / len(sorted_incomes))


def influence_score(outcome: str, followers: int, growth: int, params: dict[str, Any]) -> Decimal:
    reach = params["follower_factor"] * math.log10(1 + max(followers, 0)) + params[
        "growth_factor"
    ] * math.log10(1 + max(growth, 0))
    reach = min(float(params["influence_cap"]), reach)
    outcome_points = params["outcome_points"].get(outcome, 0) if outcome else 0
    return q(min(100.0, outcome_points + reach))


def total_score(scores: dict[str, Decimal], params: dict[str, Any]) -> Decimal:
    weights = params["weights"]
    return q(sum(Decimal(weights[d]) * scores[d] for d in DIMENSIONS) / HUNDRED)


def rank(items: list, key) -> None:
    """Competition ranking (1, 2, 2, 4) by ``key`` descending."""
    ordered = sorted(items, key=key, reverse=True)
    previous, rank = None, 0
    for position, item in enumerate(ordered, start=1):
        value = key(item)
        if value != previous:
            rank, previous = position, value
        item.rank = rank


def mean(values: list[Decimal]) -> Decimal:
    return q(sum(values, ZERO) / len(values)) if values else q(0)

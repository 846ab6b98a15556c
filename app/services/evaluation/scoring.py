"""The evaluation's arithmetic: the period, each dimension's score from a student's sums,
the weighted total, ranks and means. Every score is rounded half up to hundredths."""

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.schemas.evaluation import AWARDS, LEVELS
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


def fact_points(level: str, award: str, params: dict[str, Any]) -> int:
    """The scheme's points for one result (an award or a participation) at a level."""
    return int(params["award_points"].get(level, {}).get(award, 0))


def counted_facts(facts: list[tuple[str, str, str]], params: dict[str, Any]) -> list[bool]:
    """Which of a student's results (contest, level, award) count: all of them, or under
    ``best_per_contest`` the one worth most points of each contest (ties: the higher
    award, then the higher level, then the first listed)."""
    if params.get("award_stacking") != "best_per_contest":
        return [True] * len(facts)
    best: dict[str, tuple[tuple[int, int, int], int]] = {}
    for index, (contest, level, award) in enumerate(facts):
        worth = (fact_points(level, award, params), _order(AWARDS, award), _order(LEVELS, level))
        if contest not in best or worth > best[contest][0]:
            best[contest] = (worth, index)
    chosen = {index for _worth, index in best.values()}
    return [index in chosen for index in range(len(facts))]


def _order(values: tuple[str, ...], value: str) -> int:
    return values.index(value) if value in values else -1


def competition_score(points: int, params: dict[str, Any]) -> Decimal:
    cap = int(params["competition_cap"])
    return q(Decimal(min(points, cap)) * HUNDRED / cap)


def threshold_score(income_fen: int, params: dict[str, Any]) -> Decimal:
    points = 0
    for minimum, value in params["income_thresholds"]:
        if income_fen >= minimum:
            points = value
    return q(points)


def percentile_base(sorted_incomes: list[int], params: dict[str, Any]) -> list[int]:
    """The incomes a percentile is taken among: the whole cohort's, or the earners' only."""
    if params.get("percentile_base") == "earners":
        return sorted_incomes[bisect_right(sorted_incomes, 0) :]
    return sorted_incomes


def percentile_rank(income_fen: int, base: list[int]) -> int:
    """How many of ``base`` (sorted) earn no more than ``income_fen``."""
    return bisect_right(base, income_fen)


def percentile_score(income_fen: int, base: list[int]) -> Decimal:
    """100 × the share of ``base`` earning no more than the student; 0 without income."""
    if income_fen <= 0 or not base:
        return q(0)
    return q(Decimal(percentile_rank(income_fen, base)) * HUNDRED / len(base))


def reach_points(followers: int, growth: int, params: dict[str, Any]) -> Decimal:
    """Social influence before its cap: ff × log10(1 + followers) + gf × log10(1 + growth)."""
    reach = params["follower_factor"] * math.log10(1 + max(followers, 0)) + params[
        "growth_factor"
    ] * math.log10(1 + max(growth, 0))
    return q(reach)


def outcome_points(outcome: str, params: dict[str, Any]) -> int:
    return int(params["outcome_points"].get(outcome, 0)) if outcome else 0


def influence_score(outcome: str, followers: int, growth: int, params: dict[str, Any]) -> Decimal:
    """Outcome points + min(influence cap, reach), at most 100."""
    reach = min(Decimal(params["influence_cap"]), reach_points(followers, growth, params))
    return q(min(HUNDRED, outcome_points(outcome, params) + reach))


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

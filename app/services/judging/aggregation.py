"""Pure arithmetic of judging: weighted totals, trimmed means, z-score normalisation,
spreads, rankings with tie-breaks, and awards by quota. No database, no I/O.

Numbers are ``Decimal`` throughout so results do not depend on float rounding; shown
figures are rounded to two places with ROUND_HALF_UP.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5  # with this many judges or more, drop the highest and the lowest total
DEFAULT_SPREAD_PERCENT = Decimal("20")
TWO_PLACES = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    """Round to two places, half up (how scores are shown and stored)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_total(scores: Mapping[int, Decimal], weights: Mapping[int, Decimal]) -> Decimal:
    """Σ weight × score over the criteria a judge scored."""
    return sum((weights[c] * Decimal(v) for c, v in scores.items()), Decimal(0))


def max_total(criteria: Iterable[tuple[Decimal, int]]) -> Decimal:
    """The best possible total: Σ weight × maximum, for (weight, max_score) pairs."""
    return sum((Decimal(w) * m for w, m in criteria), Decimal(0))


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    """The mean after dropping one highest and one lowest value when there are five or
    more (the judging rule), else the plain mean; None for no values."""
    ordered = sorted(values)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return mean(ordered)


def _population_sd(values: Sequence[Decimal]) -> Decimal:
    m = mean(values) or Decimal(0)
    return (sum(((v - m) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()


def zscore_normalise(
    totals: Mapping[int, Mapping[int, Decimal]],
) -> dict[int, dict[int, Decimal]]:
    """Per-judge normalisation for lenient or harsh judges.

    ``totals`` is {judge: {entry: total}}. Each judge's totals become z-scores against
    that judge's own mean and (population) standard deviation, then are put back on the
    scale of all totals: M + z × S, where M and S are the mean and standard deviation of
    every total given. A judge whose totals are all equal (or who scored one entry)
    gets z = 0 for each, i.e. M.
    """
    every = [v for by_entry in totals.values() for v in by_entry.values()]
    if not every:
        return {}
    overall_mean, overall_sd = mean(every), _population_sd(every)
    result: dict[int, dict[int, Decimal]] = {}
    for judge, by_entry in totals.items():
        values = list(by_entry.values())
        judge_mean, judge_sd = mean(values), _population_sd(values)
        result[judge] = {
            entry: overall_mean + (((v - judge_mean) / judge_sd) if judge_sd else 0) * overall_sd
            for entry, v in by_entry.items()
        }
    return result


def spread(values: Sequence[Decimal]) -> Decimal:
    """Highest minus lowest total (0 for fewer than two)."""
    return max(values) - min(values) if len(values) > 1 else Decimal(0)


def spread_is_wide(
    values: Sequence[Decimal], best: Decimal, percent: Decimal | None = None
) -> bool:
    """True when the judges' spread exceeds ``percent`` (default 20) of the best total."""
    limit = best * (percent if percent is not None else DEFAULT_SPREAD_PERCENT) / 100
    return best > 0 and spread(values) > limit


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    score: Decimal | None
    tiebreak: Decimal | None
    rank: int | None  # None: not scored yet


def rank_entries(rows: Iterable[tuple[int, Decimal | None, Decimal | None]]) -> list[Ranked]:
    """Rank (entry, score, tiebreak) by score, then the tie-break criterion, both highest
    first. Entries equal on both share a rank and the next rank skips (1, 1, 3).
    Unscored entries come last without a rank; equal ranks list by entry id."""

    def key(row):
        entry_id, score, tiebreak = row
        return (
            score is None,
            -(score or 0),
            tiebreak is None,
            -(tiebreak or 0),
            entry_id,
        )

    ordered = sorted(rows, key=key)
    result: list[Ranked] = []
    previous = None
    for position, (entry_id, score, tiebreak) in enumerate(ordered, start=1):
        if score is None:
            result.append(Ranked(entry_id, None, tiebreak, None))
            continue
        if previous is not None and (previous.score, previous.tiebreak) == (score, tiebreak):
            rank = previous.rank
        else:
            rank = position
        previous = Ranked(entry_id, score, tiebreak, rank)
        result.append(previous)
    return result


def quota_cutoffs(count: int, percents: Sequence[Decimal]) -> list[int]:
    """Cumulative last positions of each band: round_half_up(count × Σpercent / 100)."""
    cutoffs, running = [], Decimal(0)
    for percent in percents:
        running += Decimal(percent)
        cutoffs.append(
            min(count, int((count * running / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        )
    return cutoffs


def quota_awards(
    ranked: Sequence[Ranked], bands: Sequence[tuple[str, Decimal]]
) -> dict[int, str | None]:
    """Awards by quota, e.g. [("first", 10), ("second", 20), ("third", 30)].

    Band sizes come from ``quota_cutoffs`` over the ranked (scored) entries. An entry takes
    the band of its rank, so entries tied at a band's edge all get the higher award.
    Unscored entries and those beyond the last band get None.
    """
    scored = [r for r in ranked if r.rank is not None]
    cutoffs = quota_cutoffs(len(scored), [p for _, p in bands])
    awards: dict[int, str | None] = {r.entry_id: None for r in ranked}
    for row in scored:
        for (award, _), cutoff in zip(bands, cutoffs, strict=True):
            if row.rank <= cutoff:
                awards[row.entry_id] = award
                break
    return awards

"""Aggregation on hand-computed cases (no database)."""

from decimal import Decimal as D

from app.services.judging.aggregation import (
    Ranked,
    max_total,
    q2,
    quota_awards,
    quota_cutoffs,
    rank_entries,
    spread,
    spread_is_wide,
    trimmed_mean,
    weighted_total,
    zscore_normalise,
)


def test_weighted_total_and_best_total():
    # rhythm 30% (max 10) + product 20% (max 10): 0.3×8 + 0.2×5 = 2.4 + 1.0
    assert weighted_total({1: D(8), 2: D(5)}, {1: D("0.3"), 2: D("0.2")}) == D("3.4")
    assert max_total([(D("0.3"), 10), (D("0.2"), 10)]) == D("5.0")


def test_mean_of_fewer_than_five_judges():
    assert trimmed_mean([D(80), D(90)]) == D(85)
    assert q2(trimmed_mean([D(70), D(80), D(95), D(60)])) == D("76.25")  # 305 / 4
    assert trimmed_mean([]) is None


def test_five_or_more_judges_drop_the_highest_and_lowest():
    # 60 and 99 dropped: (70 + 80 + 90) / 3 = 80
    assert trimmed_mean([D(90), D(60), D(80), D(99), D(70)]) == D(80)
    # six judges: drop 50 and 100; (70 + 75 + 80 + 85) / 4 = 77.5
    assert trimmed_mean([D(100), D(50), D(70), D(75), D(80), D(85)]) == D("77.5")
    # only one of two equal extremes goes: [90, 90, 80, 70, 70] → (90 + 80 + 70) / 3 = 80
    assert trimmed_mean([D(90), D(90), D(80), D(70), D(70)]) == D(80)


def test_ties_are_broken_by_the_chosen_criterion_then_shared():
    ranked = rank_entries(
        [
            (1, D(80), D(7)),
            (2, D(85), D(6)),
            (3, D(80), D(9)),  # ties entry 1 on score, wins on the criterion
            (4, D(80), D(7)),  # ties entry 1 on both: same rank
            (5, None, None),  # not scored
            (6, D(70), None),
        ]
    )
    assert [(r.entry_id, r.rank) for r in ranked] == [
        (2, 1),
        (3, 2),
        (1, 3),
        (4, 3),
        (6, 5),
        (5, None),
    ]


def test_zscore_normalisation_evens_out_a_harsh_judge():
    # Judge 1 is lenient (90, 80), judge 2 harsh (60, 50): both prefer entry 10 by 10.
    # All totals: 90 80 60 50 → M = 70, S = sqrt((400+100+100+400)/4) = sqrt(250).
    # Each judge: mean 85 / 55, sd 5 → z = +1 for entry 10, −1 for entry 20.
    out = zscore_normalise({1: {10: D(90), 20: D(80)}, 2: {10: D(60), 20: D(50)}})
    s = D(250).sqrt()
    assert out[1][10] == out[2][10] == D(70) + s
    assert out[1][20] == out[2][20] == D(70) - s
    assert q2(out[1][10]) == D("85.81")  # 70 + 15.811…
    # a judge who scored one entry (sd 0) lands on the overall mean
    assert zscore_normalise({1: {10: D(90)}, 2: {10: D(50)}})[1][10] == D(70)
    assert zscore_normalise({}) == {}


def test_spread_flag():
    assert spread([D(70), D(95), D(80)]) == D(25)
    assert spread([D(70)]) == 0
    assert spread_is_wide([D(70), D(95)], best=D(100))  # 25 > 20% of 100
    assert not spread_is_wide([D(70), D(90)], best=D(100))  # 20 is not more than 20
    assert spread_is_wide([D(70), D(90)], best=D(100), percent=D(15))


def test_quota_cutoffs_round_half_up_on_cumulative_shares():
    # 10 entries, 10/20/30 %: first 1, second 2, third 3 → cut at 1, 3, 6
    assert quota_cutoffs(10, [D(10), D(20), D(30)]) == [1, 3, 6]
    # 7 entries: 0.7 → 1, 2.1 → 2, 4.2 → 4
    assert quota_cutoffs(7, [D(10), D(20), D(30)]) == [1, 2, 4]
    # 5 entries: 0.5 → 1 (half up), 1.5 → 2, 3.0 → 3
    assert quota_cutoffs(5, [D(10), D(20), D(30)]) == [1, 2, 3]
    assert quota_cutoffs(3, [D(50), D(60)]) == [2, 3]  # never beyond the count


def test_quota_awards_by_rank_with_ties_at_a_band_edge():
    bands = [("first", D(10)), ("second", D(20)), ("third", D(30))]
    ranked = [Ranked(n, D(100 - n), None, n) for n in range(1, 11)]
    awards = quota_awards(ranked, bands)
    assert [awards[n] for n in range(1, 11)] == [
        "first",
        "second",
        "second",
        "third",
        "third",
        "third",
        None,
        None,
        None,
        None,
    ]
    # entries 3 and 4 tie at rank 3 (the last second-prize place): both get second
    tied = [
        Ranked(1, D(90), None, 1),
        Ranked(2, D(85), None, 2),
        Ranked(3, D(80), None, 3),
        Ranked(4, D(80), None, 3),
        Ranked(5, D(70), None, 5),
        Ranked(6, None, None, None),
    ]
    # five scored: cut at 1 (0.5→1), 2 (1.5→2), 3 (3.0)
    awards = quota_awards(tied, bands)
    assert awards == {1: "first", 2: "second", 3: "third", 4: "third", 5: None, 6: None}

"""The method of a scheme version in plain words: every rule that decides a score, with
the version's own values, for the scheme page, a student's score page and the PDF report.

Each rule is a msgid with named values, so a page shows it in the reader's language and
the PDF in Chinese and English side by side; the values come from the parameters, so the
text can never drift from what the computation does.
"""

from dataclasses import dataclass
from typing import Any

from app.i18n import N_, gettext, translations_for
from app.schemas.evaluation import AWARDS, LEVELS
from app.services.evaluation.scheme import AWARD_LABELS, LEVEL_LABELS, complete


@dataclass(frozen=True)
class Rule:
    key: str  # an anchor for links (#rule-income)
    title: str  # msgid
    text: str  # msgid with %(name)s values
    values: dict[str, Any]

    def render(self, translate=gettext) -> tuple[str, str]:
        """(title, text) in the active language, or through ``translate``."""
        return translate(self.title), translate(self.text) % self.values


STACKING = {
    "all": N_(
        "Every result in the period counts and their points add up: several awards of one "
        "student add up, and the school and the provincial result of one contest both count."
    ),
    "best_per_contest": N_(
        "Of the results of one contest (one competition in one year, school rounds and "
        "outside results alike) only the one worth most points counts; results of different "
        "contests add up."
    ),
}
PERCENTILE = {
    "cohort": N_(
        "Income is scored within the cohort: score = 100 × (students of the cohort earning "
        "no more than the student) ÷ (all %(base)s students of the cohort). A student "
        "without income scores 0. Students without income count in the denominator, so "
        "they raise the scores of those with income."
    ),
    "earners": N_(
        "Income is scored among the cohort's students with income: score = 100 × (students "
        "with income earning no more than the student) ÷ (students of the cohort with "
        "income). A student without income scores 0 and does not change anyone's score."
    ),
}
THRESHOLDS = N_(
    "Income is scored by fixed thresholds: the highest threshold the student's income "
    "reaches gives the score (%(thresholds)s). Other students do not change it."
)
OUTCOME_DATES = {
    "by_period_end": N_(
        "A graduate outcome counts when it is dated on or before the period's last day, "
        "also when it is dated before the period began."
    ),
    "within_period": N_("A graduate outcome counts only when it is dated within the period."),
}


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def rules(params: dict[str, Any], *, cohort_size: int | None = None) -> list[Rule]:
    """The rules of a scheme version, in the order a score is computed."""
    p = complete(params)
    w = p["weights"]
    participation = p["award_points"]["school"]["participation"]
    thresholds = "; ".join(f"≥ ¥{_yuan(fen)} → {pts}" for fen, pts in p["income_thresholds"])
    income_text = (
        THRESHOLDS if p["income_mode"] == "thresholds" else PERCENTILE[p["percentile_base"]]
    )
    base = cohort_size if cohort_size is not None else "N"
    return [
        Rule("results", N_("Which results count"), STACKING[p["award_stacking"]], {}),
        Rule(
            "participation",
            N_("Participation"),
            N_(
                "A registered entry in a round whose results are published, that won no "
                "prize, is a participation at the round's level (%(points)s points at school "
                "level); an outside result recorded as participation counts the same way. "
                "Withdrawn entries and unpublished rounds never count."
            ),
            {"points": participation},
        ),
        Rule(
            "team-results",
            N_("Team results"),
            N_(
                "A team's award or participation gives its full points to every member of "
                "the team on the day the results were published (joined on or before that "
                "day and not yet left). Points are by level and award, as in the table."
            ),
            {},
        ),
        Rule(
            "competition-cap",
            N_("Competition score and its cap"),
            N_(
                "The counted points of the period are summed and scaled to 0–100 with a cap "
                "of %(cap)s: score = min(points, %(cap)s) × 100 ÷ %(cap)s. The cap is per "
                "evaluation period; a capped score is shown as capped, with the points "
                "before the cap beside it."
            ),
            {"cap": p["competition_cap"]},
        ),
        Rule(
            "income",
            N_("Team income and each member's share"),
            N_(
                "A completed live session's income is split equally among the team members "
                "on the session's date, in whole fen; the fen left over (income mod members) "
                "go one each to the members in order of student number, so the shares add "
                "up exactly to the session's income. A student's income is the sum of their "
                "shares of the period's sessions. Planned and cancelled sessions count for "
                "nothing."
            ),
            {},
        ),
        Rule(
            "income-review",
            N_("Income and the review figures"),
            N_(
                "Only income scores: what the session earned the team (commission or "
                "profit), recorded with its result. GMV and the review (复盘) figures of each "
                "session (GPM = GMV × 1000 ÷ viewers, view-to-order conversion = orders ÷ "
                "viewers, ROI = GMV ÷ paid traffic spend and the others, each with its "
                "formula on the session's page) explain where the income came from and do "
                "not change the score."
            ),
            {},
        ),
        Rule(
            "income-score",
            N_("Income score"),
            income_text,
            {"base": base, "thresholds": thresholds},
        ),
        Rule("outcome", N_("Graduate outcome"), OUTCOME_DATES[p["outcome_dates"]], {}),
        Rule(
            "followers",
            N_("Followers and growth"),
            N_(
                "For every account of the teams the student was a member of during the "
                "period: followers are the last count recorded in the period, growth is that "
                "count minus the first count in the period (an account counted once grows "
                "by 0). Accounts are summed; a negative growth counts as 0."
            ),
            {},
        ),
        Rule(
            "influence",
            N_("Influence score and its caps"),
            N_(
                "Influence = outcome points + min(%(cap)s, %(ff)s × log10(1 + followers) + "
                "%(gf)s × log10(1 + growth)), at most 100."
            ),
            {"cap": p["influence_cap"], "ff": p["follower_factor"], "gf": p["growth_factor"]},
        ),
        Rule(
            "total",
            N_("Total and rounding"),
            N_(
                "Total = (%(w1)s × competitions + %(w2)s × income + %(w3)s × influence) ÷ "
                "100. Each score is rounded half up to two decimals before it is used in the "
                "next step, so the figures shown add up; money stays in whole fen and is "
                "shown in yuan with two decimals, exactly. Students with no records score 0 "
                "and keep their place in the cohort's ranking."
            ),
            {"w1": w["competition"], "w2": w["income"], "w3": w["influence"]},
        ),
    ]


def bilingual_rules(params: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(Chinese title, Chinese text, English title, English text) per rule, for the PDF."""
    chinese = translations_for("zh_CN").gettext
    return [(*rule.render(chinese), *rule.render(lambda m: m)) for rule in rules(params)]


def points_table(params: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """(level msgid, points per award in AWARDS order) rows of a version's points."""
    points = complete(params)["award_points"]
    return [(LEVEL_LABELS[level], [int(points[level][a]) for a in AWARDS]) for level in LEVELS]


AWARD_COLUMNS = [AWARD_LABELS[a] for a in AWARDS]

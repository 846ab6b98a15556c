"""Forms of the evaluation: the period a page shows, an export job, the scheme's
parameters, and one graduate outcome. Whether the cohorts, the snapshot or the student
exist (and may be seen) is the evaluation service's to check."""

from datetime import date
from typing import Any

from pydantic import create_model

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.contests import AwardKind
from app.models.curriculum import CompetitionLevel
from app.models.evaluation import Outcome
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Flag, IdList, OptionalId, Text, yuan_to_fen
from app.schemas.times import LocalDate

DIMENSIONS = ("competition", "income", "influence")
LEVELS = tuple(level.value for level in CompetitionLevel)
AWARDS = tuple(award.value for award in AwardKind)  # lowest first
OUTCOMES = tuple(outcome.value for outcome in Outcome)
FILE_FORMATS = ("csv", "xlsx", "pdf")
INCOME_MODES = ("percentile", "thresholds")  # within the cohort, or by income thresholds
AWARD_STACKING = ("all", "best_per_contest")
PERCENTILE_BASES = ("cohort", "earners")
OUTCOME_DATES = ("by_period_end", "within_period")
MAX_PERIOD_DAYS = 366 * 6
MAX_THRESHOLDS = 20


Points = Count(low=0, high=100, message=N_("Enter a whole number from 0 to 100."))
AwardPoints = Count(low=0, high=1000, message=N_("Enter a whole number from 0 to 1000."))


def _period_problems(start: date, end: date) -> dict[str, Any]:
    if end < start:
        return {"end": _l("The end must not be before the start.")}
    if (end - start).days > MAX_PERIOD_DAYS:
        return {"end": _l("A period can be at most six years long.")}
    return {}


class PeriodForm(FormModel):
    """The period an evaluation page shows, both dates included."""

    start: LocalDate()
    end: LocalDate()

    def field_problems(self) -> dict[str, Any]:
        return _period_problems(self.start, self.end) if self.has("start", "end") else {}


class ComparisonView(FormModel):
    """How much of the overview's cohort comparison to show: the first cohorts (the
    default), or every one (loaded on demand: dozens of cohorts make a page of ~100 KiB)."""

    all_cohorts: Flag() = False


class ExportForm(FormModel):
    """An export job: the chosen cohorts over a period, or a published snapshot."""

    cohort_ids: IdList
    start: LocalDate(required=False)
    end: LocalDate(required=False)
    file_format: Choice(FILE_FORMATS, message=N_("Choose CSV, XLSX or PDF."))
    snapshot_id: OptionalId

    def field_problems(self) -> dict[str, Any]:
        if not self.has("snapshot_id") or self.snapshot_id is not None:
            return {}  # a snapshot keeps its own cohort and period
        problems: dict[str, Any] = {}
        if self.has("cohort_ids") and not self.cohort_ids:
            problems["cohort_ids"] = _l("Choose at least one cohort.")
        for name in ("start", "end"):
            if self.has(name) and getattr(self, name) is None:
                problems[name] = _l("Enter a date.")
        if self.has("start", "end") and self.start and self.end:
            problems.update(_period_problems(self.start, self.end))
        return problems


def read_thresholds(text: str) -> list[list[int]]:
    """'1000=40' lines (or comma-separated) as sorted [minimum income in fen, points];
    ValueError for any line that is not 'income in yuan=points from 0 to 100'."""
    rows = []
    for line in text.replace("，", ",").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        amount, sep, points = line.partition("=")
        points = points.strip()
        if not sep or not (points.isascii() and points.isdigit()) or int(points) > 100:
            raise ValueError(line)
        rows.append([yuan_to_fen(amount), int(points)])
    return sorted(rows)


class _SchemeSettings(FormModel):
    """The scheme's parameters that are not one per dimension, level, award or outcome."""

    competition_cap: Count(low=1, high=10000, message=N_("Enter a whole number from 1 to 10000."))
    income_mode: Choice(INCOME_MODES, message=N_("Choose how income is scaled."))
    income_thresholds: Text(2000)
    follower_factor: Points
    growth_factor: Points
    influence_cap: Points
    award_stacking: Choice(AWARD_STACKING, message=N_("Choose how several results count."))
    percentile_base: Choice(PERCENTILE_BASES, message=N_("Choose whom the percentile counts."))
    outcome_dates: Choice(OUTCOME_DATES, message=N_("Choose which outcomes count."))
    note: Text(500)

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        weights = [f"w_{d}" for d in DIMENSIONS]
        total = sum(getattr(self, name) for name in weights) if self.has(*weights) else 100
        if total != 100:
            problems["weights"] = _l(
                "The three weights must add up to 100 (now %(sum)s).", sum=total
            )
        if not self.has(*(f"p_{level}_{award}" for level in LEVELS for award in AWARDS)):
            problems["award_points"] = _l("Award points must be whole numbers from 0 to 1000.")
        if self.has("income_thresholds"):
            problem = self._thresholds_problem()
            if problem is not None:
                problems["income_thresholds"] = problem
        return problems

    def _thresholds_problem(self) -> Any:
        try:
            thresholds = read_thresholds(self.income_thresholds)
        except ValueError:
            return _l(
                "Write one threshold per line as “income in yuan=points”, e.g. 1000=40 "
                "(points from 0 to 100)."
            )
        if len(thresholds) > MAX_THRESHOLDS:
            return _l("List at most 20 thresholds.")
        if len({fen for fen, _points in thresholds}) != len(thresholds):
            return _l("Each income threshold may appear once.")
        if not thresholds and self.has("income_mode") and self.income_mode == "thresholds":
            return _l("Scaling by thresholds needs at least one threshold.")
        return None

    def params(self) -> dict[str, Any]:
        """The parameters as a scheme version stores them."""
        return {
            "weights": {d: getattr(self, f"w_{d}") for d in DIMENSIONS},
            "award_points": {
                level: {award: getattr(self, f"p_{level}_{award}") for award in AWARDS}
                for level in LEVELS
            },
            "competition_cap": self.competition_cap,
            "income_mode": self.income_mode,
            "income_thresholds": read_thresholds(self.income_thresholds),
            "outcome_points": {o: getattr(self, f"o_{o}") for o in OUTCOMES},
            "follower_factor": self.follower_factor,
            "growth_factor": self.growth_factor,
            "influence_cap": self.influence_cap,
            "award_stacking": self.award_stacking,
            "percentile_base": self.percentile_base,
            "outcome_dates": self.outcome_dates,
        }


# One input per dimension weight (w_competition), per level and award (p_national_gold)
# and per outcome (o_self_employed).
SchemeForm = create_model(
    "SchemeForm",
    __base__=_SchemeSettings,
    __doc__="The evaluation scheme's parameters; saving them adds a version.",
    __module__=__name__,
    **{f"w_{d}": (Count(low=0, high=100), ...) for d in DIMENSIONS},
    **{
        f"p_{level}_{award}": (Count(low=0, high=1000), ...) for level in LEVELS for award in AWARDS
    },
    **{f"o_{o}": (Count(low=0, high=100), ...) for o in OUTCOMES},
)


class OutcomeForm(FormModel):
    """One graduate's outcome, found by student number."""

    student_number: Text(32)
    outcome: Choice(Outcome, message=N_("Choose an outcome."))
    organisation: Text(200)
    outcome_on: LocalDate(not_future=True)
    note: Text(500)

    def field_problems(self) -> dict[str, Any]:
        if self.has("student_number") and not self.student_number:
            return {"student_number": _l("Enter the student number.")}
        return {}

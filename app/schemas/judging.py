"""Forms of judging: a round's rubric and options, judges, awards by quota or by hand,
reopening, and the score sheets judges and examiners fill in (one input per criterion)."""

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Protocol

from pydantic import BeforeValidator, model_validator

from app.errors import FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.contests import AwardKind
from app.schemas.base import MAX_VALUE_CHARS, FormModel, FormValues
from app.schemas.contests import NamesForm, WordedForm
from app.schemas.fields import (
    MAX_LIST,
    MAX_ROW_ID,
    Choice,
    Count,
    Flag,
    Id,
    Number,
    OptionalCount,
    OptionalId,
    Text,
    field_error,
    parse_decimal,
)
from app.schemas.times import LocalDate

MAX_SCORE = 1000  # the highest maximum a criterion may have
QUOTA_AWARDS = ("first", "second", "third")  # the bands of the quota form, best first
SCORE_INPUT = re.compile(r"c([1-9][0-9]{0,9})")  # c<criterion id>


class CriterionForm(NamesForm):
    """A rubric criterion of a round or of a practical exam; the weight is 1 when blank."""

    missing: ClassVar[dict[str, str]] = {"name_zh": N_("Enter the criterion's name.")}
    weight: Number(low="0.01", high=100, places=2, required=False) = None
    max_score: Count(low=1, high=MAX_SCORE)

    def columns(self) -> dict[str, Any]:
        """The criterion's columns (judging and exams store the same ones)."""
        return {
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "weight": Decimal(1) if self.weight is None else self.weight,
            "max_score": self.max_score,
        }


class OptionsForm(FormModel):
    """Tie-break criterion, z-score normalisation, spread threshold, cap and date."""

    normalise: Flag() = False
    tiebreak: OptionalId = None
    advance_cap: OptionalCount(high=1000) = None
    spread_percent: Number(low=1, high=100, places=2, required=False) = None
    held_on: LocalDate(required=False) = None


class AssignmentForm(FormModel):
    entry_id: Id
    judge_id: Id


Share = Number(low=0, high=100, places=2, required=False)


class QuotaForm(FormModel):
    """Percent of the ranked entries that get each award, best first."""

    q_first: Share = None
    q_second: Share = None
    q_third: Share = None

    def bands(self) -> list[tuple[str, Decimal]]:
        """(award, percent) for each award given a share."""
        shares = ((award, getattr(self, f"q_{award}")) for award in QUOTA_AWARDS)
        return [(award, share) for award, share in shares if share]

    def field_problems(self) -> dict[str, Any]:
        if not self.has(*(f"q_{award}" for award in QUOTA_AWARDS)):
            return {}
        bands = self.bands()
        if sum(share for _award, share in bands) > 100:
            return {"q_third": _l("The shares add up to more than one hundred percent.")}
        if not bands:
            return {"q_first": _l("Give at least one award a share.")}
        return {}


class AwardForm(FormModel):
    """An entry's award set by hand (blank: none); after publication with a reason."""

    award: Choice(AwardKind, required=False, message=N_("Choose an award from the list.")) = None
    reason: Text(500) = ""


class ReopenForm(WordedForm):
    missing: ClassVar[dict[str, str]] = {"reopen_reason": N_("Say why the results are reopened.")}
    reopen_reason: Text(500)


class PublishForm(FormModel):
    """Publishing a round's results: with every score in, or on purpose without them
    (``anyway``, with the reason recorded in the round's audit)."""

    anyway: Flag() = False
    publish_reason: Text(500) = ""

    def field_problems(self) -> dict[str, Any]:
        if self.has("anyway", "publish_reason") and self.anyway and not self.publish_reason:
            return {"publish_reason": _l("Say why the results are published with scores missing.")}
        return {}


class RecuseForm(WordedForm):
    missing: ClassVar[dict[str, str]] = {
        "reason": N_("Say why you step back from judging this entry.")
    }
    reason: Text(500)


# --- score sheets ----------------------------------------------------------------------------


class Criterion(Protocol):
    id: int | None
    max_score: int


def _score_inputs(value: Any) -> dict[int, str]:
    if not isinstance(value, Mapping) or len(value) > MAX_LIST:
        raise field_error("Check this field.")
    return {int(key): str(text) for key, text in value.items()}


def _score_keys(form: Any) -> list[str]:
    keys = form.keys() if hasattr(form, "keys") else []
    return [key for key in keys if SCORE_INPUT.fullmatch(key)][:MAX_LIST]


class ScoresForm(FormModel):
    """The scores sent for a rubric, by criterion id (inputs ``c<criterion id>``): a blank
    input clears its score, a criterion not sent is left alone. Each value is checked
    against its criterion's maximum by ``scores_for``, as only the rubric knows it."""

    scores: Annotated[dict[int, str], BeforeValidator(_score_inputs)] = {}

    @model_validator(mode="before")
    @classmethod
    def _gather_scores(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or "scores" in data:
            return data
        sent = {}
        for key in _score_keys(data):
            number = int(SCORE_INPUT.fullmatch(key).group(1))
            if number <= MAX_ROW_ID:
                sent[number] = data[key] if isinstance(data[key], str) else ""
        return {**data, "scores": sent}

    @classmethod
    def read(cls, form: Any) -> FormValues:
        values = super().read(form)
        for key in _score_keys(form):
            sent = form.getlist(key) if hasattr(form, "getlist") else [form.get(key)]
            texts = [text for text in sent if isinstance(text, str)]
            if texts:
                values[key] = texts[-1][:MAX_VALUE_CHARS]
        return values

    def scores_for(self, rubric: Iterable[Criterion]) -> dict[int, Decimal | None]:
        """{criterion id: score, or None to clear it} for the criteria sent, or FormErrors
        beside each input whose score is not from 0 to its criterion's maximum."""
        values: dict[int, Decimal | None] = {}
        errors: dict[str, Any] = {}
        for criterion in rubric:
            text = self.scores.get(criterion.id)
            if text is None:
                continue
            if not text.strip():
                values[criterion.id] = None
                continue
            try:
                values[criterion.id] = parse_decimal(
                    text, low=Decimal(0), high=Decimal(criterion.max_score), places=2
                )
            except ValueError:
                errors[f"c{criterion.id}"] = _l(
                    "Enter a score from 0 to %(max)s (at most two decimal places).",
                    max=criterion.max_score,
                )
        if errors:
            raise FormErrors(errors)
        return values


class ScoreSheetForm(ScoresForm):
    """A judge's score sheet: the scores and a note for the organiser (None: not sent)."""

    note: Text(5000) = None

"""The rubric forms judging and certificate exams share (app/schemas/judging.py)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from app.errors import FormErrors
from app.schemas.judging import CriterionForm, ScoresForm
from app.services.certificates import exams as exam_service
from tests.factories import make_admin
from tests.factories_contests import make_exam
from tests.factories_curriculum import make_certificate


@dataclass
class Criterion:
    id: int
    max_score: int


def _errors(form, data: dict) -> dict:
    with pytest.raises(FormErrors) as caught:
        form.parse(data)
    return {name: str(message) for name, message in caught.value.errors.items()}


def test_each_bad_criterion_field_gets_its_own_message():
    errors = _errors(CriterionForm, {"name_en": "x" * 101, "weight": "0", "max_score": ""})
    assert set(errors) == {"name_zh", "name_en", "weight", "max_score"}
    assert errors["name_zh"] == "Enter the criterion's name."
    assert errors["name_en"] == "Use at most 100 characters."
    assert errors["max_score"] == "Enter a number."
    assert _errors(CriterionForm, {"name_zh": "节奏" * 51, "max_score": "10"}) == {
        "name_zh": "Use at most 100 characters."
    }
    assert set(_errors(CriterionForm, {"name_zh": "节奏", "max_score": "2147483648"})) == {
        "max_score"
    }


def test_a_criterion_weighs_one_unless_told_otherwise():
    form = CriterionForm.parse({"name_zh": " 节奏 ", "weight": "", "max_score": "60"})
    assert form.columns() == {
        "name_zh": "节奏",
        "name_en": "",
        "weight": Decimal("1"),
        "max_score": 60,
    }


def test_a_score_sheet_clears_blanks_keeps_unsent_fields_and_checks_maximums():
    rubric = [Criterion(1, 60), Criterion(2, 40), Criterion(3, 10)]
    form = ScoresForm.parse({"c1": "55.5", "c2": " ", "note": "x"})
    assert form.scores_for(rubric) == {1: Decimal("55.5"), 2: None}

    with pytest.raises(FormErrors) as caught:
        ScoresForm.parse({"c1": "61", "c3": "abc", "c4": "1e308"}).scores_for(rubric)
    errors = {name: str(message) for name, message in caught.value.errors.items()}
    assert errors == {
        "c1": "Enter a score from 0 to 60 (at most two decimal places).",
        "c3": "Enter a score from 0 to 10 (at most two decimal places).",
    }  # c4 names no criterion of the rubric: ignored


def test_a_score_input_past_any_row_id_is_ignored():
    form = ScoresForm.parse({"c2147483648": "5", "c99999999999": "5", "c1": "5"})
    assert form.scores == {1: "5"}


def test_exam_rubrics_follow_the_same_rules_as_contest_rubrics(session):
    cert = make_certificate(session, hours={5: 0})
    exam = make_exam(session, actor=make_admin(session), certificate=cert)
    criterion = exam_service.add_criterion(
        session,
        exam_id=exam.id,
        form=CriterionForm.parse({"name_zh": "节奏", "weight": "2.5", "max_score": "40"}),
    )
    assert (criterion.weight, criterion.max_score, criterion.sort_order) == (
        Decimal("2.5"),
        40,
        1,
    )

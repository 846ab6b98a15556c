"""The rubric rules judging and certificate exams share (app/services/rubrics.py)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from app.errors import FormErrors
from app.services.certificates import exams as exam_service
from app.services.judging import rubrics
from tests.factories import make_admin
from tests.factories_curriculum import make_certificate


@dataclass
class Criterion:
    id: int
    max_score: int


def _errors(**fields) -> dict:
    values = {"name_zh": "", "name_en": "", "weight": "", "max_score": ""} | fields
    with pytest.raises(FormErrors) as caught:
        rubrics.criterion_fields(**values)
    return {name: str(message) for name, message in caught.value.errors.items()}


def test_each_bad_criterion_field_gets_its_own_message():
    errors = _errors(name_en="x" * 101, weight="0", max_score="")
    assert set(errors) == {"name_zh", "name_en", "weight", "max_score"}
    assert errors["name_zh"] == "Enter the criterion's name."
    assert errors["max_score"] == "Enter the maximum score."
    assert _errors(name_zh="节奏" * 51, max_score="10") == {
        "name_zh": "Keep the name under 100 characters."
    }


def test_a_criterion_weighs_one_unless_told_otherwise():
    fields = rubrics.criterion_fields(name_zh=" 节奏 ", name_en="", weight="", max_score="60")
    assert fields == rubrics.CriterionFields("节奏", "", Decimal("1"), 60)


def test_a_score_sheet_clears_blanks_keeps_unsent_fields_and_checks_maximums():
    rubric = [Criterion(1, 60), Criterion(2, 40), Criterion(3, 10)]
    errors: dict = {}
    values = rubrics.read_score_sheet(rubric, {"c1": "55.5", "c2": " "}, errors)
    assert values == {1: Decimal("55.5"), 2: None} and errors == {}

    values = rubrics.read_score_sheet(rubric, {"c1": "61", "c3": "abc"}, errors)
    assert values == {}
    assert str(errors["c1"]) == "Enter a score from 0 to 60 (at most two decimal places)."
    assert str(errors["c3"]) == "Enter a score from 0 to 10 (at most two decimal places)."


def test_exam_rubrics_follow_the_same_rules_as_contest_rubrics(session):
    cert = make_certificate(session, hours={5: 0})
    exam = exam_service.create_exam(
        session,
        actor=make_admin(session),
        form={
            "certificate_type_id": str(cert.id),
            "level": "5",
            "title": "直播销售实操",
            "held_on": "2026-06-01",
            "pass_mark": "60",
        },
    )
    with pytest.raises(FormErrors) as caught:
        exam_service.add_criterion(
            session, exam_id=exam.id, form={"name_zh": "节奏", "name_en": "x" * 101}
        )
    assert {name: str(m) for name, m in caught.value.errors.items()} == {
        "name_en": "Keep the name under 100 characters.",
        "max_score": "Enter the maximum score.",
    }

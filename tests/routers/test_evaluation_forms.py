"""Out-of-range input to the evaluation's forms (period, export, scheme, outcome): 422 with
the message beside the field, nothing written."""

import pytest
from sqlmodel import select

from app.models.evaluation import EvaluationScheme, EvaluationSnapshot, ExportJob, GraduateOutcome
from app.services.evaluation import scheme as evaluation_scheme
from tests.factories import make_admin, make_cohort, make_student
from tests.factories_evaluation import PERIOD

HUGE_ID = "2147483648"
HUGE = "100000000000000000000000"  # 10^23


@pytest.fixture
def admin(client, session):
    user = make_admin(session)
    session.commit()
    client.login_as(user)
    return user


@pytest.mark.parametrize(
    ("query", "field"),
    [("start=9999-12-31&end=9999-12-31", "start"), ("start=2026-01-01&end=0000-00-00", "end")],
)
def test_a_period_out_of_range_is_shown_beside_its_field(client, admin, query, field):
    response = client.get(f"/evaluation?{query}")
    assert response.status_code == 422
    assert f'id="p-{field}-error"' in response.text


def test_publishing_with_an_impossible_period_publishes_nothing(client, session, admin):
    cohort = make_cohort(session)
    session.commit()
    response = client.post_form(
        f"/evaluation/cohorts/{cohort.id}/publish", {"start": "0000-00-00", "end": "9999-12-31"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/evaluation/cohorts/{cohort.id}"
    assert session.exec(select(EvaluationSnapshot)).first() is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cohort_ids": [HUGE_ID]}, "cohort_ids"),
        ({"start": "0000-00-00"}, "start"),
        ({"end": "9999-12-31"}, "end"),
        ({"file_format": "exe"}, "file_format"),
        ({"snapshot_id": "9223372036854775808"}, "snapshot_id"),
    ],
)
def test_an_export_out_of_range_is_refused_beside_its_field(client, session, admin, changes, field):
    cohort = make_cohort(session)
    session.commit()
    form = {
        "cohort_ids": [str(cohort.id)],
        "start": str(PERIOD.start),
        "end": str(PERIOD.end),
        "file_format": "csv",
        **changes,
    }
    response = client.post_form("/jobs", form)
    assert response.status_code == 422
    assert f'id="x-{field}-error"' in response.text
    assert session.exec(select(ExportJob)).first() is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"w_competition": HUGE}, "w_competition"),
        ({"p_national_gold": "-1"}, "award_points"),
        ({"income_mode": "thresholds", "income_thresholds": "1e308=40"}, "income_thresholds"),
        ({"income_thresholds": "99999999999999=40"}, "income_thresholds"),
        ({"note": "x\u202e"}, "note"),
    ],
)
def test_a_scheme_out_of_range_is_refused_beside_its_field(client, session, admin, changes, field):
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    response = client.post_form("/evaluation/scheme", {**values, **changes})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert session.exec(select(EvaluationScheme)).first() is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome_on": "9999-12-31"}, "outcome_on"),
        ({"outcome_on": "0000-00-00"}, "outcome_on"),
        ({"outcome": "astronaut"}, "outcome"),
        ({"organisation": "星火\x00工作室"}, "organisation"),
    ],
)
def test_an_outcome_out_of_range_is_refused_beside_its_field(
    client, session, admin, changes, field
):
    student = make_student(session, cohort=make_cohort(session))
    session.commit()
    form = {
        "student_number": f"S{student.id:08d}",
        "outcome": "self_employed",
        "outcome_on": "2026-06-30",
        **changes,
    }
    response = client.post_form("/outcomes", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert session.exec(select(GraduateOutcome)).first() is None

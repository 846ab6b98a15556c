"""The scheme states every rule that decides a score, a version keeps its rules, a change
can be previewed before it is saved, and participation shows where it is scored."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from app.models.evaluation import EvaluationScheme
from app.services import clock
from app.services.evaluation import scheme as evaluation_scheme
from app.web import yuan
from tests.factories import make_admin, make_cohort, make_student, make_teacher
from tests.factories_contests import make_entry, make_round
from tests.factories_teams import make_live_session, make_project, make_team

# Each rule the issue names, by a phrase the scheme page must show.
RULES = {
    "whether several awards add up": "several awards of one student add up",
    "school and provincial of one contest": "the school and the provincial result of one contest",
    "team awards shared": "gives its full points to every member",
    "team income shared": "split equally among the team members",
    "which members count": "joined on or before that day and not yet left",
    "follower growth": "growth is that count minus the first count in the period",
    "caps per period and dimension": "The cap is per evaluation period",
    "capped values shown": "shown as capped, with the points before the cap",
    "outcomes before the period": "also when it is dated before the period began",
    "normalisation": "Students without income count in the denominator",
    "rounding": "rounded half up to two decimals",
    "participation": "that won no prize, is a participation",
}


@pytest.fixture
def admin(client, session):
    user = make_admin(session, locale="en")
    session.commit()
    client.login_as(user)
    return user


def test_the_scheme_page_states_every_rule_with_the_versions_values(client, admin):
    page = client.get("/evaluation/scheme")
    assert page.status_code == 200
    missing = [name for name, phrase in RULES.items() if phrase not in page.text]
    assert not missing, missing
    assert "min(points, 100) × 100 ÷ 100" in page.text  # the cap's value, not a placeholder
    assert "Total = (40 × competitions + 35 × income + 25 × influence) ÷ 100" in page.text


def test_a_saved_rule_changes_the_method_and_the_version_page_keeps_it(client, session, admin):
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    changed = {**values, "award_stacking": "best_per_contest", "percentile_base": "earners"}
    assert client.post_form("/evaluation/scheme", changed).status_code == 303
    page = client.get("/evaluation/scheme")
    assert "only the one worth most points counts" in page.text
    assert "scores 0 and does not change anyone" in page.text
    version = session.exec(select(EvaluationScheme)).one()
    assert version.params["award_stacking"] == "best_per_contest"
    kept = client.get(f"/evaluation/scheme/versions/{version.id}")
    assert "Only the best result of each contest" in kept.text
    assert "only the one worth most points counts" in kept.text


def test_a_version_saved_before_the_rules_existed_reads_as_it_computed(session):
    old = {k: v for k, v in evaluation_scheme.default_params().items()}
    for rule in evaluation_scheme.RULE_DEFAULTS:
        old.pop(rule)
    assert evaluation_scheme.complete(old)["award_stacking"] == "all"
    assert evaluation_scheme.complete(old)["percentile_base"] == "cohort"
    assert evaluation_scheme.complete(old)["outcome_dates"] == "by_period_end"


def _world(session):
    """Two students with income in one cohort, one without; this academic year."""
    cohort = make_cohort(session)
    rich, poor, idle = (make_student(session, cohort=cohort) for _ in range(3))
    team = make_team(session, members=[(rich, "anchor")])
    other = make_team(session, members=[(poor, "anchor")])
    on = clock.today() - timedelta(days=1)
    make_live_session(session, team, make_project(session, team), on=on, income_fen=90000)
    make_live_session(session, other, make_project(session, other), on=on, income_fen=10000)
    session.commit()
    return cohort, rich, poor, idle


def test_a_preview_shows_how_totals_would_change_and_saves_nothing(client, session, admin):
    _cohort, rich, poor, _idle = _world(session)
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    # percentile among earners: poor goes from 2 of 3 (66.67) to 1 of 2 (50.00)
    proposed = {**values, "percentile_base": "earners"}
    page = client.post_form("/evaluation/scheme/preview", proposed)
    assert page.status_code == 200
    assert 'id="scheme-preview"' in page.text
    assert "1 of 3 students would get another total or rank" in page.text
    # income 35 %: 35 × 66.67 / 100 = 23.33 now, 35 × 50 / 100 = 17.50 then
    assert "23.33" in page.text and "17.50" in page.text and "-5.83" in page.text
    assert f'href="/evaluation/students/{poor.id}"' in page.text
    assert f'href="/evaluation/students/{rich.id}"' not in page.text  # unchanged
    assert 'value="earners" selected' in page.text  # the form keeps what was typed
    assert session.exec(select(func.count()).select_from(EvaluationScheme)).one() == 0


def test_a_preview_with_bad_input_says_so_beside_the_field(client, session, admin):
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    page = client.post_form("/evaluation/scheme/preview", {**values, "w_income": "1e308"})
    assert page.status_code == 422
    assert 'id="w_income-error"' in page.text
    assert 'id="scheme-preview"' not in page.text


def test_only_administrators_preview(client, session):
    teacher = make_teacher(session)
    session.commit()
    client.login_as(teacher)
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    assert client.post_form("/evaluation/scheme/preview", values).status_code == 403


def test_participation_in_a_published_round_is_scored_and_shown(client, session, admin):
    student = make_student(session, cohort=make_cohort(session))
    team = make_team(session, members=[(student, "anchor")])
    day = clock.today() - timedelta(days=3)
    published = make_round(
        session,
        level="school",
        published_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
        results_on=day,
    )
    make_entry(session, round_=published, team=team, award=None)
    session.commit()
    page = client.get(f"/evaluation/students/{student.id}")
    assert page.status_code == 200
    assert "No competition participation or award" not in page.text
    assert "Participation" in page.text
    assert "Points of the counted results: 2 = 2." in page.text
    assert "Score = min(2, 100) × 100 ÷ 100 = 2.00." in page.text


@pytest.mark.parametrize(
    ("fen", "shown"),
    [(2078076, "¥20,780.76"), (1, "¥0.01"), (0, "¥0.00"), (-250, "¥-2.50"), (None, "¥0.00")],
)
def test_yuan_are_shown_exactly_from_whole_fen(fen, shown):
    assert yuan(fen) == shown


def test_the_method_is_in_the_readers_language(client, session):
    reader = make_admin(session, locale="zh_CN")
    session.commit()
    client.login_as(reader)
    page = client.get("/evaluation/scheme")
    assert "本期内所有成绩均计入且积分累加" in page.text
    assert "Every result in the period counts" not in page.text


def test_the_pdf_report_states_the_method_in_chinese_and_english(session, tmp_path):
    import shutil
    import subprocess

    from app.exports import evaluation as export
    from app.services.evaluation import compute

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    cohort = make_cohort(session)
    make_student(session, cohort=cohort)
    session.commit()
    result = compute.evaluate(
        session,
        cohort_ids=[cohort.id],
        period=compute.Period(clock.today() - timedelta(days=30), clock.today()),
        params=evaluation_scheme.default_params(),
        scheme_version=1,
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(export.evaluation_pdf(result))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = "".join(text.split())
    assert "计算方法Method" in flat
    assert "按学号顺序每人一分" in flat  # the leftover-fen rule, in Chinese
    assert "inorderofstudentnumber" in flat  # and in English

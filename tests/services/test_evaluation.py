"""The evaluation against a world whose every score is computed by hand
(tests/factories_evaluation.py: HAND): the service, the CSV and the XLSX agree exactly."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from app.errors import FormErrors
from app.exports import evaluation as export
from app.exports import looks_like_formula, neutralise
from app.models.evaluation import EvaluationSnapshot, EvaluationSnapshotRow, GraduateOutcome
from app.models.teams import Project
from app.schemas.evaluation import SchemeForm
from app.services.evaluation import compute as evaluation
from app.services.evaluation import scheme as evaluation_scheme
from app.services.evaluation import snapshots as evaluation_snapshots
from tests.factories import make_admin
from tests.factories_evaluation import HAND, HAND_COHORT_A, HAND_TEAMS, PERIOD, make_world
from tests.factories_teams import make_live_session

FIELDS = (
    "award_points",
    "awards",
    "participations",
    "competition",
    "sessions",
    "income_fen",
    "income",
    "followers",
    "growth",
    "influence",
    "total",
    "rank",
)


@pytest.fixture
def world(session):
    world = make_world(session)
    session.commit()
    return world


def _evaluate(session, world, params=None, version=1):
    return evaluation.evaluate(
        session,
        cohort_ids=[world["cohort_a"].id, world["cohort_b"].id],
        period=PERIOD,
        params=params or evaluation_scheme.default_params(),
        scheme_version=version,
    )


def test_every_score_matches_the_hand_computation(session, world):
    result = _evaluate(session, world)
    by_id = {s.student_id: s for s in result.students}
    for key, expected in HAND.items():
        score = by_id[world[key].id]
        for name in FIELDS:
            assert getattr(score, name) == expected[name], (key, name)
    cohort_a = next(c for c in result.cohorts if c.cohort_id == world["cohort_a"].id)
    assert cohort_a.means == HAND_COHORT_A["means"]
    for name in (
        "awards",
        "participations",
        "sessions",
        "income_fen",
        "outcomes_recorded",
        "self_employed",
        "self_employed_share",
    ):
        assert getattr(cohort_a, name) == HAND_COHORT_A[name], name
    teams = {t.team_id: t for t in result.teams}
    for key, expected in HAND_TEAMS.items():
        for name, value in expected.items():
            assert getattr(teams[world[key].id], name) == value, (key, name)


def test_the_csv_carries_the_hand_figures_and_neutralises_user_text(session, world):
    result = _evaluate(session, world)
    content = export.evaluation_csv(result)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in header}
    by_name = {row[col["姓名 Name"]]: row for row in body}
    for key, expected in HAND.items():
        row = by_name[neutralise(world[key].full_name)]
        assert Decimal(row[col["维度一 竞赛 Competitions"]]) == expected["competition"]
        assert Decimal(row[col["维度二 收入 Income"]]) == expected["income"]
        assert Decimal(row[col["维度三 创业与影响力 Influence"]]) == expected["influence"]
        assert Decimal(row[col["总分 Total"]]) == expected["total"]
        assert Decimal(row[col["收入(元) Income (yuan)"]]) == Decimal(expected["income_fen"]) / 100
        assert row[col["方案版本 Scheme version"]] == "1"
    cells = [cell for row in body for cell in row]
    for dangerous in (
        '=HYPERLINK("http://evil.example")',
        "-2+3 李二",
        "@赵四",
        "+SUM(1) 星火",
        "=cmd|' /C calc'!A0",
        "@温州好物工作室",
    ):
        assert not any(cell.startswith(dangerous) for cell in cells), dangerous
        assert any(cell.startswith("'" + dangerous) for cell in cells), dangerous
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_xlsx_carries_the_hand_figures_and_no_formula(session, world):
    result = _evaluate(session, world)
    book = load_workbook(io.BytesIO(export.evaluation_xlsx(result)))
    assert book.sheetnames == [
        "汇总 Summary",
        "学生 Students",
        "团队 Teams",
        "竞赛 Competitions",
        "收入 Income",
        "去向 Outcomes",
        "方案 Scheme",
    ]
    students = list(book["学生 Students"].iter_rows(values_only=True))
    header = students[0]
    by_name = {row[2]: row for row in students[1:]}
    for key, expected in HAND.items():
        row = by_name[world[key].full_name]  # as typed: no apostrophe in XLSX
        for dimension, heading in (
            ("competition", "维度一 竞赛 Competitions"),
            ("income", "维度二 收入 Income"),
            ("influence", "维度三 创业与影响力 Influence"),
            ("total", "总分 Total"),
        ):
            assert Decimal(str(row[header.index(heading)])) == expected[dimension], (key, dimension)
        assert row[header.index("班级排名 Rank in cohort")] == expected["rank"]
    income = {r[2]: r for r in book["收入 Income"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(income["王一"][4])) == Decimal("550.01")
    teams = {r[1]: r for r in book["团队 Teams"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(teams["+SUM(1) 星火"][7])) == HAND_TEAMS["t1"]["mean_total"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and looks_like_formula(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)


def test_the_period_filter_leaves_out_what_falls_outside(session, world):
    result = evaluation.evaluate(
        session,
        cohort_ids=[world["cohort_a"].id],
        period=evaluation.Period(PERIOD.start, PERIOD.start.replace(day=25)),
        params=evaluation_scheme.default_params(),
        scheme_version=1,
    )
    s1 = next(s for s in result.students if s.student_id == world["s1"].id)
    # 1–25 Sep: only the 10 Sep session (15000) and the 20 Sep participation (2 points)
    assert (s1.income_fen, s1.sessions, s1.award_points) == (15000, 1, 2)
    assert s1.outcome == ""  # recorded in January: not yet known on 25 Sep


def test_thresholds_scale_income_by_the_scheme(session, world):
    params = evaluation_scheme.default_params()
    params["income_mode"] = "thresholds"
    params["income_thresholds"] = [[1, 20], [45000, 50], [55000, 90]]
    result = _evaluate(session, world, params)
    income = {s.student_id: s.income for s in result.students}
    assert income[world["s1"].id] == Decimal("90.00")  # 55000 ≥ 55000
    assert income[world["s2"].id] == Decimal("50.00")  # 45000 ≥ 45000
    assert income[world["s3"].id] == Decimal("20.00")  # 40000 ≥ 1


def test_saving_a_scheme_adds_a_version_and_changes_no_stored_record(session, world):
    admin = make_admin(session)
    session.commit()
    before = [(o.id, o.outcome, o.outcome_on) for o in session.exec(select(GraduateOutcome))]
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    values.update(w_competition="50", w_income="25", w_influence="25")
    scheme = evaluation_scheme.save_scheme(session, actor=admin, form=SchemeForm.parse(values))
    session.commit()
    assert scheme.version == 1  # no version stored before: this is the first
    values["w_competition"] = "60"
    with pytest.raises(FormErrors) as caught:
        evaluation_scheme.save_scheme(session, actor=admin, form=SchemeForm.parse(values))
    assert "weights" in caught.value.errors  # 60 + 25 + 25 ≠ 100
    session.rollback()
    after = [(o.id, o.outcome, o.outcome_on) for o in session.exec(select(GraduateOutcome))]
    assert before == after
    result = _evaluate(session, world, scheme.params, scheme.version)
    s1 = next(s for s in result.students if s.student_id == world["s1"].id)
    assert s1.total == Decimal("68.50")  # (50×46 + 25×100 + 25×82) / 100 = 6850 / 100


def test_a_snapshot_is_frozen_reproducible_and_comparable(session, world):
    admin = make_admin(session)
    session.commit()
    first = evaluation_snapshots.publish(
        session, actor=admin, cohort_id=world["cohort_a"].id, period=PERIOD
    )
    session.commit()
    frozen = evaluation_snapshots.snapshot_evaluation(session, first)
    csv_before = export.evaluation_csv(frozen)
    assert {s.student_id: s.total for s in frozen.students} == {
        world[k].id: HAND[k]["total"] for k in ("s1", "s2", "s3")
    }
    # new records and a new scheme change the live scores, never the snapshot
    project = session.exec(select(Project).where(Project.team_id == world["t1"].id)).one()
    make_live_session(
        session, world["t1"], project, on=PERIOD.start.replace(day=25), income_fen=900000
    )
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    values.update(w_competition="20", w_income="60", w_influence="20")
    evaluation_scheme.save_scheme(session, actor=admin, form=SchemeForm.parse(values))
    session.commit()
    again = evaluation_snapshots.snapshot_evaluation(
        session, session.get(EvaluationSnapshot, first.id)
    )
    assert export.evaluation_csv(again) == csv_before  # byte for byte
    xlsx_a = load_workbook(io.BytesIO(export.evaluation_xlsx(frozen)))
    xlsx_b = load_workbook(io.BytesIO(export.evaluation_xlsx(again)))
    for name in xlsx_a.sheetnames:
        assert list(xlsx_a[name].values) == list(xlsx_b[name].values)
    second = evaluation_snapshots.publish(
        session, actor=admin, cohort_id=world["cohort_a"].id, period=PERIOD
    )
    session.commit()
    assert (second.number, second.scheme_version) == (2, 2)
    comparison = evaluation_snapshots.compare(
        session, user=admin, before_id=first.id, after_id=second.id
    )
    assert {row.student_id for row in comparison.changed} == {
        world["s1"].id,
        world["s2"].id,
        world["s3"].id,
    }
    assert ("scheme_version", 1, 2) in comparison.summary_changes
    rows = session.exec(
        select(EvaluationSnapshotRow).where(EvaluationSnapshotRow.snapshot_id == first.id)
    ).all()
    assert sorted(r.total_c for r in rows) == [2517, 7390, 8008]

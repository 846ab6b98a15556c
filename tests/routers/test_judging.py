"""Judging over HTTP: the organiser's pages, a judge's score sheet, and a judge who cannot
read or score an entry not assigned to them by any route (GET and POST, nothing written)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from app.models.contests import JudgeAssignment, Score
from tests.factories import make_admin, make_mentor, make_student, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_criterion,
    make_edition,
    make_entry,
    make_round,
    make_track,
    score,
)
from tests.factories_teams import make_pairing, make_team


@pytest.fixture
def world(session):
    admin = make_admin(session)
    judge_a, judge_b = make_teacher(session), make_teacher(session)
    outsider = make_mentor(session, full_name="外部导师")
    student = make_student(session)
    edition = make_edition(session)
    round_ = make_round(session, edition=edition)
    track = make_track(session, edition=edition)
    team_a = make_team(session, name="甲队", members=[(student, "anchor")])
    team_b = make_team(session, name="乙队", members=[(make_student(session), "anchor")])
    entry_a = make_entry(session, round_=round_, team=team_a, track=track)
    entry_b = make_entry(session, round_=round_, team=team_b, track=track)
    rhythm = make_criterion(session, round_=round_, name_zh="节奏", max_score=30)
    product = make_criterion(session, round_=round_, name_zh="产品", max_score=20)
    mine = make_assignment(session, entry=entry_a, judge=judge_a)
    theirs = make_assignment(session, entry=entry_b, judge=judge_b)
    session.commit()
    return dict(
        admin=admin,
        judge_a=judge_a,
        judge_b=judge_b,
        outsider=outsider,
        student=student,
        round=round_,
        entry_a=entry_a,
        entry_b=entry_b,
        rhythm=rhythm,
        product=product,
        mine=mine,
        theirs=theirs,
        team_a=team_a,
    )


def _rows(session) -> int:
    return sum(
        session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
        if t.name not in ("user_session",)
    )


def test_a_judge_scores_their_entry_and_maxima_are_enforced(client, world, session):
    client.login_as(world["judge_a"])
    page = client.get("/judging")
    assert page.status_code == 200 and "甲队" in page.text and "乙队" not in page.text
    sheet = client.get(f"/judging/{world['mine'].id}")
    assert sheet.status_code == 200 and "节奏" in sheet.text
    rhythm, product = f"c{world['rhythm'].id}", f"c{world['product'].id}"
    bad = client.post_form(
        f"/judging/{world['mine'].id}/scores",
        {rhythm: "31", product: "15"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and f'id="{rhythm}-error"' in bad.text
    assert session.exec(select(func.count()).select_from(Score)).one()[0] == 0
    ok = client.post_form(
        f"/judging/{world['mine'].id}/scores",
        {rhythm: "25.5", product: "15", "note": "节奏好"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and "已保存" in ok.text
    values = sorted(v for (v,) in session.execute(select(Score.value)).all())
    assert values == [Decimal("15"), Decimal("25.5")]
    done = client.post_form(f"/judging/{world['mine'].id}/submit")
    assert done.status_code == 303


def test_a_judge_cannot_reach_another_judges_entry_by_any_route(client, world, session):
    client.login_as(world["judge_a"])
    other = world["theirs"].id
    missing = 999999
    before = _rows(session)
    for target in (other, missing):
        assert client.get(f"/judging/{target}").status_code == 404
        for path, data in (
            (f"/judging/{target}/scores", {f"c{world['rhythm'].id}": "10", "note": "x"}),
            (f"/judging/{target}/submit", {}),
            (f"/judging/{target}/recuse", {"reason": "冲突"}),
        ):
            response = client.post_form(path, data)
            assert response.status_code == 404, path
            assert "乙队" not in response.text
    # the organiser's round pages are admin-only
    for path in (
        f"/contests/rounds/{world['round'].id}",
        f"/contests/rounds/{world['round'].id}/ranking",
        f"/contests/rounds/{world['round'].id}/scores-by-judge.xlsx",
    ):
        assert client.get(path).status_code == 403
    session.expire_all()
    assert _rows(session) == before
    assert session.get(JudgeAssignment, other).recused_at is None


def test_organiser_sees_ranking_notes_and_exports(client, world, session, statement_counter):
    for assignment, (r, p) in ((world["mine"], (25, 15)), (world["theirs"], (20, 10))):
        score(session, assignment, {world["rhythm"].id: r, world["product"].id: p})
    world["mine"].note = "开场节奏很好"
    session.add(world["mine"])
    session.commit()
    client.login_as(world["admin"])
    with statement_counter() as statements:
        page = client.get(f"/contests/rounds/{world['round'].id}")
    assert page.status_code == 200
    ranking = page.text[page.text.index('id="ranking"') :]
    assert ranking.index("甲队") < ranking.index("乙队")  # 25 + 15 = 40 beats 30
    assert "开场节奏很好" in page.text
    few = len(statements)
    # more entries, judges and scores: the page issues the same number of statements
    edition_round = world["round"]
    for n in range(4):
        team = make_team(session, members=[(make_student(session), "anchor")])
        entry = make_entry(session, round_=edition_round, team=team)
        for _ in range(2):
            a = make_assignment(session, entry=entry, judge=make_teacher(session))
            score(session, a, {world["rhythm"].id: 10 + n, world["product"].id: 5})
    session.commit()
    with statement_counter() as statements:
        assert client.get(f"/contests/rounds/{world['round'].id}").status_code == 200
    assert len(statements) <= few + 1
    export = client.get(f"/contests/rounds/{world['round'].id}/scores-by-entry.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert (
        client.get(f"/contests/rounds/{world['round'].id}/scores-by-judge.xlsx").status_code == 200
    )


def test_judge_pages_issue_a_bounded_number_of_statements(
    client, world, session, statement_counter
):
    client.login_as(world["judge_a"])
    with statement_counter() as statements:
        assert client.get("/judging").status_code == 200
    few = len(statements)
    for _ in range(5):
        team = make_team(session, members=[(make_student(session), "anchor")])
        entry = make_entry(session, round_=world["round"], team=team)
        make_assignment(session, entry=entry, judge=world["judge_a"])
    session.commit()
    with statement_counter() as statements:
        assert client.get("/judging").status_code == 200
    assert len(statements) == few


def test_conflict_of_interest_is_refused_with_the_reason(client, world, session):
    adviser = make_teacher(session, full_name="王指导")
    make_pairing(session, world["team_a"], teacher=adviser, starts_on=date(2025, 1, 1))
    session.commit()
    client.login_as(world["admin"])
    response = client.post_form(
        f"/contests/rounds/{world['round'].id}/assignments",
        {"entry_id": str(world["entry_a"].id), "judge_id": str(adviser.id)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "王指导" in response.text
    assert (
        session.exec(
            select(func.count())
            .select_from(JudgeAssignment)
            .where(JudgeAssignment.judge_id == adviser.id)
        ).one()[0]
        == 0
    )


def test_quotas_over_htmx_set_awards(client, world, session):
    score(session, world["mine"], {world["rhythm"].id: 25, world["product"].id: 15})
    session.commit()
    client.login_as(world["admin"])
    response = client.post_form(
        f"/contests/rounds/{world['round'].id}/quotas",
        {"q_first": "50", "q_second": "20", "q_third": "30"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204, response.text[:500]
    session.expire_all()
    assert session.get(type(world["entry_a"]), world["entry_a"].id).award == "first"


def test_the_score_sheet_issues_the_same_statements_for_more_criteria_and_scores(
    client, world, session, statement_counter
):
    client.login_as(world["judge_a"])
    url = f"/judging/{world['mine'].id}"
    with statement_counter() as few:
        page = client.get(url)
    assert page.status_code == 200 and "甲队" in page.text and "节奏" in page.text
    for n in range(6):
        criterion = make_criterion(session, round_=world["round"], name_zh=f"标准{n}", max_score=5)
        score(session, world["mine"], {criterion.id: 3})
    session.commit()
    with statement_counter() as many:
        page = client.get(url)
    assert page.status_code == 200 and "标准5" in page.text
    assert len(many) == len(few)


def test_a_recused_judge_no_longer_reaches_the_score_sheet(client, world, session):
    from app.models.base import utcnow

    assignment = session.get(JudgeAssignment, world["mine"].id)
    assignment.recused_at = utcnow()
    session.add(assignment)
    session.commit()
    client.login_as(world["judge_a"])
    assert client.get(f"/judging/{world['mine'].id}").status_code == 404
    assert client.get("/judging/999999").status_code == 404

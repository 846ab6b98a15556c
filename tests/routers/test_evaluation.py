"""Evaluation pages: who may open what, the score page's links, the scheme form, publishing,
snapshot downloads and a bounded number of statements on the cohort dashboard."""

import csv
import io
import re
from datetime import date

from sqlmodel import select

from app.models.evaluation import EvaluationScheme, EvaluationSnapshot
from app.models.teams import LiveSession
from app.services.evaluation import scheme as evaluation_scheme
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher
from tests.factories_evaluation import PERIOD, make_world
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team

Q = f"start={PERIOD.start}&end={PERIOD.end}"


def test_a_teacher_sees_only_the_cohorts_they_head(client, session):
    world = make_world(session)
    other_teacher = make_teacher(session)
    session.commit()
    client.login_as(world["head"])
    page = client.get(f"/evaluation?{Q}")
    assert page.status_code == 200
    assert world["cohort_a"].label() in page.text
    assert world["cohort_b"].label() not in page.text
    assert client.get(f"/evaluation/cohorts/{world['cohort_a'].id}?{Q}").status_code == 200
    assert client.get(f"/evaluation/cohorts/{world['cohort_b'].id}?{Q}").status_code == 403
    assert client.get(f"/evaluation/students/{world['s4'].id}?{Q}").status_code == 403
    client.login_as(other_teacher)
    assert client.get(f"/evaluation/cohorts/{world['cohort_a'].id}?{Q}").status_code == 403
    assert (
        client.post_form(f"/evaluation/cohorts/{world['cohort_a'].id}/publish").status_code == 403
    )


def test_a_student_sees_their_own_score_page_only(client, session):
    world = make_world(session)
    session.commit()
    client.login_as(world["s1"])
    page = client.get(f"/evaluation/students/{world['s1'].id}?{Q}")
    assert page.status_code == 200
    assert "73.90" in page.text
    assert client.get(f"/evaluation/students/{world['s2'].id}?{Q}").status_code == 403
    assert client.get("/evaluation").status_code == 403
    mentor = make_mentor(session)
    session.commit()
    client.login_as(mentor)
    assert client.get(f"/evaluation/students/{world['s1'].id}").status_code == 403


def test_the_score_page_links_every_record_behind_the_points(client, session):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    page = client.get(f"/evaluation/students/{world['s1'].id}?{Q}")
    assert page.status_code == 200
    sessions = session.exec(
        select(LiveSession).where(
            LiveSession.team_id == world["t1"].id,
            LiveSession.session_date >= PERIOD.start,
            LiveSession.status == "completed",
        )
    ).all()
    for live in sessions:
        assert f'href="/teams/{world["t1"].id}/sessions/{live.id}"' in page.text
    assert f'href="/teams/{world["t1"].id}/project"' in page.text
    assert f'href="/contests/entries/{world["entry"].id}"' in page.text
    assert 'href="/contests/external#' in page.text
    assert "/outcomes/" in page.text  # the outcome, editable by the administrator
    assert "46.00" in page.text and "100.00" in page.text and "82.00" in page.text
    bad = client.get(f"/evaluation/students/{world['s1'].id}?start=2026-02-01&end=2025-01-01")
    assert bad.status_code == 422
    assert "field-error" in bad.text


def test_changing_a_weight_saves_a_version_and_changes_the_dashboard(client, session):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    url = f"/evaluation/cohorts/{world['cohort_a'].id}?{Q}"
    assert 'id="cohort-mean-total">59.72<' in client.get(url).text
    values = evaluation_scheme.form_values(evaluation_scheme.default_params())
    values.update(w_competition="50", w_income="25")  # 50 + 25 + 25 = 100
    bad = client.post_form("/evaluation/scheme", {**values, "w_influence": "abc"})
    assert bad.status_code == 422
    assert 'id="w_influence-error"' in bad.text
    assert session.exec(select(EvaluationScheme)).all() == []
    saved = client.post_form("/evaluation/scheme", values)
    assert saved.status_code == 303
    # s1 (50×46 + 25×100 + 25×82)/100 = 68.50; s2 (5000 + 25×66.67 + 1675)/100 = 83.4175
    # → 83.42; s3 (1000 + 25×33.33 + 550)/100 = 23.8325 → 23.83; mean 175.75/3 = 58.58
    assert 'id="cohort-mean-total">58.58<' in client.get(url).text
    client.login_as(world["head"])
    assert client.post_form("/evaluation/scheme", values).status_code == 403


def test_publishing_freezes_a_snapshot_whose_csv_never_changes(client, session):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    response = client.post_form(
        f"/evaluation/cohorts/{world['cohort_a'].id}/publish",
        {"start": str(PERIOD.start), "end": str(PERIOD.end)},
    )
    assert response.status_code == 303
    snapshot = session.exec(select(EvaluationSnapshot)).one()
    assert response.headers["location"] == f"/evaluation/snapshots/{snapshot.id}"
    first = client.get(f"/evaluation/snapshots/{snapshot.id}/export.csv")
    assert first.status_code == 200
    rows = list(csv.reader(io.StringIO(first.content.decode("utf-8-sig"))))
    total = rows[0].index("总分 Total")
    assert sorted(row[total] for row in rows[1:]) == ["25.17", "73.90", "80.08"]
    project = make_project(session, make_team(session))  # unrelated new records
    make_live_session(session, world["t1"], project, on=date(2025, 9, 3), income_fen=5000)
    session.commit()
    assert client.get(f"/evaluation/snapshots/{snapshot.id}/export.csv").content == first.content
    assert client.get(f"/evaluation/snapshots/{snapshot.id}").status_code == 200
    xlsx = client.get(f"/evaluation/snapshots/{snapshot.id}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    client.post_form(
        f"/evaluation/cohorts/{world['cohort_a'].id}/publish",
        {"start": str(PERIOD.start), "end": str(PERIOD.end)},
    )
    second = session.exec(select(EvaluationSnapshot).where(EvaluationSnapshot.number == 2)).one()
    compare = client.get(f"/evaluation/snapshots/{second.id}/compare?with={snapshot.id}")
    assert compare.status_code == 200
    stranger = make_teacher(session)
    session.commit()
    client.login_as(stranger)
    assert client.get(f"/evaluation/snapshots/{snapshot.id}/export.csv").status_code == 403


def _cohort_with(session, n_students: int, head) -> int:
    posts = ensure_posts(session)
    cohort = make_cohort(session, head_teacher_id=head.id)
    students = [make_student(session, cohort=cohort) for _ in range(n_students)]
    for start in range(0, n_students, 3):
        members = [(s, "anchor") for s in students[start : start + 3]]
        team = make_team(session, members=members)
        project = make_project(session, team)
        for day in (3, 10):
            make_live_session(session, team, project, on=date(2025, 10, day), income_fen=9000)
    assert posts
    return cohort.id


def test_the_cohort_dashboard_issues_the_same_statements_for_ten_times_the_data(
    client, session, statement_counter
):
    admin = make_admin(session)
    small = _cohort_with(session, 3, admin)
    large = _cohort_with(session, 30, admin)
    session.commit()
    client.login_as(admin)
    with statement_counter() as statements:  # also keeps the scheme, as both visits find it
        assert client.get(f"/evaluation?{Q}").status_code == 200
    assert len(statements) < 30
    counts = []
    for cohort_id in (small, large):
        with statement_counter() as statements:
            assert client.get(f"/evaluation/cohorts/{cohort_id}?{Q}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_overview_draws_the_cohort_comparison_as_svg(client, session):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    page = client.get(f"/evaluation?{Q}")
    assert page.status_code == 200
    assert "chart-svg" in page.text and "style=" not in page.text and "<script>" not in page.text
    dashboard = client.get(f"/evaluation/cohorts/{world['cohort_a'].id}?{Q}")
    assert dashboard.text.count("<svg viewBox") >= 5  # four histograms and the radar
    assert re.search(r"<polygon points=\"[\d., ]+\" fill=\"#1f5fae\"", dashboard.text)


def test_the_ranked_list_pages_through_every_student_in_rank_order(client, session):
    admin = make_admin(session)
    cohort_id = _cohort_with(session, 30, admin)
    session.commit()
    client.login_as(admin)
    url = f"/evaluation/cohorts/{cohort_id}?{Q}"
    first = client.get(url).text
    second = client.get(f"{url}&page=2", headers={"HX-Request": "true"}).text
    again = client.get(url).text  # the kept first page, as it was
    assert again.count('href="/evaluation/students/') == first.count('href="/evaluation/students/')
    assert "<html" not in second and 'id="students"' in second
    ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', second)]
    assert len(ranks) == 5 and ranks == sorted(ranks)
    first_ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', first)]
    assert len(first_ranks) == 25 and max(first_ranks) <= min(ranks)


def test_a_teacher_who_no_longer_heads_a_cohort_is_refused_at_once(client, session):
    from app.models import Cohort

    head = make_teacher(session)
    cohort_id = _cohort_with(session, 3, head)
    session.commit()
    client.login_as(head)
    url = f"/evaluation/cohorts/{cohort_id}?{Q}"
    assert client.get(url).status_code == 200
    session.get(Cohort, cohort_id).head_teacher_id = make_teacher(session).id
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert client.get(url).status_code == 403

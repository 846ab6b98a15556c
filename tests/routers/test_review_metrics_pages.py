"""The 复盘 figures where people read them: the session page, the team page, the list."""

from datetime import date, timedelta

from app.models.teams import TeamCohort
from tests.factories import make_cohort, make_student
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team


def _recorded_team(session, *, member):
    team = make_team(session, members=[(member, "anchor")])
    project = make_project(session, team)
    cohort = make_cohort(session)
    session.add(TeamCohort(team_id=team.id, cohort_id=cohort.id))
    lives = []
    for n in range(7):
        live = make_live_session(
            session, team, project, on=date(2026, 3, 2) + timedelta(days=n), gmv_fen=100_000 * n
        )
        live.viewers, live.interactions, live.avg_watch_seconds = 2000, 500, 75
        session.add(live)
        lives.append(live)
    return team, lives


def test_a_session_page_shows_each_metric_with_its_formula_and_standing(client, session):
    ensure_posts(session)
    student = make_student(session, locale="en")
    team, lives = _recorded_team(session, member=student)
    best = lives[-1]  # ¥6,000 from 2000 viewers: GPM ¥3,000.00, above all six others
    best.gmv_target_fen, best.viewers_target = 500_000, 4000
    session.add(best)
    session.commit()
    client.login(student.username)
    page = client.get(f"/teams/{team.id}/sessions/{best.id}")
    assert page.status_code == 200
    text = page.text
    assert "GMV × 1000 ÷ viewers" in text and "¥3,000.00" in text
    assert "Higher than 100% of 6" in text  # every other session of the class is lower
    assert "1:15" in text  # average watch time
    assert "120.00%" in text  # GMV ¥6,000 of a ¥5,000 target
    assert "50.00%" in text  # 2000 of 4000 planned viewers
    row = text[text.index('data-metric="roi"') :]
    assert "—" in row[: row.index("</tr>")]  # no paid traffic recorded


def test_a_planned_session_says_what_to_record_to_see_its_figures(client, session):
    ensure_posts(session)
    student = make_student(session, locale="en")
    team = make_team(session, members=[(student, "anchor")])
    project = make_project(session, team)
    planned = make_live_session(session, team, project, on=date(2026, 3, 2), completed=False)
    session.commit()
    client.login(student.username)
    page = client.get(f"/teams/{team.id}/sessions/{planned.id}")
    assert "Record the broadcast's result to see its review figures" in page.text
    assert 'id="metrics-table"' not in page.text


def test_the_team_page_shows_weighted_figures_and_a_trend_and_the_list_shows_gpm(client, session):
    ensure_posts(session)
    student = make_student(session, locale="en")
    team, lives = _recorded_team(session, member=student)
    session.commit()
    client.login(student.username)
    page = client.get(f"/teams/{team.id}")
    assert page.status_code == 200
    # Σ GMV ¥21,000 × 1000 ÷ 14,000 viewers = ¥1,500.00 per thousand viewers
    row = page.text[page.text.index('data-metric="gpm"') :]
    assert "¥1,500.00" in row[: row.index("</tr>")]
    assert 'aria-labelledby="trend-gpm"' in page.text
    listing = client.get(f"/teams/{team.id}/sessions")
    assert "¥3,000.00" in listing.text  # the latest session's GPM in its row


def test_another_students_team_figures_stay_hidden(client, session):
    ensure_posts(session)
    alice, bob = make_student(session), make_student(session)
    team, lives = _recorded_team(session, member=alice)
    session.commit()
    client.login(bob.username)
    assert client.get(f"/teams/{team.id}").status_code == 404
    assert client.get(f"/teams/{team.id}/sessions/{lives[0].id}").status_code == 404


def test_the_income_dimension_explains_the_review_figures_do_not_score(client, session):
    from tests.factories import make_admin

    reader = make_admin(session, locale="en")
    session.commit()
    client.login_as(reader)
    page = client.get("/evaluation/scheme")
    assert 'id="rule-income-review"' in page.text
    assert "GPM = GMV × 1000 ÷ viewers" in page.text and "do not change the score" in page.text


def test_the_session_list_counts_script_hits_and_review_actions(client, session):
    from app.models.reviews import ReviewAction
    from tests.factories_compliance import make_scripted_session, seed_rules

    seed_rules(session)
    student = make_student(session, locale="en")
    live = make_scripted_session(
        session,
        script="这是全网最低价！今天第一次来直播间的朋友欢迎你。",
        members=[(student, "anchor")],
    )
    session.add(ReviewAction(session_id=live.id, text="提前备好样品", owner_id=student.id))
    done = ReviewAction(session_id=live.id, text="复盘数据", owner_id=student.id, status="done")
    session.add(done)
    session.commit()
    client.login(student.username)
    listing = client.get(f"/teams/{live.team_id}/sessions").text
    row = listing[listing.index(f'/teams/{live.team_id}/sessions/{live.id}"') :]
    row = row[: row.index("</tr>")]
    assert f'/sessions/{live.id}/script">1 (1)</a>' in row  # 全网最低价; 第一次 is no claim
    assert "1 / 1" in row

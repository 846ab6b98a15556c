"""复盘 metrics: each formula with known inputs, missing figures as —, weighted totals, the
plan beside the result, and a session's standing in its class and year group."""

from datetime import date, timedelta
from decimal import Decimal

from app.models.teams import TeamCohort
from app.services.teams import review_metrics as rm
from app.services.teams.standing import CLASS, MIN_COMPARED, YEAR, session_standing
from tests.factories import make_cohort
from tests.factories_teams import make_live_session, make_project, make_team

BROADCAST = rm.Figures(
    gmv_fen=1_234_500,
    orders=150,
    refunds=6,
    new_followers=120,
    viewers=3000,
    avg_watch_seconds=95,
    interactions=4200,
    ad_spend_fen=200_000,
)


def _texts(figures):
    return {key: metric.text for key, metric in rm.metrics(figures).items()}


def test_every_formula_gives_the_figure_worked_out_by_hand():
    assert _texts([BROADCAST]) == {
        "gmv": "¥12,345.00",
        "orders": "150",
        "aov": "¥82.30",  # 1,234,500 fen ÷ 150
        "conversion": "5.00%",  # 150 ÷ 3000
        "uv_value": "¥4.12",  # 411.5 fen, half up
        "gpm": "¥4,115.00",  # 1,234,500 × 1000 ÷ 3000 fen
        "watch": "1:35",
        "interaction_rate": "140.00%",  # likes and comments may outnumber viewers
        "follow_rate": "4.00%",
        "refund_rate": "4.00%",
        "ad_spend": "¥2,000.00",
        "roi": "6.17",  # 6.1725
    }


def test_zero_viewers_no_orders_and_no_spend_show_a_dash_not_an_error():
    quiet = rm.Figures(gmv_fen=0, orders=0, refunds=0, new_followers=0, viewers=0, ad_spend_fen=0)
    texts = _texts([quiet])
    for key in ("aov", "conversion", "uv_value", "gpm", "watch", "interaction_rate"):
        assert texts[key] == "—", key
    assert texts["follow_rate"] == texts["refund_rate"] == texts["roi"] == "—"
    assert texts["gmv"] == "¥0.00" and texts["orders"] == "0" and texts["ad_spend"] == "¥0.00"


def test_figures_the_platform_did_not_give_are_missing_not_zero():
    unknown = rm.Figures(gmv_fen=50_000, orders=5, refunds=0, new_followers=3)
    texts = _texts([unknown])
    assert texts["gpm"] == texts["conversion"] == texts["ad_spend"] == texts["roi"] == "—"
    assert texts["aov"] == "¥100.00"


def test_over_several_sessions_a_ratio_counts_only_sessions_that_have_both_parts():
    without_viewers = rm.Figures(gmv_fen=900_000, orders=90, refunds=0, new_followers=10)
    second = rm.Figures(gmv_fen=100_000, orders=10, refunds=0, new_followers=5, viewers=1000)
    both = rm.metrics([BROADCAST, without_viewers, second])
    # GPM over the two sessions with viewers: (1,234,500 + 100,000) × 1000 ÷ 4000
    assert both["gpm"].value == 333_625
    assert both["gmv"].value == 2_234_500  # sums count every session
    assert both["conversion"].value == Decimal("4.00")  # (150 + 10) ÷ 4000
    # watch time weighs each session by its viewers: only the first has one
    assert both["watch"].text == "1:35"


def test_long_watch_times_show_hours():
    assert rm.shown(rm.DURATION, 3725) == "1:02:05"


def test_the_plan_stands_beside_the_result_with_its_attainment(session):
    team = make_team(session)
    live = make_live_session(session, team, make_project(session, team), on=date(2026, 3, 2))
    live.gmv_target_fen, live.orders_target, live.viewers_target = 40_000, 20, None
    lines = {line.label: line for line in rm.plan_vs_actual(live)}
    assert set(lines) == {"GMV", "Orders", "Minutes on air"}  # no viewers target set
    assert lines["GMV"].attainment_text == "125.00%"  # ¥500 of ¥400
    assert lines["Orders"].attainment_text == "50.00%"
    assert lines["Minutes on air"].attainment_text == "100.00%"


def test_a_planned_session_has_targets_but_no_attainment_yet(session):
    team = make_team(session)
    project = make_project(session, team)
    live = make_live_session(session, team, project, on=date(2026, 3, 2), completed=False)
    live.gmv_target_fen = 40_000
    lines = rm.plan_vs_actual(live)
    assert [line.actual_text for line in lines] == ["—", "—"]
    assert [line.attainment for line in lines] == [None, None]


def _class_of_sessions(session, cohort, gpm_values, *, day=date(2026, 3, 2)):
    """A team of ``cohort`` with one session per GPM value (viewers 1000, GMV = GPM)."""
    team = make_team(session)
    session.add(TeamCohort(team_id=team.id, cohort_id=cohort.id))
    project = make_project(session, team)
    made = []
    for n, gpm in enumerate(gpm_values):
        live = make_live_session(session, team, project, on=day + timedelta(days=n), gmv_fen=gpm)
        live.viewers = 1000
        session.add(live)
        made.append(live)
    session.flush()
    return made


def test_a_session_stands_above_the_share_of_its_class_below_it(session):
    cohort = make_cohort(session)
    others = _class_of_sessions(session, cohort, [100, 200, 300, 400, 500, 600, 700, 800])
    mine = others[5]  # 600: five of the seven others are lower
    (klass,) = session_standing(session, mine)
    assert klass.kind == CLASS
    gpm = klass.standings["gpm"]
    assert (gpm.compared, gpm.below, gpm.percent) == (7, 5, 71)


def test_with_too_few_sessions_to_compare_no_percentage_is_claimed(session):
    cohort = make_cohort(session)
    mine, *others = _class_of_sessions(session, cohort, [900] + [100] * (MIN_COMPARED - 1))
    (klass,) = session_standing(session, mine)
    assert klass.standings["gpm"].compared == MIN_COMPARED - 1
    assert klass.standings["gpm"].percent is None


def test_sessions_without_viewers_drop_out_of_ratio_comparisons_only(session):
    cohort = make_cohort(session)
    made = _class_of_sessions(session, cohort, [100, 200, 300, 400, 500, 600])
    made[0].viewers = None
    session.add(made[0])
    session.flush()
    (klass,) = session_standing(session, made[-1])
    assert klass.standings["gpm"].compared == 4
    assert klass.standings["gmv"].compared == 5


def test_the_year_group_counts_every_class_of_the_same_major_and_intake(session):
    first = make_cohort(session, major="直播电商", intake_year=2024, class_number=1)
    second = make_cohort(session, major="直播电商", intake_year=2024, class_number=2)
    other_year = make_cohort(session, major="直播电商", intake_year=2023, class_number=1)
    mine, *_ = _class_of_sessions(session, first, [500, 100])
    _class_of_sessions(session, second, [100, 200, 900, 50])
    _class_of_sessions(session, other_year, [1, 2, 3, 4, 5, 6])
    klass, year = session_standing(session, mine)
    assert year.kind == YEAR
    assert (klass.standings["gpm"].compared, year.standings["gpm"].compared) == (1, 5)
    assert year.standings["gpm"].below == 4 and year.standings["gpm"].percent == 80


def test_a_team_in_no_class_and_a_planned_session_stand_nowhere(session):
    team = make_team(session)
    project = make_project(session, team)
    done = make_live_session(session, team, project, on=date(2026, 3, 2))
    assert session_standing(session, done) == []
    cohort = make_cohort(session)
    (planned,) = _class_of_sessions(session, cohort, [100])
    planned.status = "planned"
    assert session_standing(session, planned) == []


def test_a_team_review_sums_all_sessions_and_charts_the_latest(session, statement_counter):
    cohort = make_cohort(session)
    made = _class_of_sessions(session, cohort, [100_000 * n for n in range(1, 36)])
    made[3].viewers = None
    session.add(made[3])
    session.flush()
    with statement_counter() as statements:
        review = rm.team_review(session, team_id=made[0].team_id)
    assert len(statements) == 1
    assert review.sessions == 35
    gpm, conversion = review.trends
    assert gpm.key == "gpm" and len(gpm.points) == rm.TREND_SESSIONS  # the latest 30
    assert gpm.points[-1].text == "¥35,000.00"  # 3,500,000 fen × 1000 ÷ 1000 viewers
    assert review.metrics["orders"].value == 350

"""Live sessions: plan, result and review; impossible numbers refused; income from sessions."""

from datetime import UTC, date, datetime

import pytest

from app.errors import FormErrors, NotFound
from app.models.teams import LiveSession, TeamMember
from app.schemas.live_sessions import PlanForm, ResultForm
from app.schemas.reviews import ReviewForm
from app.services import reviews as review_service
from app.services.teams import live_figures as figures
from app.services.teams import live_sessions as live_service
from tests.factories import make_student
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team


@pytest.fixture
def world(session):
    posts = ensure_posts(session)
    anchor, helper = make_student(session), make_student(session)
    team = make_team(session, members=[(anchor, "anchor"), (helper, "traffic")])
    project = make_project(session, team)
    return {"posts": posts, "anchor": anchor, "helper": helper, "team": team, "project": project}


def _plan(world, **changes) -> PlanForm:
    values = {
        "theme": "秋季宠粉专场",
        "planned_start": "2025-10-10T19:00",
        "planned_minutes": "120",
        "gmv_target": "5000",
        "product_names": ["保温杯", ""],
        "product_prices": ["59.90", ""],
        "role_users": [str(world["anchor"].id), str(world["helper"].id)],
        "role_posts": [str(world["posts"]["anchor"].id), str(world["posts"]["field_control"].id)],
    }
    values.update(changes)
    return PlanForm.parse(values)


BEFORE = datetime(2025, 10, 1, tzinfo=UTC)  # when the session is planned
AFTER = datetime(2025, 10, 11, tzinfo=UTC)  # when its result is recorded
GOOD_RESULT = {
    "actual_start": "2025-10-10T19:05",
    "actual_end": "2025-10-10T21:00",
    "gmv": "6200.50",
    "orders": "80",
    "refunds": "3",
    "income": "930.10",
    "new_followers": "120",
    "peak_viewers": "450",
}


def test_a_member_plans_records_and_reviews_a_session(session, world):
    live = live_service.plan_session(
        session, user=world["anchor"], team_id=world["team"].id, form=_plan(world), now=BEFORE
    )
    detail = live_service.session_detail(
        session, user=world["anchor"], team_id=world["team"].id, session_id=live.id
    )
    assert [(p.name, p.price_fen) for p in detail.products] == [("保温杯", 5990)]
    assert {post.code for _r, _u, post in detail.roles} == {"anchor", "field_control"}
    assert live.session_date == date(2025, 10, 10) and live.gmv_target_fen == 500000
    live_service.record_result(
        session,
        user=world["helper"],
        team_id=world["team"].id,
        session_id=live.id,
        form=ResultForm.parse(GOOD_RESULT),
        now=AFTER,
    )
    review_service.record_review(
        session,
        user=world["helper"],
        team_id=world["team"].id,
        session_id=live.id,
        form=ReviewForm.parse(
            {"went_well": "节奏好", "problems": "库存不足", "actions": "提前备货"}
        ),
    )
    assert (live.status, live.actual_minutes, live.gmv_fen, live.income_fen) == (
        "completed",
        115,
        620050,
        93010,
    )
    totals = figures.team_totals(session, team_id=world["team"].id)
    assert (totals.sessions, totals.income_fen, totals.orders) == (1, 93010, 80)


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("gmv", "-1", "gmv"),
        ("income", "-0.01", "income"),
        ("orders", "-5", "orders"),
        ("refunds", "-1", "refunds"),
        ("new_followers", "-3", "new_followers"),
        ("peak_viewers", "-10", "peak_viewers"),
        ("refunds", "81", "refunds"),
        ("actual_end", "2025-10-10T18:00", "actual_end"),
        ("actual_end", "2025-10-10T19:05", "actual_end"),
        ("gmv", "abc", "gmv"),
    ],
)
def test_impossible_numbers_are_refused_beside_their_field(
    session, world, field, value, error_field
):
    live = make_live_session(
        session, world["team"], world["project"], on=date(2025, 10, 10), completed=False
    )
    with pytest.raises(FormErrors) as caught:
        form = ResultForm.parse({**GOOD_RESULT, field: value})
        live_service.record_result(
            session,
            user=world["anchor"],
            team_id=world["team"].id,
            session_id=live.id,
            form=form,
            now=AFTER,
        )
    assert set(caught.value.errors) == {error_field}
    session.refresh(live)
    assert live.status == "planned" and live.gmv_fen == 0


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"planned_minutes": "-5", "gmv_target": "-1"}, {"planned_minutes", "gmv_target"}),
        ({"product_prices": ["-3", ""]}, {"products"}),
        ({"product_names": ["", ""]}, {"products"}),
        ({"role_users": ["999999", ""]}, {"roles"}),
    ],
)
def test_a_bad_plan_writes_nothing(session, world, changes, fields):
    with pytest.raises(FormErrors) as caught:
        form = _plan(world, **changes)
        live_service.plan_session(
            session, user=world["anchor"], team_id=world["team"].id, form=form, now=BEFORE
        )
    assert set(caught.value.errors) == fields
    assert session.exec(LiveSession.__table__.select()).first() is None


def test_outsiders_cannot_record_a_teams_sessions(session, world):
    outsider = make_student(session)
    with pytest.raises(NotFound):
        live_service.plan_session(
            session, user=outsider, team_id=world["team"].id, form=_plan(world)
        )


def test_income_per_team_and_member_comes_from_completed_sessions(session, world):
    team, project = world["team"], world["project"]
    make_live_session(session, team, project, on=date(2025, 10, 1), income_fen=1000)
    make_live_session(session, team, project, on=date(2025, 10, 20), income_fen=2000)
    make_live_session(
        session, team, project, on=date(2025, 10, 21), income_fen=999, completed=False
    )
    make_live_session(session, team, project, on=date(2025, 12, 1), income_fen=5000)
    # the helper left on 10-15: only the first session counts for them
    helper = session.exec(
        TeamMember.__table__.select().where(TeamMember.user_id == world["helper"].id)
    ).first()
    row = session.get(TeamMember, helper.id)
    row.left_on = date(2025, 10, 15)
    session.add(row)
    session.flush()
    start, end = date(2025, 10, 1), date(2025, 11, 1)
    assert figures.income_by_team(session, start=start, end=end) == {team.id: 3000}
    assert figures.income_by_member(session, start=start, end=end) == {
        world["anchor"].id: 3000,
        world["helper"].id: 1000,
    }
    days = figures.daily_figures(session, team_id=team.id)
    assert [d for d, _g, _i in days] == [date(2025, 10, 1), date(2025, 10, 20), date(2025, 12, 1)]

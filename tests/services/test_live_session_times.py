"""A live session's times can be trusted: a plan is for what is to come, a result comes
after the broadcast, and a start far from the plan is saved only once confirmed."""

from datetime import UTC, datetime

import pytest

from app.errors import FormErrors
from app.i18n import activate
from app.schemas.live_sessions import PlanForm, ResultForm
from app.services.teams import live_sessions as live_service
from tests.factories import make_student
from tests.factories_teams import make_project, make_team

PLANNED = "2026-05-20T19:00"  # local (Asia/Shanghai): 11:00 UTC
BEFORE = datetime(2026, 5, 19, tzinfo=UTC)
AFTER = datetime(2026, 5, 20, 14, tzinfo=UTC)  # 22:00 local, after the broadcast
RESULT = {
    "actual_start": "2026-05-20T19:10",
    "actual_end": "2026-05-20T21:00",
    "gmv": "1000",
    "orders": "10",
    "refunds": "0",
    "income": "150",
    "new_followers": "5",
    "peak_viewers": "40",
}


@pytest.fixture
def planned(session):
    activate("en")
    student = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    make_project(session, team)
    form = PlanForm.parse({"theme": "直播", "planned_start": PLANNED, "planned_minutes": "90"})
    live = live_service.plan_session(session, user=student, team_id=team.id, form=form, now=BEFORE)
    return student, team, live


def _record(session, planned, now, **changes):
    student, team, live = planned
    form = ResultForm.parse({**RESULT, **changes})
    return live_service.record_result(
        session, user=student, team_id=team.id, session_id=live.id, form=form, now=now
    )


def test_a_result_cannot_be_recorded_before_the_planned_start(session, planned):
    with pytest.raises(FormErrors) as caught:
        _record(session, planned, now=datetime(2026, 5, 20, 10, tzinfo=UTC))  # 18:00 local
    assert "planned for 2026-05-20 19:00" in str(caught.value.errors["actual_start"])
    assert planned[2].status == "planned"


def test_a_result_cannot_end_in_the_future(session, planned):
    with pytest.raises(FormErrors) as caught:
        _record(
            session,
            planned,
            now=datetime(2026, 5, 20, 12, tzinfo=UTC),
            actual_end=("2026-05-20T21:00"),
        )  # it is 20:00 local: the broadcast has not ended at 21:00 yet
    assert set(caught.value.errors) == {"actual_end"}


def test_a_start_far_from_the_plan_asks_for_confirmation(session, planned):
    far = {"actual_start": "2026-05-20T08:00", "actual_end": "2026-05-20T09:30"}
    with pytest.raises(FormErrors) as caught:
        _record(session, planned, now=AFTER, **far)
    assert "11.0 hours from the plan" in str(caught.value.errors["actual_start"])
    assert "times_confirmed" in caught.value.errors
    live = _record(session, planned, now=AFTER, times_confirmed="1", **far)
    assert live.status == "completed"


def test_a_result_after_the_broadcast_near_the_plan_is_saved(session, planned):
    assert _record(session, planned, now=AFTER).status == "completed"


def test_a_plan_cannot_be_dated_in_the_past_but_a_past_plan_can_be_edited(session, planned):
    student, team, live = planned
    past = PlanForm.parse(
        {"theme": "直播", "planned_start": "2026-05-01T19:00", "planned_minutes": "90"}
    )
    with pytest.raises(FormErrors) as caught:
        live_service.plan_session(session, user=student, team_id=team.id, form=past, now=AFTER)
    assert "cannot start in the past" in str(caught.value.errors["planned_start"])
    # after the broadcast its theme may still be corrected: the start does not move
    same = PlanForm.parse(
        {"theme": "直播（改）", "planned_start": PLANNED, "planned_minutes": "90"}
    )
    live_service.update_plan(
        session, user=student, team_id=team.id, session_id=live.id, form=same, now=AFTER
    )
    assert live.theme == "直播（改）"

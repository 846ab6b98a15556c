"""Review actions: owners must be current members, done actions stop carrying over, and
only open actions of the same team's earlier sessions carry; comments by paired mentors."""

from datetime import date

import pytest

from app.errors import Forbidden, FormErrors, NotFound
from app.models.reviews import ReviewAction
from app.models.teams import TeamMember
from app.schemas.reviews import CommentForm, ReviewForm
from app.services import reviews as review_service
from tests.factories import make_mentor, make_student, make_teacher
from tests.factories_teams import (
    ensure_posts,
    make_live_session,
    make_pairing,
    make_project,
    make_team,
)


@pytest.fixture
def world(session):
    anchor, helper, outsider = make_student(session), make_student(session), make_student(session)
    team = make_team(session, members=[(anchor, "anchor"), (helper, "traffic")])
    other = make_team(session, members=[(outsider, "anchor")])
    project, other_project = make_project(session, team), make_project(session, other)
    first = make_live_session(session, team, project, on=date(2025, 10, 1))
    second = make_live_session(session, team, project, on=date(2025, 10, 8))
    third = make_live_session(session, team, project, on=date(2025, 10, 15), completed=False)
    elsewhere = make_live_session(session, other, other_project, on=date(2025, 10, 2))
    return {
        "anchor": anchor,
        "helper": helper,
        "outsider": outsider,
        "team": team,
        "other": other,
        "first": first,
        "second": second,
        "third": third,
        "elsewhere": elsewhere,
    }


def _review(session, world, live, rows, *, user=None, team=None, **texts):
    values = {
        "went_well": texts.get("went_well", "开场节奏好"),
        "problems": texts.get("problems", "库存不足"),
        "action_id": [r.get("id", "") for r in rows],
        "action_text": [r.get("text", "") for r in rows],
        "action_owner": [str(r["owner"].id) if r.get("owner") else "" for r in rows],
        "action_due": [r.get("due", "") for r in rows],
    }
    return review_service.record_review(
        session,
        user=user or world["anchor"],
        team_id=(team or world["team"]).id,
        session_id=live.id,
        form=ReviewForm.parse(values),
    )


def _actions(session, live):
    return review_service.actions.session_actions(session, live_session_id=live.id)


def test_a_review_saves_its_texts_and_actions_with_owners_and_due_dates(session, world):
    live = _review(
        session,
        world,
        world["first"],
        [
            {"text": "提前备货", "owner": world["helper"], "due": "2025-10-07"},
            {"text": "重写开场话术", "owner": world["anchor"]},
            {},  # a blank row is skipped
        ],
    )
    assert (live.went_well, live.problems) == ("开场节奏好", "库存不足")
    saved = [(a.text, a.owner_id, a.due_on, a.status) for a in _actions(session, live)]
    assert saved == [
        ("提前备货", world["helper"].id, date(2025, 10, 7), "open"),
        ("重写开场话术", world["anchor"].id, None, "open"),
    ]


@pytest.mark.parametrize(
    ("row", "error_field"),
    [
        ({"text": "", "owner": "helper"}, "action_text_1"),
        ({"text": "提前备货"}, "action_owner_1"),
        ({"text": "x" * 501, "owner": "helper"}, "action_text_1"),
        ({"text": "提前备货", "owner": "helper", "due": "下周"}, "action_due_1"),
    ],
)
def test_an_action_needs_a_text_an_owner_and_a_real_date(session, world, row, error_field):
    row = {**row, "owner": world[row["owner"]] if row.get("owner") else None}
    with pytest.raises(FormErrors) as caught:
        _review(session, world, world["first"], [row])
    assert error_field in caught.value.errors
    assert _actions(session, world["first"]) == []


def test_an_owner_must_be_a_current_member_of_the_team(session, world):
    with pytest.raises(FormErrors) as caught:
        _review(session, world, world["first"], [{"text": "备货", "owner": world["outsider"]}])
    assert set(caught.value.errors) == {"action_owner_1"}
    session.add(
        TeamMember(
            team_id=world["team"].id,
            user_id=world["outsider"].id,
            post_id=ensure_posts(session)["anchor"].id,
            joined_on=date(2025, 9, 1),
            left_on=date(2025, 9, 20),
        )
    )
    session.flush()
    with pytest.raises(FormErrors):  # a former member is no owner either
        _review(session, world, world["first"], [{"text": "备货", "owner": world["outsider"]}])
    assert _actions(session, world["first"]) == []


def test_saving_again_edits_kept_rows_and_removes_cleared_ones(session, world):
    _review(
        session,
        world,
        world["first"],
        [
            {"text": "提前备货", "owner": world["helper"]},
            {"text": "调灯光", "owner": world["anchor"]},
        ],
    )
    kept, dropped = _actions(session, world["first"])
    review_service.set_action_done(
        session,
        user=world["helper"],
        team_id=world["team"].id,
        session_id=world["first"].id,
        action_id=kept.id,
        done=True,
    )
    _review(
        session,
        world,
        world["first"],
        [
            {"id": str(kept.id), "text": "提前两天备货", "owner": world["helper"]},
            {"id": str(dropped.id)},
        ],
    )
    (only,) = _actions(session, world["first"])
    assert (only.id, only.text, only.status) == (kept.id, "提前两天备货", "done")
    assert session.get(ReviewAction, dropped.id) is None


def test_another_sessions_action_id_is_never_edited_through_this_review(session, world):
    _review(session, world, world["first"], [{"text": "提前备货", "owner": world["helper"]}])
    (theirs,) = _actions(session, world["first"])
    _review(
        session,
        world,
        world["second"],
        [{"id": str(theirs.id), "text": "改", "owner": world["anchor"]}],
    )
    session.refresh(theirs)
    assert (theirs.session_id, theirs.text) == (world["first"].id, "提前备货")
    assert [a.text for a in _actions(session, world["second"])] == ["改"]


def test_carry_over_lists_open_actions_of_earlier_sessions_of_the_same_team_only(session, world):
    _review(session, world, world["first"], [{"text": "提前备货", "owner": world["helper"]}])
    _review(session, world, world["second"], [{"text": "调灯光", "owner": world["anchor"]}])
    outsider = world["outsider"]
    _review(
        session,
        world,
        world["elsewhere"],
        [{"text": "别队的事", "owner": outsider}],
        user=outsider,
        team=world["other"],
    )
    team_id = world["team"].id
    later = review_service.open_actions(session, team_id=team_id, before=world["third"])
    assert [(c.action.text, c.live.id) for c in later] == [
        ("提前备货", world["first"].id),
        ("调灯光", world["second"].id),
    ]
    middle = review_service.open_actions(session, team_id=team_id, before=world["second"])
    assert [c.action.text for c in middle] == ["提前备货"]
    assert review_service.open_actions(session, team_id=team_id, before=world["first"]) == []
    groups = review_service.carried_over(session, team_id=team_id, before=world["third"])
    assert [g.live.id for g in groups] == [world["first"].id, world["second"].id]


def test_marking_an_action_done_removes_it_from_the_carry_over_and_reopening_brings_it_back(
    session, world
):
    _review(session, world, world["first"], [{"text": "提前备货", "owner": world["helper"]}])
    (action,) = _actions(session, world["first"])
    ids = {"team_id": world["team"].id, "session_id": world["first"].id, "action_id": action.id}
    review_service.set_action_done(session, user=world["anchor"], done=True, **ids)
    assert (action.status, action.done_by_id) == ("done", world["anchor"].id)
    assert (
        review_service.open_actions(session, team_id=world["team"].id, before=world["third"]) == []
    )
    assert review_service.action_counts(session, [world["first"].id, world["second"].id]) == {
        world["first"].id: (0, 1),
        world["second"].id: (0, 0),
    }
    review_service.set_action_done(session, user=make_teacher(session), done=False, **ids)
    assert (action.status, action.done_at) == ("open", None)
    assert len(review_service.open_actions(session, team_id=world["team"].id)) == 1


def test_outsiders_cannot_tick_a_teams_action(session, world):
    _review(session, world, world["first"], [{"text": "提前备货", "owner": world["helper"]}])
    (action,) = _actions(session, world["first"])
    ids = {"team_id": world["team"].id, "session_id": world["first"].id, "action_id": action.id}
    with pytest.raises(NotFound):
        review_service.set_action_done(session, user=world["outsider"], done=True, **ids)
    mentor = make_mentor(session)
    make_pairing(session, world["team"], mentor=mentor)
    with pytest.raises(Forbidden):  # the paired mentor sees it but the team ticks it off
        review_service.set_action_done(session, user=mentor, done=True, **ids)
    with pytest.raises(NotFound):  # another team's session id does not reach it
        review_service.set_action_done(
            session, user=world["anchor"], done=True, **{**ids, "session_id": world["second"].id}
        )
    assert action.status == "open"


def test_the_paired_mentor_and_staff_comment_oldest_first_and_a_student_cannot(session, world):
    mentor, stranger = make_mentor(session), make_mentor(session)
    make_pairing(session, world["team"], mentor=mentor)
    teacher = make_teacher(session)
    where = {"team_id": world["team"].id, "session_id": world["first"].id}
    review_service.add_comment(
        session, user=mentor, form=CommentForm.parse({"body": "开场太慢"}), **where
    )
    review_service.add_comment(
        session, user=teacher, form=CommentForm.parse({"body": "同意"}), **where
    )
    with pytest.raises(NotFound):
        review_service.add_comment(
            session, user=stranger, form=CommentForm.parse({"body": "x"}), **where
        )
    with pytest.raises(Forbidden):
        review_service.add_comment(
            session, user=world["anchor"], form=CommentForm.parse({"body": "x"}), **where
        )
    comments = review_service.comments_of(session, live_session_id=world["first"].id)
    assert [(c.body, a.id) for c, a in comments] == [("开场太慢", mentor.id), ("同意", teacher.id)]


def test_a_blank_comment_is_refused_beside_its_field():
    with pytest.raises(FormErrors) as caught:
        CommentForm.parse({"body": "  "})
    assert set(caught.value.errors) == {"body"}


def test_the_demo_seed_gives_actions_and_a_mentor_comment_and_runs_twice(session, world):
    from seeds import reviews as review_seed
    from seeds.loader import SeedReport

    pairing = make_pairing(session, world["team"])
    review_seed.seed_demo(session, SeedReport())
    review_seed.seed_demo(session, SeedReport())  # the second run adds nothing
    older, newer = _actions(session, world["first"]), _actions(session, world["second"])
    assert [a.status for a in older] == ["done", "open"] and [a.status for a in newer] == [
        "open",
        "open",
    ]
    assert {a.owner_id for a in older + newer} <= {world["anchor"].id, world["helper"].id}
    comments = review_service.comments_of(session, live_session_id=world["second"].id)
    assert [author.id for _c, author in comments] == [pairing.mentor_id]
    carried = review_service.open_actions(session, team_id=world["team"].id, before=world["third"])
    assert len(carried) == 3

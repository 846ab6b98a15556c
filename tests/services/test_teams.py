"""Teams: creation, members with post history, captain, uncovered core posts, stages, invites."""

from datetime import date

import pytest

from app.errors import Conflict, FormErrors, NotFound
from app.models.teams import TeamMember
from app.schemas.teams import (
    InvitationForm,
    LeaveForm,
    MemberForm,
    NewTeamForm,
    PostChangeForm,
    StageForm,
)
from app.services import teams as team_service
from app.services.teams import members as member_service
from tests.factories import make_admin, make_cohort, make_mentor, make_student, make_teacher
from tests.factories_teams import ensure_posts, make_pairing, make_team


def test_a_new_team_gets_its_cohorts_and_first_stage(session):
    teacher, cohort = make_teacher(session), make_cohort(session)
    team = team_service.create_team(
        session,
        actor=teacher,
        form=NewTeamForm.parse(
            {"name": "星火直播队", "cohort_ids": [str(cohort.id)], "stage": "academy"}
        ),
    )
    detail = team_service.team_detail(session, user=teacher, team_id=team.id)
    assert [c.id for c in detail.cohorts] == [cohort.id]
    assert [s.stage for s in detail.stages] == ["academy"]


def test_duplicate_names_and_unknown_cohorts_are_refused_beside_the_fields(session):
    teacher = make_teacher(session)
    team_service.create_team(session, actor=teacher, form=NewTeamForm.parse({"name": "星火"}))
    with pytest.raises(FormErrors) as caught:
        form = NewTeamForm.parse({"name": "星火", "cohort_ids": ["999999"]})
        team_service.create_team(session, actor=teacher, form=form)
    assert set(caught.value.errors) == {"name", "cohort_ids"}


def test_changing_a_post_keeps_the_history_and_uncovered_core_posts_are_listed(session):
    posts = ensure_posts(session)
    teacher, student = make_teacher(session), make_student(session)
    team = make_team(session)
    member = member_service.add_member(
        session,
        actor=teacher,
        team_id=team.id,
        form=MemberForm.parse({"student": student.username, "post": "anchor"}),
    )
    member_service.change_member_post(
        session,
        actor=teacher,
        team_id=team.id,
        member_id=member.id,
        form=PostChangeForm.parse({"post": str(posts["traffic"].id)}),
    )
    detail = team_service.team_detail(session, user=teacher, team_id=team.id)
    assert [v.post.code for v in detail.members] == ["traffic"]
    assert [v.post.code for v in detail.former] == ["anchor"]
    assert {p.code for p in detail.uncovered} == {"anchor", "operation", "product_selection"}


def test_a_member_cannot_be_added_twice_and_leaving_clears_the_captaincy(session):
    ensure_posts(session)
    teacher, student = make_teacher(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")], captain=student)
    with pytest.raises(FormErrors) as caught:
        member_service.add_member(
            session,
            actor=teacher,
            team_id=team.id,
            form=MemberForm.parse({"student": student.username, "post": "operation"}),
        )
    assert "student" in caught.value.errors
    member = session.exec(
        TeamMember.__table__.select().where(TeamMember.team_id == team.id)
    ).first()
    member_service.remove_member(
        session, actor=teacher, team_id=team.id, member_id=member.id, form=LeaveForm.parse({})
    )
    assert team.captain_id is None


def test_stage_moves_are_dated_and_must_change_the_stage(session):
    teacher = make_teacher(session)
    team = make_team(session, stage="club")

    def move(stage, on):
        form = StageForm.parse({"stage": stage, "changed_on": on})
        team_service.change_stage(session, actor=teacher, team_id=team.id, form=form)

    move("studio", "2025-10-01")
    assert team.stage == "studio"
    with pytest.raises(FormErrors) as caught:
        move("studio", "2025-10-02")
    assert set(caught.value.errors) == {"stage"}
    with pytest.raises(FormErrors) as caught:
        move("academy", "2025-09-30")
    assert set(caught.value.errors) == {"changed_on"}
    with pytest.raises(FormErrors) as caught:
        move("academy", "2099-01-01")
    assert set(caught.value.errors) == {"changed_on"}


def test_students_and_mentors_see_only_their_own_teams(session):
    ensure_posts(session)
    alice, bob, mentor = make_student(session), make_student(session), make_mentor(session)
    mine = make_team(session, members=[(alice, "anchor")])
    other = make_team(session, members=[(bob, "anchor")])
    make_pairing(session, other, mentor=mentor)
    listed = team_service.list_teams(session, user=alice, page=1, per_page=25)
    assert [row.team.id for row in listed.items] == [mine.id]
    listed = team_service.list_teams(session, user=mentor, page=1, per_page=25)
    assert [row.team.id for row in listed.items] == [other.id]
    with pytest.raises(NotFound):
        team_service.team_detail(session, user=alice, team_id=other.id)
    with pytest.raises(NotFound):
        team_service.team_detail(session, user=mentor, team_id=mine.id)
    admin_rows = team_service.list_teams(session, user=make_admin(session), page=1, per_page=25)
    assert admin_rows.total == 2


def test_the_captain_invites_and_the_student_accepts(session):
    ensure_posts(session)
    captain, member, newcomer = make_student(session), make_student(session), make_student(session)
    team = make_team(session, members=[(captain, "anchor"), (member, "traffic")], captain=captain)
    invitation_form = InvitationForm.parse({"student": newcomer.username, "post": "operation"})
    with pytest.raises(NotFound):
        member_service.invite_member(session, actor=member, team_id=team.id, form=invitation_form)
    invitation = member_service.invite_member(
        session, actor=captain, team_id=team.id, form=invitation_form
    )
    with pytest.raises(NotFound):
        member_service.respond_to_invitation(
            session, user=member, invitation_id=invitation.id, accept=True
        )
    member_service.respond_to_invitation(
        session, user=newcomer, invitation_id=invitation.id, accept=True
    )
    assert team_service.current_member(session, team_id=team.id, user_id=newcomer.id)
    with pytest.raises(Conflict):
        member_service.respond_to_invitation(
            session, user=newcomer, invitation_id=invitation.id, accept=False
        )


def test_left_on_before_joined_on_is_refused(session):
    ensure_posts(session)
    teacher, student = make_teacher(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    member = team_service.current_member(session, team_id=team.id, user_id=student.id)
    assert member.joined_on == date(2025, 9, 1)
    with pytest.raises(FormErrors) as caught:
        member_service.remove_member(
            session,
            actor=teacher,
            team_id=team.id,
            member_id=member.id,
            form=LeaveForm.parse({"left_on": "2024-01-01"}),
        )
    assert "left_on" in caught.value.errors

"""A captain asks to enter an edition: the window, the track's rules and one open request
per team and edition; staff confirm or decline it; only confirmed entries are judged and
count in the evaluation."""

from datetime import date

import pytest
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.models.base import utcnow
from app.models.contests import EntryStatus
from app.schemas.contests import DeclineForm, EntryForm
from app.schemas.judging import AssignmentForm
from app.services.contests import award_facts
from app.services.contests import entries as contests_entries
from app.services.contests import requests as contest_requests
from app.services.contests.editions import edition_view
from app.services.judging import rounds as judging
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import make_edition, make_round, make_track
from tests.factories_teams import make_team

ON = date(2026, 5, 1)


def _world(session, **edition):
    captain, member = make_student(session), make_student(session)
    team = make_team(session, members=[(captain, "anchor"), (member, "operation")], captain=captain)
    ed = make_edition(session, **edition)
    round_ = make_round(session, edition=ed)
    track = make_track(session, edition=ed, min_members=2)
    return {
        "captain": captain,
        "member": member,
        "team": team,
        "edition": ed,
        "round": round_,
        "track": track,
    }


def _form(w, **extra) -> EntryForm:
    return EntryForm.parse(
        {
            "track_id": str(w["track"].id),
            "title": "乡村好物直播",
            "member_ids": [str(w["captain"].id), str(w["member"].id)],
            **extra,
        }
    )


def _request(session, w, *, actor=None, team=None, on=ON, form=None):
    return contest_requests.request_entry(
        session,
        actor=actor or w["captain"],
        edition_id=w["edition"].id,
        team_id=(team or w["team"]).id,
        form=form or _form(w),
        on=on,
    )


def test_the_captain_requests_an_entry_that_waits_for_staff(session):
    w = _world(session)
    entry = _request(session, w)
    assert entry.status == EntryStatus.requested
    assert entry.team_id == w["team"].id and entry.registered_by_id == w["captain"].id
    assert [
        row.entry.id for row in edition_view(session, edition_id=w["edition"].id).requested
    ] == [entry.id]


def test_a_team_member_who_is_not_captain_is_refused_and_other_teams_do_not_see_it(session):
    w = _world(session)
    with pytest.raises(Forbidden):
        _request(session, w, actor=w["member"])
    outsider = make_student(session)
    make_team(session, members=[(outsider, "anchor")], captain=outsider)
    with pytest.raises(NotFound):
        _request(session, w, actor=outsider)


def test_a_request_outside_the_window_is_refused_beside_the_track(session):
    w = _world(
        session, registration_opens_on=date(2026, 3, 1), registration_closes_on=date(2026, 4, 1)
    )
    with pytest.raises(FormErrors) as caught:
        _request(session, w)
    assert "2026-03-01" in str(caught.value.errors["track_id"])


def test_the_track_rules_apply_to_a_request(session):
    w = _world(session)
    with pytest.raises(FormErrors) as caught:
        _request(session, w, form=_form(w, member_ids=[str(w["captain"].id)]))
    assert "at least 2 members" in str(caught.value.errors["member_ids"])


def test_a_second_request_for_the_same_team_and_edition_is_a_conflict(session):
    w = _world(session)
    _request(session, w)
    with pytest.raises(Conflict):
        _request(session, w)
    teacher = make_teacher(session)  # staff cannot register the team beside its request
    with pytest.raises(FormErrors) as caught:
        contests_entries.register_entry(
            session,
            actor=teacher,
            edition_id=w["edition"].id,
            on=ON,
            form=_form(w, team_id=str(w["team"].id)),
        )
    assert "team_id" in caught.value.errors


def test_two_requests_racing_past_the_check_still_make_one(session, monkeypatch):
    w = _world(session)
    _request(session, w)
    for module in (contest_requests, contests_entries):  # both checks miss the first
        monkeypatch.setattr(module, "open_entry_id", lambda *a, **k: None)
    with pytest.raises(Conflict):  # the database's unique index refuses the second
        _request(session, w)


def test_staff_confirm_a_request_and_only_then_it_is_judged(session):
    w = _world(session)
    admin, judge = make_admin(session), make_teacher(session)
    entry = _request(session, w)
    with pytest.raises(FormErrors):  # a request is not judged
        judging.assign_judge(
            session,
            actor=admin,
            round_id=w["round"].id,
            form=AssignmentForm.parse({"entry_id": str(entry.id), "judge_id": str(judge.id)}),
        )
    assert judging.entries_for_assignment(session, round_id=w["round"].id) == []
    with pytest.raises(Forbidden):  # a teacher who does not advise it
        contest_requests.confirm_entry(session, actor=judge, entry_id=entry.id)
    contest_requests.confirm_entry(session, actor=admin, entry_id=entry.id)
    assert entry.status == EntryStatus.registered and entry.decided_by_id == admin.id
    with pytest.raises(Conflict):  # decided once
        contest_requests.confirm_entry(session, actor=admin, entry_id=entry.id)
    assert judging.entries_for_assignment(session, round_id=w["round"].id)[0][0].id == entry.id
    judging.assign_judge(
        session,
        actor=admin,
        round_id=w["round"].id,
        form=AssignmentForm.parse({"entry_id": str(entry.id), "judge_id": str(judge.id)}),
    )


def test_a_declined_request_keeps_its_reason_and_the_captain_may_ask_again(session):
    w = _world(session)
    admin = make_admin(session)
    entry = _request(session, w)
    with pytest.raises(FormErrors) as caught:
        contest_requests.decline_entry(
            session, actor=admin, entry_id=entry.id, form=DeclineForm.parse({"reason": ""})
        )
    assert "reason" in caught.value.errors
    contest_requests.decline_entry(
        session, actor=admin, entry_id=entry.id, form=DeclineForm.parse({"reason": "名额已满"})
    )
    assert entry.status == EntryStatus.declined and entry.decline_reason == "名额已满"
    view = edition_view(session, edition_id=w["edition"].id)
    [mine] = contest_requests.team_registrations(session, user=w["captain"], view=view)
    assert mine.entry.id == entry.id and mine.may_request
    assert _request(session, w).status == EntryStatus.requested


def test_award_facts_count_only_confirmed_entries(session):
    w = _world(session)
    requested = _request(session, w)
    w["round"].published_at, w["round"].results_on = utcnow(), ON
    session.add(w["round"])
    session.flush()
    facts = session.exec(select(award_facts().subquery().c.source_id)).all()
    assert requested.id not in facts
    requested.status = EntryStatus.registered.value
    session.add(requested)
    session.flush()
    assert requested.id in session.exec(select(award_facts().subquery().c.source_id)).all()

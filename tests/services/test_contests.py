"""Editions, registration with eligibility rules, conflicts of interest, ranking, awards,
publication lock and the change log, and the per-college cap on advancing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors, Invalid
from app.models.contests import ResultChange
from app.schemas.contests import EntryForm
from app.schemas.judging import AssignmentForm, AwardForm, PublishForm, QuotaForm
from app.services.contests import editions as contest_service
from app.services.contests import entries as contests_entries
from app.services.judging import results as judging_ranking
from app.services.judging import rounds as judging
from tests.factories import make_admin, make_mentor, make_student, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_criterion,
    make_edition,
    make_entry,
    make_external,
    make_round,
    make_track,
    score,
)
from tests.factories_teams import make_pairing, make_team

ON = date(2026, 5, 1)


def _form(team, track, members, **extra) -> EntryForm:
    return EntryForm.parse(
        {
            "team_id": str(team.id),
            "track_id": str(track.id),
            "title": "乡村好物直播",
            "member_ids": [str(m.id) for m in members],
            **extra,
        }
    )


def test_registration_checks_the_track_rules_and_names_them(session):
    teacher = make_teacher(session)
    students = [make_student(session) for _ in range(2)]
    team = make_team(session, members=[(s, "anchor") for s in students])
    edition = make_edition(session)
    make_round(session, edition=edition)
    startup = make_track(
        session,
        edition=edition,
        min_members=3,
        max_members=15,
        requires_business=True,
        max_business_age_years=5,
        min_enterprise_mentors=1,
    )
    with pytest.raises(FormErrors) as caught:
        contests_entries.register_entry(
            session,
            actor=teacher,
            edition_id=edition.id,
            on=ON,
            form=_form(team, startup, students, business_registered_on="2020-04-30"),
        )
    errors = {k: str(v) for k, v in caught.value.errors.items()}
    assert "at least 3 members" in errors["member_ids"]
    assert "under 5 years old" in errors["business_registered_on"]
    assert "at least 1 enterprise advisors" in errors["enterprise_ids"]


def test_an_eligible_entry_is_registered_with_its_advisors(session):
    teacher, mentor = make_teacher(session), make_mentor(session)
    students = [make_student(session) for _ in range(3)]
    team = make_team(session, members=[(s, "anchor") for s in students])
    edition = make_edition(session)
    make_round(session, edition=edition)
    track = make_track(session, edition=edition, min_members=3, max_enterprise_mentors=2)
    entry = contests_entries.register_entry(
        session,
        actor=teacher,
        edition_id=edition.id,
        on=ON,
        form=_form(team, track, students, enterprise_ids=[str(mentor.id)]),
    )
    detail = contests_entries.entry_detail(session, user=teacher, entry_id=entry.id)
    assert {u.id for u, kind in detail.advisors} == {teacher.id, mentor.id}  # registrar advises
    assert detail.can_manage
    with pytest.raises(FormErrors):  # one entry per team and round
        contests_entries.register_entry(
            session, actor=teacher, edition_id=edition.id, on=ON, form=_form(team, track, students)
        )
    other_teacher = make_teacher(session)
    with pytest.raises(Forbidden):
        contests_entries.update_entry(
            session, actor=other_teacher, entry_id=entry.id, form=_form(team, track, students)
        )


def test_registration_outside_the_window_and_past_national_winners(session):
    teacher = make_teacher(session)
    winner = make_student(session, full_name="李金奖")
    team = make_team(session, members=[(winner, "anchor")])
    edition = make_edition(
        session, registration_opens_on=date(2026, 3, 1), registration_closes_on=date(2026, 4, 1)
    )
    make_round(session, edition=edition)
    track = make_track(session, edition=edition, excludes_national_winners=True)
    with pytest.raises(Invalid):
        contests_entries.register_entry(
            session, actor=teacher, edition_id=edition.id, on=ON, form=_form(team, track, [winner])
        )
    make_external(session, student_id=winner.id, level="national", award="gold")
    with pytest.raises(FormErrors) as caught:
        contests_entries.register_entry(
            session,
            actor=teacher,
            edition_id=edition.id,
            on=date(2026, 3, 5),
            form=_form(team, track, [winner]),
        )
    assert "李金奖" in str(caught.value.errors["member_ids"])


def test_conflicts_of_interest_name_the_reason(session):
    team = make_team(session, members=[(make_student(session), "anchor")])
    industry = make_mentor(session, full_name="林导师")  # 温州直播电商产业园
    colleague = make_mentor(session, full_name="同事导师")  # same enterprise
    elsewhere = make_mentor(session, full_name="别处导师")
    elsewhere_profile = elsewhere  # enterprise changed below
    from app.models import MentorProfile

    profile = session.get(MentorProfile, elsewhere_profile.id)
    profile.enterprise = "杭州星耀传媒"
    session.add(profile)
    college = make_teacher(session, full_name="王老师")
    adviser = make_teacher(session, full_name="赵老师")
    make_pairing(session, team, teacher=college, mentor=industry, starts_on=date(2025, 1, 1))
    round_ = make_round(session)
    entry = make_entry(session, round_=round_, team=team, advisors=[(adviser, "college")])
    reasons = {
        who.full_name: judging.conflict_reason(session, judge=who, entry=entry)
        for who in (industry, colleague, elsewhere, college, adviser)
    }
    assert "advises this entry" in str(reasons["赵老师"])
    assert "industry mentor" in str(reasons["林导师"])
    assert "college mentor" in str(reasons["王老师"])
    assert "温州直播电商产业园" in str(reasons["同事导师"])
    assert reasons["别处导师"] is None
    admin = make_admin(session)
    with pytest.raises(FormErrors) as caught:
        judging.assign_judge(
            session,
            actor=admin,
            round_id=round_.id,
            form=AssignmentForm.parse({"entry_id": entry.id, "judge_id": colleague.id}),
        )
    assert "Conflict of interest" in str(caught.value.errors["judge_id"])
    judging.assign_judge(
        session,
        actor=admin,
        round_id=round_.id,
        form=AssignmentForm.parse({"entry_id": entry.id, "judge_id": elsewhere.id}),
    )


def _scored_round(session, totals: dict[str, list[int]], **round_values):
    """One criterion (max 100); each team gets the listed totals from distinct judges."""
    round_ = make_round(session, **round_values)
    criterion = make_criterion(session, round_=round_, max_score=100)
    entries = {}
    for name, values in totals.items():
        team = make_team(session, name=name, members=[(make_student(session), "anchor")])
        entry = make_entry(session, round_=round_, team=team)
        for value in values:
            a = make_assignment(session, entry=entry, judge=make_teacher(session))
            score(session, a, {criterion.id: value})
        entries[name] = entry
    return round_, criterion, entries


def test_ranking_trims_with_five_judges_and_flags_wide_spreads(session):
    round_, _c, entries = _scored_round(
        session, {"甲": [90, 60, 80, 99, 70], "乙": [82, 82], "丙": [50]}
    )
    view = judging_ranking.ranking(session, round_id=round_.id)
    rows = {r.team.name: r for r in view.rows}
    assert rows["甲"].score == Decimal(80)  # (70 + 80 + 90) / 3
    assert rows["乙"].score == Decimal(82)
    assert [r.team.name for r in view.rows] == ["乙", "甲", "丙"]
    assert rows["甲"].wide and not rows["乙"].wide  # 39 > 20% of 100


def test_quotas_publish_lock_and_admin_changes_are_logged(session):
    round_, _c, entries = _scored_round(session, {f"队{n}": [100 - n] for n in range(10)})
    bands = QuotaForm.parse({"q_first": "10", "q_second": "20", "q_third": "30"}).bands()
    assert judging_ranking.apply_quotas(session, round_id=round_.id, bands=bands) == 6
    awards = [entries[f"队{n}"].award for n in range(10)]
    assert awards == ["first", "second", "second", "third", "third", "third"] + [None] * 4
    admin, teacher = make_admin(session), make_teacher(session)
    judging_ranking.publish_round(
        session, actor=admin, round_id=round_.id, form=PublishForm.parse({}), on=ON
    )
    assert round_.is_locked and round_.results_on == ON
    with pytest.raises(Conflict):
        judging_ranking.apply_quotas(session, round_id=round_.id, bands=bands)
    with pytest.raises(Forbidden):
        judging_ranking.set_award(
            session,
            actor=teacher,
            round_id=round_.id,
            entry_id=entries["队9"].id,
            form=AwardForm.parse({"award": "third", "reason": "复核"}),
        )
    with pytest.raises(FormErrors):
        judging_ranking.set_award(
            session,
            actor=admin,
            round_id=round_.id,
            entry_id=entries["队9"].id,
            form=AwardForm.parse({"award": "third"}),
        )
    judging_ranking.set_award(
        session,
        actor=admin,
        round_id=round_.id,
        entry_id=entries["队9"].id,
        form=AwardForm.parse({"award": "third", "reason": "复核后改正计分错误"}),
    )
    change = session.exec(select(ResultChange)).one()
    assert (change.actor_id, change.reason) == (admin.id, "复核后改正计分错误")
    assert "third" in change.detail and change.changed_at is not None


def test_advancing_respects_the_college_cap(session):
    round_, _c, entries = _scored_round(session, {"A": [90], "B": [80], "C": [70]}, advance_cap=2)
    make_round(
        session,
        edition=contest_service.get_edition(session, round_.edition_id),
        position=2,
        level="provincial",
    )
    with pytest.raises(Conflict):  # not published yet
        contests_entries.advance_entry(session, round_id=round_.id, entry_id=entries["A"].id)
    judging_ranking.publish_round(
        session, actor=make_admin(session), round_id=round_.id, form=PublishForm.parse({}), on=ON
    )
    contests_entries.advance_entry(session, round_id=round_.id, entry_id=entries["A"].id)
    contests_entries.advance_entry(session, round_id=round_.id, entry_id=entries["B"].id)
    with pytest.raises(Conflict) as caught:
        contests_entries.advance_entry(session, round_id=round_.id, entry_id=entries["C"].id)
    assert caught.value.params == {"n": 2}

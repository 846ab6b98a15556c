"""Guidance logs: only for one's own pairings; acknowledgement, action items, overviews, report."""

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.errors import FormErrors, NotFound
from app.exports import guidance as guidance_export
from app.schemas.mentoring import LogForm
from app.services import clock
from app.services.clock import today
from app.services.mentoring import guidance as guidance_service
from app.services.mentoring import overview as guidance_overview
from app.services.mentoring import pairing_page, team_guidance
from app.services.mentoring import report as guidance_report
from tests.factories import make_student
from tests.factories_teams import make_log, make_paired_world, make_team


def _form(**changes) -> LogForm:
    values = {
        "held_on": today().isoformat(),
        "minutes": "90",
        "mode": "in_studio",
        "notes": "讲解投流节奏",
        "actions": ["整理话术", "复盘数据", ""],
    }
    values.update(changes)
    return LogForm.parse(values)


def test_a_mentor_logs_guidance_for_their_pairing_with_action_items(session):
    w = make_paired_world(session)
    log = guidance_service.create_log(
        session, user=w["mentor_a"], pairing_id=w["pairing_a"].id, form=_form()
    )
    detail = guidance_service.log_detail(session, user=w["mentor_a"], log_id=log.id)
    assert [a.text for a in detail.view.actions] == ["整理话术", "复盘数据"]
    assert detail.can_delete and not detail.can_acknowledge


def test_the_paired_teacher_may_log_too(session):
    w = make_paired_world(session)
    log = guidance_service.create_log(
        session, user=w["teacher"], pairing_id=w["pairing_a"].id, form=_form()
    )
    assert log.author_id == w["teacher"].id


def test_another_mentors_pairing_is_not_found_for_every_operation(session):
    w = make_paired_world(session)
    bob = w["mentor_b"]
    with pytest.raises(NotFound):
        guidance_service.create_log(session, user=bob, pairing_id=w["pairing_a"].id, form=_form())
    with pytest.raises(NotFound):
        pairing_page(session, user=bob, pairing_id=w["pairing_a"].id)
    with pytest.raises(NotFound):
        guidance_service.log_detail(session, user=bob, log_id=w["log_a"].id)
    with pytest.raises(NotFound):
        guidance_service.delete_log(session, user=bob, log_id=w["log_a"].id)
    assert team_guidance.team_logs(session, user=bob, team_id=w["team_a"].id) == []


def test_bad_input_is_refused_beside_each_field(session):
    w = make_paired_world(session)
    with pytest.raises(FormErrors) as caught:
        form = _form(
            held_on="2999-01-01",
            minutes="0",
            mode="telepathy",
            skill_ids=["abc"],
            actions=["x" * 501],
        )
        guidance_service.create_log(
            session, user=w["mentor_a"], pairing_id=w["pairing_a"].id, form=form
        )
    assert set(caught.value.errors) == {"held_on", "minutes", "mode", "skill_ids", "actions"}


def test_team_members_acknowledge_and_tick_items_outsiders_cannot(session):
    w = make_paired_world(session)
    log, outsider = w["log_a"], make_student(session)
    with pytest.raises(NotFound):
        guidance_service.acknowledge_log(session, user=w["student_b"], log_id=log.id)
    with pytest.raises(NotFound):
        guidance_service.acknowledge_log(session, user=w["mentor_a"], log_id=log.id)
    guidance_service.acknowledge_log(session, user=w["student_a"], log_id=log.id)
    assert log.acknowledged_by_id == w["student_a"].id
    item = guidance_service.log_detail(session, user=w["student_a"], log_id=log.id).view.actions[0]
    with pytest.raises(NotFound):
        guidance_service.set_action_done(session, user=outsider, action_id=item.id, done=True)
    guidance_service.set_action_done(session, user=w["student_a"], action_id=item.id, done=True)
    assert item.done_by_id == w["student_a"].id


def test_mentor_overview_counts_this_terms_hours_and_open_items(session):
    w = make_paired_world(session)
    make_log(session, w["pairing_a"], minutes=30, actions=("a", "b"))
    make_log(session, w["pairing_a"], held_on=today() - timedelta(days=400), minutes=600)
    overview = guidance_overview.my_pairings_overview(session, user=w["mentor_a"])
    assert [row.team.id for row, _m, _l in overview.pairings] == [w["team_a"].id]
    assert overview.minutes_this_term == 120
    assert len(overview.open_actions) == 4  # 1 + 2 this term + 1 old
    student = guidance_overview.student_overview(session, user=w["student_a"])
    assert [t.id for t, _p in student.teams] == [w["team_a"].id]
    assert len(student.unacknowledged) == 3


def test_term_bounds():
    assert clock.term_bounds(date(2025, 10, 1)) == (date(2025, 9, 1), date(2026, 3, 1))
    assert clock.term_bounds(date(2026, 1, 5)) == (date(2025, 9, 1), date(2026, 3, 1))
    assert clock.term_bounds(date(2026, 5, 5)) == (date(2026, 3, 1), date(2026, 9, 1))


def test_report_sums_hours_and_lists_quiet_teams_and_exports_safely(session):
    w = make_paired_world(session)
    quiet = make_team(session, name='=HYPERLINK("http://x")')
    report = guidance_report.guidance_report(session, weeks=4)
    assert {p.id: m for p, m, _n in report.by_author} == {
        w["mentor_a"].id: 90,
        w["mentor_b"].id: 90,
    }
    assert {t.id for t, _m, _n in report.by_team} == {w["team_a"].id, w["team_b"].id}
    assert sum(m for _y, _mo, m, _n in report.by_month) == 180
    assert [t.id for t, _last, _paired in report.quiet_teams] == [quiet.id]
    book = load_workbook(__import__("io").BytesIO(guidance_export.report_xlsx(report)))
    quiet = book.worksheets[3].cell(row=2, column=1)
    expected = ('=HYPERLINK("http://x")', "s", True)
    assert (quiet.value, quiet.data_type, quiet.quotePrefix) == expected
    assert book.worksheets[0].cell(row=2, column=3).value == 1.5


def test_a_log_outside_the_pairing_or_with_unknown_topics_is_refused(session):
    w = make_paired_world(session)
    form = _form(held_on="2001-01-01", skill_ids=["999999"])
    with pytest.raises(FormErrors) as caught:
        guidance_service.create_log(
            session, user=w["mentor_a"], pairing_id=w["pairing_a"].id, form=form
        )
    assert set(caught.value.errors) == {"held_on", "skill_ids"}

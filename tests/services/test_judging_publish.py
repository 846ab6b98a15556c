"""Publishing a round: refused while score sheets are missing unless done on purpose with
a reason (recorded, with what was missing); the award date is the day of publication."""

from datetime import date

import pytest
from sqlmodel import select

from app.errors import FormErrors
from app.i18n import activate
from app.models.contests import ResultChange
from app.schemas.judging import PublishForm
from app.services import judging
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import make_assignment, make_criterion, make_entry, make_round, score
from tests.factories_teams import make_team

HELD, PUBLISHED = date(2026, 5, 10), date(2026, 5, 20)


def _round(session):
    """Team 甲 scored by both judges; 乙 by one of two (王 has not finished); 丙 by nobody."""
    round_ = make_round(session, held_on=HELD)
    criterion = make_criterion(session, round_=round_, max_score=100)
    entries = {}
    for name in ("甲", "乙", "丙"):
        team = make_team(session, name=name, members=[(make_student(session), "anchor")])
        entries[name] = make_entry(session, round_=round_, team=team, title=f"{name}的项目")
    done, late = (
        make_teacher(session, full_name="李老师"),
        make_teacher(session, full_name="王老师"),
    )
    score(session, make_assignment(session, entry=entries["甲"], judge=done), {criterion.id: 80})
    score(session, make_assignment(session, entry=entries["甲"], judge=late), {criterion.id: 70})
    score(session, make_assignment(session, entry=entries["乙"], judge=done), {criterion.id: 60})
    make_assignment(session, entry=entries["乙"], judge=late)  # not scored yet
    make_assignment(session, entry=entries["丙"], judge=late)  # not scored yet
    return round_


def test_missing_sheets_are_listed_by_judge_and_entry(session):
    round_ = _round(session)
    view = judging.ranking(session, round_id=round_.id)
    missing = {(m.team, m.judge) for m in judging.missing_scores(view)}
    assert missing == {("乙", "王老师"), ("丙", "王老师"), ("丙", None)}


def test_publishing_with_scores_missing_is_refused(session):
    activate("en")
    round_ = _round(session)
    with pytest.raises(FormErrors) as caught:
        judging.publish_round(
            session, actor=make_admin(session), round_id=round_.id, form=PublishForm.parse({})
        )
    assert "3 score sheets are missing" in str(caught.value.errors["anyway"])
    assert not round_.is_locked


def test_publishing_anyway_needs_a_reason_and_records_what_was_missing(session):
    round_ = _round(session)
    admin = make_admin(session)
    with pytest.raises(FormErrors) as caught:
        PublishForm.parse({"anyway": "1"})
    assert "publish_reason" in caught.value.errors
    form = PublishForm.parse({"anyway": "1", "publish_reason": "王老师因病无法评分"})
    judging.publish_round(session, actor=admin, round_id=round_.id, form=form, on=PUBLISHED)
    assert round_.is_locked
    change = session.exec(select(ResultChange).where(ResultChange.round_id == round_.id)).one()
    assert change.actor_id == admin.id and change.reason == "王老师因病无法评分"
    assert "乙: 王老师" in change.detail and "丙: —" in change.detail


def test_the_award_date_is_the_day_of_publication_not_the_round_date(session):
    round_ = make_round(session, held_on=HELD)
    criterion = make_criterion(session, round_=round_, max_score=100)
    team = make_team(session, members=[(make_student(session), "anchor")])
    entry = make_entry(session, round_=round_, team=team)
    score(
        session,
        make_assignment(session, entry=entry, judge=make_teacher(session)),
        {criterion.id: 90},
    )
    form = PublishForm.parse({})
    judging.publish_round(
        session, actor=make_admin(session), round_id=round_.id, form=form, on=PUBLISHED
    )
    assert round_.results_on == PUBLISHED  # not HELD
    assert session.exec(select(ResultChange)).first() is None  # nothing was missing


def test_the_round_page_lists_what_is_missing_and_publishes_only_on_purpose(client, session):
    round_ = _round(session)
    admin = make_admin(session, locale="en")
    session.commit()
    client.login_as(admin)
    page = client.get(f"/contests/rounds/{round_.id}")
    assert 'id="missing-scores"' in page.text
    assert "王老师 has not finished the score sheet" in page.text
    assert "scored by nobody yet" in page.text
    refused = client.post_form(f"/contests/rounds/{round_.id}/publish", {})
    assert refused.status_code == 422
    assert 'id="anyway-error"' in refused.text
    published = client.post_form(
        f"/contests/rounds/{round_.id}/publish", {"anyway": "1", "publish_reason": "评委缺席"}
    )
    assert published.status_code == 303
    session.expire_all()
    assert session.get(type(round_), round_.id).is_locked
    assert "published with scores missing" in client.get(f"/contests/rounds/{round_.id}").text

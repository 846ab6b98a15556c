"""Only a log's author, or an administrator, may change it; each change keeps who changed
what, and a log changed by someone else never shows under the author's name alone."""

import pytest

from app.errors import Forbidden
from app.i18n import activate
from app.schemas.mentoring import LogForm
from app.services.clock import today
from app.services.mentoring import guidance as guidance_service
from tests.factories import make_admin
from tests.factories_teams import make_paired_world


def _form(**changes) -> LogForm:
    values = {
        "held_on": today().isoformat(),
        "minutes": "90",
        "mode": "online",
        "notes": "复盘上一场直播",
        "actions": ["整理选品清单"],
    }
    return LogForm.parse({**values, **changes})


@pytest.fixture
def world(session):
    w = make_paired_world(session)
    w["log"] = guidance_service.create_log(
        session, user=w["mentor_a"], pairing_id=w["pairing_a"].id, form=_form()
    )
    return w


def test_the_paired_teacher_reads_the_mentors_log_but_may_not_change_it(session, world):
    teacher, log = world["teacher"], world["log"]
    assert guidance_service.log_detail(session, user=teacher, log_id=log.id).can_delete is False
    with pytest.raises(Forbidden):
        guidance_service.update_log(session, user=teacher, log_id=log.id, form=_form(minutes="600"))
    with pytest.raises(Forbidden):
        guidance_service.delete_log(session, user=teacher, log_id=log.id)
    with pytest.raises(Forbidden):
        guidance_service.log_form(session, user=teacher, log_id=log.id)
    assert log.minutes == 90


def test_an_administrators_change_is_recorded_and_named_beside_the_author(session, world):
    admin = make_admin(session, full_name="教务处王老师")
    log = world["log"]
    guidance_service.update_log(
        session, user=admin, log_id=log.id, form=_form(minutes="120", mode="on_site")
    )
    detail = guidance_service.log_detail(session, user=world["mentor_a"], log_id=log.id)
    assert detail.view.author.id == world["mentor_a"].id
    assert detail.view.other_editors == ["教务处王老师"]
    [change] = detail.view.changes
    assert change.editor == "教务处王老师"
    assert change.items == [("minutes", "90", "120"), ("mode", "online", "on_site")]


def test_the_authors_own_corrections_are_kept_too_and_unchanged_saves_add_nothing(session, world):
    mentor, log = world["mentor_a"], world["log"]
    guidance_service.update_log(session, user=mentor, log_id=log.id, form=_form())  # no change
    guidance_service.update_log(
        session, user=mentor, log_id=log.id, form=_form(notes="改：复盘两场直播")
    )
    detail = guidance_service.log_detail(session, user=mentor, log_id=log.id)
    assert [c.items for c in detail.view.changes] == [[("notes", "", "")]]
    assert detail.view.other_editors == []


def test_the_log_page_shows_who_changed_what(client, session, world):
    activate("en")
    admin = make_admin(session, full_name="Admin Wang", locale="en")
    guidance_service.update_log(
        session, user=admin, log_id=world["log"].id, form=_form(minutes="45")
    )
    session.commit()
    client.login_as(admin)
    page = client.get(f"/guidance/logs/{world['log'].id}")
    assert page.status_code == 200
    assert "changed by Admin Wang" in page.text
    assert 'id="log-changes"' in page.text and "90 → 45" in page.text


def test_the_paired_teacher_gets_403_on_the_mentors_edit_form(client, session, world):
    session.commit()
    client.login_as(world["teacher"])
    assert client.get(f"/guidance/logs/{world['log'].id}/edit").status_code == 403
    response = client.post_form(f"/guidance/logs/{world['log'].id}/delete", {})
    assert response.status_code == 403

"""The catalogue page keeps the catalogue per worker until a post, skill or competency
changes: a second visit reads no skill, and any committed change (through the app, the
ORM on another connection, or a bulk statement) shows at once."""

from sqlalchemy import update

from app.models import CoreCompetency, Skill
from tests.catalogue_support import skill_by_code
from tests.factories import make_admin, make_student

READS_SKILLS = "FROM skill"


def _kept_page(client, statement_counter) -> str:
    """The catalogue, visited until it is served from the kept catalogue (the second time)."""
    assert client.get("/catalogue").status_code == 200
    with statement_counter() as second:
        page = client.get("/catalogue")
    assert not any(READS_SKILLS in s for s in second), "the second visit read the skills again"
    return page.text


def test_a_skill_renamed_on_another_connection_shows_at_once(
    client, session, catalogue, statement_counter
):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    with statement_counter() as first:
        assert "商品讲解与卖点提炼" in _kept_page(client, statement_counter)
    assert any(READS_SKILLS in s for s in first)
    skill = skill_by_code(session, "ANC-01")
    skill.name_zh = "卖点讲解"
    session.add(skill)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    page = client.get("/catalogue").text
    assert "卖点讲解" in page and "商品讲解与卖点提炼" not in page


def test_an_edit_through_the_app_and_a_bulk_update_show_at_once(
    client, session, catalogue, statement_counter
):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    _kept_page(client, statement_counter)
    skill = skill_by_code(session, "PLT-03")
    assert client.post_form(f"/catalogue/skills/{skill.id}/retire").status_code == 303
    page = client.get("/catalogue").text
    assert f'<li id="skill-{skill.id}" class="skill-row is-retired">' in page

    _kept_page(client, statement_counter)
    session.exec(update(CoreCompetency).values(description_zh="批量改过的说明"))
    session.commit()
    assert "批量改过的说明" in client.get("/catalogue").text


def test_readers_never_get_the_administrators_kept_links(
    client, other_client, session, catalogue, statement_counter
):
    admin, student = make_admin(session), make_student(session)
    session.commit()
    client.login(admin.username)
    other_client.login(student.username)
    skill_id = skill_by_code(session, "ANC-01").id
    assert f"/catalogue/skills/{skill_id}/edit" in _kept_page(client, statement_counter)
    page = _kept_page(other_client, statement_counter)
    assert "ANC-01" in page and "/catalogue/skills/" not in page and "/edit" not in page
    assert session.get(Skill, skill_id) is not None

"""A version's coverage map and gap report, and the competitions page, are kept per
worker until a curriculum table changes: a second visit reads no module, any committed
change (another connection, a bulk statement) shows at once, and a computed page costs
the same statements for ten times the data."""

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.models.curriculum import CompetitionItem, CourseModule, ModuleSkill, Placement
from tests.factories import make_admin, make_teacher
from tests.factories_curriculum import (
    make_competition,
    make_course,
    make_item,
    make_module,
    make_post,
    make_programme,
    make_skill,
)

READS_MODULES = "FROM course_module"
PAGES = ("coverage", "gaps")


def _world(session, courses: int = 1, code: str = "QQ-01"):
    post = make_post(session)
    skill = make_skill(session, post=post, code=code)
    made = [make_course(session, owners=[], semester=2) for _ in range(courses)]
    modules = [make_module(session, course=course, hours=16) for course in made]
    programme, version = make_programme(session, courses=made)
    session.commit()
    return f"/programmes/{programme.id}/versions/{version.id}", skill, modules


@pytest.mark.parametrize("page", PAGES)
def test_a_second_visit_is_kept_and_a_change_on_another_connection_shows_at_once(
    client, session, statement_counter, page
):
    base, skill, (module,) = _world(session)
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    url = f"{base}/{page}"
    with statement_counter() as first:
        assert client.get(url).status_code == 200
    with statement_counter() as second:
        before = client.get(url).text
    assert any(READS_MODULES in s for s in first)
    assert not any(READS_MODULES in s for s in second), "the second visit computed again"
    session.add(ModuleSkill(module_id=module.id, skill_id=skill.id))
    session.commit()  # the test's own connection: another worker, as far as the app knows
    after = client.get(url).text
    if page == "gaps":
        assert 'data-gap="skill-QQ-01"' in before and 'data-gap="skill-QQ-01"' not in after
    else:
        assert 'data-semester="2">16<' not in before and 'data-semester="2">16<' in after


def test_a_bulk_update_of_module_hours_shows_at_once_on_the_map(client, session):
    base, skill, (module,) = _world(session)
    session.add(ModuleSkill(module_id=module.id, skill_id=skill.id))
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert 'data-semester="2">16<' in client.get(f"{base}/coverage").text
    session.exec(update(CourseModule).where(CourseModule.id == module.id).values(hours=40))
    session.commit()
    assert 'data-semester="2">40<' in client.get(f"{base}/coverage").text


@pytest.mark.parametrize("page", PAGES)
def test_a_computed_page_costs_the_same_statements_for_ten_times_the_courses(
    client, session, statement_counter, page
):
    small, _, _ = _world(session, courses=2, code="QQ-02")
    large, _, _ = _world(session, courses=20, code="QQ-20")
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/")  # warm up (the session's touch)
    counts = []
    for base in (small, large):
        with statement_counter() as statements:  # each first visit after a change computes
            assert client.get(f"{base}/{page}").status_code == 200
        assert any(READS_MODULES in s for s in statements)
        counts.append(len(statements))
        make_post(session)
        session.commit()
    assert counts[0] == counts[1], counts


def test_the_competitions_page_is_kept_and_an_edit_shows_at_once(
    client, other_client, session, statement_counter
):
    competition = make_competition(session, name_zh="直播电商挑战赛")
    make_item(session, competition=competition, name_zh="直播带货实战")
    admin, teacher = make_admin(session), make_teacher(session)
    session.commit()
    client.login(admin.username)
    other_client.login(teacher.username)
    assert client.get("/competitions").status_code == 200
    with statement_counter() as kept:
        page = client.get("/competitions").text
    assert not any("FROM competition_item" in s for s in kept)
    assert f'action="/competitions/{competition.id}/entry-semester"' in page  # live, per user
    assert "entry-semester" not in other_client.get("/competitions").text
    response = client.post_form(
        f"/competitions/{competition.id}/entry-semester", {"entry_semester": "5"}
    )
    assert response.status_code == 303
    assert "通常在第 5 学期参赛。" in other_client.get("/competitions").text
    item = session.exec(select(CompetitionItem)).first()
    item.name_zh = "直播带货复盘"
    session.add(item)
    session.commit()  # another connection
    page = other_client.get("/competitions").text
    assert "直播带货复盘" in page and "直播带货实战" not in page


def test_the_competitions_page_costs_the_same_statements_for_ten_times_the_items(
    client, session, statement_counter
):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/")
    counts = []
    for items in (2, 20):
        competition = make_competition(session)
        for _ in range(items):
            make_item(session, competition=competition)
        session.commit()  # a change: the next visit computes
        with statement_counter() as statements:
            assert client.get("/competitions").status_code == 200
        assert any("FROM competition_item" in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_version_page_is_kept_and_a_placement_from_another_connection_shows_at_once(
    client, session, statement_counter
):
    base, _, _ = _world(session)
    version_id = int(base.rsplit("/", 1)[1])
    extra = make_course(session, owners=[], semester=4, code="KEPT401")
    make_module(session, course=extra)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert client.get(base).status_code == 200
    with statement_counter() as second:
        page = client.get(base).text
    assert not any("FROM placement JOIN course" in s for s in second), "computed again"
    assert "KEPT401" not in page.split('id="place"')[0]  # only in the picker
    session.add(Placement(version_id=version_id, course_id=extra.id, semester=4))
    session.commit()  # another connection
    page = client.get(base).text
    assert "<code>KEPT401</code>" in page


def test_a_computed_version_page_costs_the_same_statements_for_ten_times_the_courses(
    client, session, statement_counter
):
    small, _, _ = _world(session, courses=2, code="QQ-32")
    large, _, _ = _world(session, courses=20, code="QQ-40")
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    client.get("/")
    counts = []
    for base in (small, large):
        with statement_counter() as statements:
            assert client.get(base).status_code == 200
        assert any("FROM placement JOIN course" in s for s in statements)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

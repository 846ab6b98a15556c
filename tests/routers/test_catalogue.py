"""The skills catalogue as every role reads it: access, search, language, statements."""

import re

import pytest
from sqlalchemy import select

from app.models import CoreCompetency, Post, Skill
from tests.catalogue_support import (
    HTMX,
    post_by_code,
    skill_by_code,
    skill_count,
)
from tests.factories import make_admin, make_mentor, make_student, make_teacher


@pytest.mark.parametrize("make_user", [make_student, make_teacher, make_mentor, make_admin])
def test_every_role_can_read_the_catalogue(client, session, catalogue, make_user):
    user = make_user(session)
    session.commit()
    client.login(user.username)
    page = client.get("/catalogue")
    assert page.status_code == 200
    for text_ in (
        "ANC-01",
        "商品讲解与卖点提炼",
        "主播/直播销售员",
        "操盘手",
        "学习能力",
        "人际理解",
    ):
        assert text_ in page.text
    assert page.text.count('class="badge badge-core"') == 4
    can_edit = make_user is make_admin
    assert ("/catalogue/posts/" in page.text) is can_edit
    assert ("/catalogue/skills/" in page.text) is can_edit
    skill = skill_by_code(session, "ANC-01")
    assert client.get(f"/catalogue/skills/{skill.id}").status_code == 200


def _edit_routes(session):
    post, skill = post_by_code(session, "anchor"), skill_by_code(session, "ANC-01")
    competency = session.exec(select(CoreCompetency)).scalars().first()
    return [
        ("GET", f"/catalogue/posts/{post.id}/edit", {}),
        ("POST", f"/catalogue/posts/{post.id}", {"name_zh": "x", "name_en": "x"}),
        ("GET", f"/catalogue/posts/{post.id}/skills/new", {}),
        (
            "POST",
            f"/catalogue/posts/{post.id}/skills",
            {"code": "ANC-50", "name_zh": "x", "name_en": "x"},
        ),
        ("GET", f"/catalogue/skills/{skill.id}/edit", {}),
        ("POST", f"/catalogue/skills/{skill.id}", {"name_zh": "x", "name_en": "x"}),
        ("POST", f"/catalogue/skills/{skill.id}/retire", {}),
        ("POST", f"/catalogue/skills/{skill.id}/restore", {}),
        ("POST", f"/catalogue/skills/{skill.id}/delete", {}),
        ("GET", f"/catalogue/competencies/{competency.id}/edit", {}),
        (
            "POST",
            f"/catalogue/competencies/{competency.id}",
            {"name_zh": "x", "name_en": "x"},
        ),
    ]


@pytest.mark.parametrize("make_user", [make_student, make_teacher, make_mentor])
def test_only_admins_reach_the_edit_pages_and_actions(client, session, catalogue, make_user):
    user = make_user(session)
    session.commit()
    client.login(user.username)
    before = skill_count(session)
    for method, url, data in _edit_routes(session):
        if method == "GET":
            response = client.get(url, follow_redirects=False)
        else:
            response = client.post_form(url, data)
        assert response.status_code == 403, f"{user.role} got {response.status_code} on {url}"
    session.expire_all()
    skill = skill_by_code(session, "ANC-01")
    assert (skill.name_zh, skill.retired) == ("商品讲解与卖点提炼", False)
    assert post_by_code(session, "anchor").name_zh == "主播/直播销售员"
    assert skill_count(session) == before


def test_the_admin_sees_every_edit_page(admin_client, session):
    for method, url, _data in _edit_routes(session):
        if method == "GET":
            page = admin_client.get(url)
            assert page.status_code == 200, url
            assert re.search(r'name="csrf_token" value="[^"]+"', page.text.split("<main")[1])


def test_search_filters_skills_with_and_without_javascript(client, session, catalogue):
    student = make_student(session)
    session.commit()
    client.login(student.username)

    def codes(html: str) -> set[str]:
        return set(re.findall(r'<code class="skill-code">([^<]+)</code>', html))

    full = client.get("/catalogue", params={"q": "sel-0"})
    assert full.status_code == 200 and "<html" in full.text
    assert codes(full.text) == {f"SEL-0{n}" for n in range(1, 7)}
    partial = client.get("/catalogue", params={"q": "话术"}, headers=HTMX)
    assert "<html" not in partial.text and 'id="catalogue-results"' in partial.text
    assert codes(partial.text) == {"ANC-02"}
    english = client.get("/catalogue", params={"q": "ROI"}, headers=HTMX)
    assert codes(english.text) == {"TRF-03"}
    by_post = client.get("/catalogue", params={"q": "选品"}, headers=HTMX)
    assert codes(by_post.text) == {f"SEL-0{n}" for n in range(1, 7)}
    none = client.get("/catalogue", params={"q": "no-such-skill"}, headers=HTMX)
    assert 'class="empty"' in none.text and not codes(none.text)


def test_the_catalogue_page_issues_the_same_number_of_statements_for_10_and_60_skills(
    client, session, statement_counter
):
    posts = [
        Post(code=f"p{n}", name_zh=f"岗位{n}", name_en=f"Post {n}", sort_order=n) for n in range(3)
    ]
    session.add_all(posts)
    session.flush()

    def add_skills(first: int, last: int) -> None:
        for n in range(first, last):
            session.add(
                Skill(
                    post_id=posts[n % 3].id,
                    code=f"S-{n:03d}",
                    name_zh=f"技能{n}",
                    name_en=f"Skill {n}",
                )
            )
        session.commit()

    add_skills(0, 10)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/catalogue")  # warm up (session touch etc.)

    add_skills(10, 11)  # each change is read afresh: both counts are of a computed page
    with statement_counter() as few:
        assert client.get("/catalogue").status_code == 200
    add_skills(11, 60)
    with statement_counter() as many:
        page = client.get("/catalogue")
    assert "S-059" in page.text
    assert len(few) == len(many), many
    assert len(many) <= 8
    with statement_counter() as kept:
        assert "S-059" in client.get("/catalogue").text
    assert len(kept) <= 3, kept  # the login check and the catalogue's token


def test_names_follow_the_chosen_language(client, session, catalogue):
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    chinese = client.get("/catalogue")
    assert "商品讲解与卖点提炼" in chinese.text
    assert "Product explanation and selling-point extraction" not in chinese.text
    assert "核心岗位" in chinese.text

    client.post_form("/language", {"locale": "en", "next": "/catalogue"})
    english = client.get("/catalogue")
    assert "Product explanation and selling-point extraction" in english.text
    assert "商品讲解与卖点提炼" not in english.text
    assert "Learning ability" in english.text and "Core post" in english.text

"""The administrator's edits of the skills catalogue: posts, skills, competencies."""

import re

from sqlalchemy import select, text

from app.models import CoreCompetency, Post, Skill
from app.services.curriculum import catalogue as catalogue_service
from tests.catalogue_support import (
    HTMX,
    post_by_code,
    skill_by_code,
    skill_count,
    skill_reference_table,
)


def test_an_admin_edit_of_a_post_appears_on_the_page(admin_client, session):
    post = post_by_code(session, "field_control")
    response = admin_client.post_form(
        f"/catalogue/posts/{post.id}",
        {
            "name_zh": "场控主管",
            "name_en": "Field controller",
            "description_zh": "掌控直播现场。",
            "description_en": "Runs the room.",
            "is_core": "1",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/catalogue#post-{post.id}"
    page = admin_client.get("/catalogue")
    assert "场控主管" in page.text and "掌控直播现场。" in page.text
    assert page.text.count('class="badge badge-core"') == 5
    session.expire_all()
    assert session.get(Post, post.id).is_core is True


def test_an_htmx_post_edit_redirects_and_bad_input_stays_beside_the_field(admin_client, session):
    post = post_by_code(session, "traffic")
    bad = admin_client.post_form(
        f"/catalogue/posts/{post.id}",
        {"name_zh": "", "name_en": "Traffic"},
        headers=HTMX,
    )
    assert bad.status_code == 422
    assert "<html" not in bad.text and 'id="name_zh-error"' in bad.text
    good = admin_client.post_form(
        f"/catalogue/posts/{post.id}", {"name_zh": "投流", "name_en": "Ads"}, headers=HTMX
    )
    assert good.status_code == 204 and good.headers["HX-Redirect"] == f"/catalogue#post-{post.id}"
    session.expire_all()
    assert session.get(Post, post.id).is_core is False  # an unticked box clears the flag


def test_the_admin_adds_a_skill_and_it_is_listed(admin_client, session):
    post = post_by_code(session, "anchor")
    response = admin_client.post_form(
        f"/catalogue/posts/{post.id}/skills",
        {
            "code": "anc-20",
            "name_zh": "长时段直播状态管理",
            "name_en": "Stamina on long broadcasts",
        },
    )
    assert response.status_code == 303
    skill = skill_by_code(session, "ANC-20")
    assert response.headers["location"] == f"/catalogue#skill-{skill.id}"
    assert skill.post_id == post.id
    page = admin_client.get("/catalogue")
    assert "长时段直播状态管理" in page.text


def test_the_inline_add_form_returns_the_new_row_and_a_fresh_form(admin_client, session):
    post = post_by_code(session, "video_creator")
    page = admin_client.get("/catalogue")
    assert f'<form id="new-skill-{post.id}"' not in page.text  # it loads on demand
    assert f'hx-get="/catalogue/posts/{post.id}/skills/new"' in page.text
    inline = admin_client.get(f"/catalogue/posts/{post.id}/skills/new", headers=HTMX)
    assert "<html" not in inline.text and f'<form id="new-skill-{post.id}"' in inline.text
    assert 'name="inline" value="1"' in inline.text and 'name="csrf_token"' in inline.text
    standalone = admin_client.get(f"/catalogue/posts/{post.id}/skills/new")  # without JS
    assert "<html" in standalone.text and 'name="inline"' not in standalone.text
    response = admin_client.post_form(
        f"/catalogue/posts/{post.id}/skills",
        {"code": "VID-09", "name_zh": "直播切片", "name_en": "Live clips", "inline": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200 and "<html" not in response.text
    skill = skill_by_code(session, "VID-09")
    assert f'hx-swap-oob="beforeend:#skills-{post.id}"' in response.text
    assert f'<li id="skill-{skill.id}"' in response.text
    assert f'<form id="new-skill-{post.id}"' in response.text
    assert "技能点 VID-09 已添加。" in response.text
    # the standalone page's htmx form redirects instead
    other = admin_client.post_form(
        f"/catalogue/posts/{post.id}/skills",
        {"code": "VID-10", "name_zh": "直播切片二", "name_en": "Live clips 2"},
        headers=HTMX,
    )
    assert other.status_code == 204 and other.headers["HX-Redirect"].startswith("/catalogue#skill-")


def test_a_duplicate_skill_code_gets_422_beside_the_field_and_writes_nothing(admin_client, session):
    post = post_by_code(session, "traffic")
    before = skill_count(session)
    data = {"code": "anc-01", "name_zh": "重复", "name_en": "Duplicate"}
    page = admin_client.post_form(f"/catalogue/posts/{post.id}/skills", data)
    assert page.status_code == 422
    assert "<html" in page.text  # without JavaScript the whole page comes back
    assert re.search(rf'id="new{post.id}-code-error">[^<]+</p>', page.text)
    assert 'value="重复"' in page.text  # what was typed is kept
    partial = admin_client.post_form(f"/catalogue/posts/{post.id}/skills", data, headers=HTMX)
    assert partial.status_code == 422 and "<html" not in partial.text
    assert f'id="new{post.id}-code-error"' in partial.text
    session.expire_all()
    assert skill_count(session) == before


def test_the_field_message_is_in_the_users_language(admin_client, session):
    post = post_by_code(session, "traffic")
    data = {"code": "ANC-01", "name_zh": "重复", "name_en": "Duplicate"}
    zh = admin_client.post_form(f"/catalogue/posts/{post.id}/skills", data)
    assert "该代码已被其他技能点使用。" in zh.text
    admin_client.post_form("/language", {"locale": "en", "next": "/catalogue"})
    en = admin_client.post_form(f"/catalogue/posts/{post.id}/skills", data)
    assert "Another skill already uses this code." in en.text


def test_inline_skill_edit_swaps_the_row(admin_client, session):
    skill = skill_by_code(session, "VID-02")
    form = admin_client.get(f"/catalogue/skills/{skill.id}/edit", headers=HTMX)
    assert form.status_code == 200 and "<html" not in form.text
    assert f'<li id="skill-{skill.id}"' in form.text and 'name="name_zh"' in form.text

    bad = admin_client.post_form(
        f"/catalogue/skills/{skill.id}", {"name_zh": "", "name_en": "x"}, headers=HTMX
    )
    assert bad.status_code == 422 and f'id="skill{skill.id}-name_zh-error"' in bad.text

    saved = admin_client.post_form(
        f"/catalogue/skills/{skill.id}",
        {"name_zh": "拍摄与布光", "name_en": "Filming and lighting"},
        headers=HTMX,
    )
    assert saved.status_code == 200 and "<html" not in saved.text
    assert "拍摄与布光" in saved.text and 'hx-swap-oob="beforeend"' in saved.text
    row = admin_client.get(f"/catalogue/skills/{skill.id}", headers=HTMX)
    assert "拍摄与布光" in row.text and "<html" not in row.text
    session.expire_all()
    assert session.get(Skill, skill.id).name_en == "Filming and lighting"


def test_retiring_hides_a_skill_from_the_active_list_and_greys_it_out(admin_client, session):
    skill = skill_by_code(session, "PLT-03")
    response = admin_client.post_form(f"/catalogue/skills/{skill.id}/retire")
    assert response.status_code == 303
    session.expire_all()
    active = catalogue_service.list_active_skills_by_post(session)
    assert "PLT-03" not in {s.code for g in active for s in g.skills}
    page = admin_client.get("/catalogue")
    row = re.search(rf'<li id="skill-{skill.id}" class="([^"]+)">(.*?)</li>', page.text, re.S)
    assert "is-retired" in row.group(1) and "badge-retired" in row.group(2)

    back = admin_client.post_form(f"/catalogue/skills/{skill.id}/restore", headers=HTMX)
    assert back.status_code == 200 and "is-retired" not in back.text
    session.expire_all()
    active = catalogue_service.list_active_skills_by_post(session)
    assert "PLT-03" in {s.code for g in active for s in g.skills}


def test_destructive_actions_ask_first_in_the_edit_form_loaded_on_demand(admin_client, session):
    skill = skill_by_code(session, "ANC-01")
    catalogue_page = admin_client.get("/catalogue").text
    assert f'action="/catalogue/skills/{skill.id}/retire"' not in catalogue_page
    assert f'hx-get="/catalogue/skills/{skill.id}/edit"' in catalogue_page
    page = admin_client.get(f"/catalogue/skills/{skill.id}/edit", headers=HTMX)
    assert "<html" not in page.text
    for action in ("retire", "delete"):
        form = re.search(
            rf'<form[^>]*action="/catalogue/skills/{skill.id}/{action}"[^>]*>(.*?)</form>',
            page.text,
            re.S,
        )
        assert "data-confirm=" in form.group(0) and "hx-confirm=" in form.group(1)


def test_a_skill_referenced_by_another_table_cannot_be_deleted(admin_client, session):
    skill = skill_by_code(session, "OPS-02")
    with skill_reference_table(session):
        session.execute(
            text("INSERT INTO test_skill_ref (id, skill_id) VALUES (1, :id)"), {"id": skill.id}
        )
        session.commit()

        response = admin_client.post_form(f"/catalogue/skills/{skill.id}/delete")
        assert response.status_code == 409
        assert "This skill is in use; retire it instead." in response.text or (
            "该技能点已被使用，请改为停用。" in response.text
        )
        htmx = admin_client.post_form(f"/catalogue/skills/{skill.id}/delete", headers=HTMX)
        assert htmx.status_code == 409 and htmx.headers["HX-Retarget"] == "#toasts"

        session.expire_all()
        assert session.get(Skill, skill.id) is not None
        assert session.execute(text("SELECT count(*) FROM test_skill_ref")).scalar_one() == 1


def test_an_unreferenced_skill_can_be_deleted(admin_client, session):
    skill_id = skill_by_code(session, "DIR-04").id
    response = admin_client.post_form(f"/catalogue/skills/{skill_id}/delete")
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Skill, skill_id) is None
    assert "DIR-04" not in admin_client.get("/catalogue").text

    other_id = skill_by_code(session, "DIR-03").id
    htmx = admin_client.post_form(f"/catalogue/skills/{other_id}/delete", headers=HTMX)
    assert htmx.status_code == 200 and 'hx-swap-oob="beforeend"' in htmx.text
    session.expire_all()
    assert session.get(Skill, other_id) is None


def test_missing_rows_give_404(admin_client, session):
    assert admin_client.get("/catalogue/skills/99999").status_code == 404
    assert admin_client.get("/catalogue/posts/99999/edit").status_code == 404
    assert admin_client.post_form("/catalogue/skills/99999/delete").status_code == 404


def test_the_admin_edits_a_core_competency(admin_client, session):
    competency = session.exec(
        select(CoreCompetency).where(CoreCompetency.code == "innovation")
    ).scalar_one()
    bad = admin_client.post_form(
        f"/catalogue/competencies/{competency.id}",
        {"name_zh": "创新", "name_en": "", "description_zh": "", "description_en": ""},
    )
    assert bad.status_code == 422 and 'id="name_en-error"' in bad.text
    response = admin_client.post_form(
        f"/catalogue/competencies/{competency.id}",
        {
            "name_zh": "创新创造能力",
            "name_en": "Creativity",
            "description_zh": "敢于尝试新的直播玩法。",
            "description_en": "Tries new live formats.",
        },
    )
    assert response.status_code == 303
    page = admin_client.get("/catalogue")
    assert "创新创造能力" in page.text and "敢于尝试新的直播玩法。" in page.text


def test_a_skill_taught_by_a_course_module_cannot_be_deleted(admin_client, session):
    from tests.factories_curriculum import make_course, make_module

    skill = skill_by_code(session, "SEL-02")
    make_module(session, course=make_course(session), skills=[skill])
    session.commit()
    response = admin_client.post_form(f"/catalogue/skills/{skill.id}/delete")
    assert response.status_code == 409
    session.expire_all()
    assert session.get(Skill, skill.id) is not None

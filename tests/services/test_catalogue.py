import json

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from app.errors import Conflict, FormErrors, NotFound
from app.models import CoreCompetency, Post, Skill
from app.schemas.curriculum import CompetencyForm, NewSkillForm, PostForm, SkillNames
from app.services.curriculum import catalogue as catalogue_service
from seeds.loader import CATALOGUE_DIR, seed_catalogue
from tests.catalogue_support import skill_reference_table


def _counts(session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def _catalogue_rows(session) -> list[tuple]:
    rows = []
    for model in (Post, Skill, CoreCompetency):
        for row in session.exec(select(model).order_by(model.id)).scalars():
            rows.append((model.__tablename__, tuple(sorted(row.model_dump().items()))))
    return rows


def _post(session, code="anchor", **overrides) -> Post:
    values = {"code": code, "name_zh": f"岗位{code}", "name_en": f"Post {code}"}
    values.update(overrides)
    post = Post(**values)
    session.add(post)
    session.flush()
    return post


def _skill(session, post, code, **overrides) -> Skill:
    values = {
        "post_id": post.id,
        "code": code,
        "name_zh": f"技能{code}",
        "name_en": f"Skill {code}",
    }
    values.update(overrides)
    skill = Skill(**values)
    session.add(skill)
    session.flush()
    return skill


def test_seeding_twice_changes_no_row(session):
    first = seed_catalogue(session)
    session.commit()
    assert first.created["post"] == 9 and first.created["core_competency"] == 7
    counts, rows = _counts(session), _catalogue_rows(session)

    second = seed_catalogue(session)
    session.commit()
    session.expire_all()

    assert second.created == {} and second.updated == {}
    assert _counts(session) == counts
    assert _catalogue_rows(session) == rows


def test_the_seed_files_hold_nine_posts_four_core_and_seven_competencies(session):
    seed_catalogue(session)
    groups = catalogue_service.list_catalogue(session)
    assert len(groups) == 9
    assert {g.post.code for g in groups if g.post.is_core} == {
        "anchor",
        "operation",
        "product_selection",
        "traffic",
    }
    assert all(4 <= len(g.skills) <= 8 for g in groups)
    assert [c.code for c in catalogue_service.list_competencies(session)] == [
        "learning",
        "social",
        "teamwork",
        "achievement",
        "innovation",
        "influence",
        "empathy",
    ]
    codes = [
        s["code"]
        for p in json.loads((CATALOGUE_DIR / "posts.json").read_text())
        for s in p["skills"]
    ]
    assert all(catalogue_service.SKILL_CODE.match(code) for code in codes)


def test_seeding_again_keeps_retired_skills_retired_and_skills_admins_added(session):
    seed_catalogue(session)
    anchor = session.exec(select(Post).where(Post.code == "anchor")).scalar_one()
    ops = session.exec(select(Skill).where(Skill.code == "OPS-01")).scalar_one()
    catalogue_service.set_skill_retired(session, skill_id=ops.id, retired=True)
    added = catalogue_service.add_skill(
        session,
        post_id=anchor.id,
        form=NewSkillForm.parse({"code": "ANC-99", "name_zh": "新技能", "name_en": "New skill"}),
    )
    session.commit()

    seed_catalogue(session)
    session.commit()

    assert session.get(Skill, ops.id).retired is True
    assert session.get(Skill, added.id).code == "ANC-99"


def test_active_skills_by_post_leave_out_retired_skills_and_empty_posts(session):
    post = _post(session, "anchor")
    other = _post(session, "traffic", sort_order=1)
    kept = _skill(session, post, "ANC-01")
    gone = _skill(session, post, "ANC-02", sort_order=1)
    lone = _skill(session, other, "TRF-01")

    catalogue_service.set_skill_retired(session, skill_id=gone.id, retired=True)
    catalogue_service.set_skill_retired(session, skill_id=lone.id, retired=True)

    groups = catalogue_service.list_active_skills_by_post(session)
    assert [(g.post.code, [s.code for s in g.skills]) for g in groups] == [("anchor", ["ANC-01"])]
    assert kept.retired is False
    # the full catalogue still shows the retired ones
    everything = catalogue_service.list_catalogue(session)
    assert [s.code for g in everything for s in g.skills] == ["ANC-01", "ANC-02", "TRF-01"]

    catalogue_service.set_skill_retired(session, skill_id=gone.id, retired=False)
    groups = catalogue_service.list_active_skills_by_post(session)
    assert [s.code for g in groups for s in g.skills] == ["ANC-01", "ANC-02"]


def test_search_matches_code_and_both_names_and_treats_wildcards_literally(session):
    post = _post(session)
    _skill(session, post, "ANC-01", name_zh="商品讲解", name_en="Product explanation")
    _skill(session, post, "ANC-02", name_zh="直播节奏", name_en="Broadcast rhythm", sort_order=1)

    def found(term):
        return [
            s.code for g in catalogue_service.list_catalogue(session, search=term) for s in g.skills
        ]

    assert found("anc-02") == ["ANC-02"]
    assert found("讲解") == ["ANC-01"]
    assert found("RHYTHM") == ["ANC-02"]
    assert found("  ") == ["ANC-01", "ANC-02"]
    assert found("岗位anchor") == ["ANC-01", "ANC-02"]  # the post's name finds its skills
    assert found("%") == []
    assert found("_") == []
    assert catalogue_service.list_catalogue(session, search="nothing-like-this") == []


def test_add_skill_normalises_the_code_and_appends_it_to_the_post(session):
    post = _post(session)
    _skill(session, post, "ANC-01", sort_order=4)
    skill = catalogue_service.add_skill(
        session,
        post_id=post.id,
        form=NewSkillForm.parse({"code": "  anc-07 ", "name_zh": " 新技能 ", "name_en": "New"}),
    )
    assert (skill.code, skill.name_zh, skill.sort_order, skill.retired) == (
        "ANC-07",
        "新技能",
        5,
        False,
    )


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en", "fields"),
    [
        ("ANC-01", "名", "Name", {"code"}),  # already used
        ("anc-01", "名", "Name", {"code"}),  # same code once upper-cased
        ("", "名", "Name", {"code"}),
        ("ANC 07", "名", "Name", {"code"}),
        ("ANC--07", "名", "Name", {"code"}),
        ("-ANC", "名", "Name", {"code"}),
        ("技能-1", "名", "Name", {"code"}),
        ("A" * 33, "名", "Name", {"code"}),
        ("ANC-07", "", " ", {"name_zh", "name_en"}),
        ("ANC-07", "名" * 201, "Name", {"name_zh"}),
    ],
)
def test_add_skill_refuses_bad_input_with_field_errors_and_writes_nothing(
    session, code, name_zh, name_en, fields
):
    post = _post(session)
    _skill(session, post, "ANC-01")
    before = session.exec(select(func.count()).select_from(Skill)).one()
    with pytest.raises(FormErrors) as caught:
        catalogue_service.add_skill(
            session,
            post_id=post.id,
            form=NewSkillForm.parse({"code": code, "name_zh": name_zh, "name_en": name_en}),
        )
    assert set(caught.value.errors) == fields
    assert session.exec(select(func.count()).select_from(Skill)).one() == before


def test_update_skill_keeps_the_code_and_requires_both_names(session):
    skill = _skill(session, _post(session), "ANC-01")
    catalogue_service.update_skill(
        session,
        skill_id=skill.id,
        form=SkillNames.parse({"name_zh": "新名", "name_en": "New name"}),
    )
    assert (skill.code, skill.name_zh, skill.name_en) == ("ANC-01", "新名", "New name")
    with pytest.raises(FormErrors) as caught:
        catalogue_service.update_skill(
            session, skill_id=skill.id, form=SkillNames.parse({"name_zh": "", "name_en": "x"})
        )
    assert set(caught.value.errors) == {"name_zh"}
    assert skill.name_zh == "新名"


def test_update_post_changes_names_descriptions_and_core_flag(session):
    post = _post(session, is_core=True)
    catalogue_service.update_post(
        session,
        post_id=post.id,
        form=PostForm.parse(
            {
                "name_zh": " 主播 ",
                "name_en": "Anchor",
                "description_zh": "讲解商品",
                "description_en": "Presents products",
                "is_core": "",
            }
        ),
    )
    assert (post.name_zh, post.description_en, post.is_core) == ("主播", "Presents products", False)
    with pytest.raises(FormErrors) as caught:
        catalogue_service.update_post(
            session,
            post_id=post.id,
            form=PostForm.parse({"name_zh": "", "name_en": "A", "description_zh": "长" * 1001}),
        )
    assert set(caught.value.errors) == {"name_zh", "description_zh"}
    assert post.name_zh == "主播"


def test_update_competency_validates_names(session):
    competency = CoreCompetency(code="learning", name_zh="学习能力", name_en="Learning ability")
    session.add(competency)
    session.flush()
    catalogue_service.update_competency(
        session,
        competency_id=competency.id,
        form=CompetencyForm.parse(
            {
                "name_zh": "学习力",
                "name_en": "Learning",
                "description_zh": "快速学习",
                "description_en": "Learns fast",
            }
        ),
    )
    assert (competency.name_zh, competency.description_en) == ("学习力", "Learns fast")
    with pytest.raises(FormErrors) as caught:
        catalogue_service.update_competency(
            session,
            competency_id=competency.id,
            form=CompetencyForm.parse({"name_zh": "学", "name_en": ""}),
        )
    assert set(caught.value.errors) == {"name_en"}


def test_missing_rows_raise_not_found(session):
    with pytest.raises(NotFound):
        catalogue_service.get_post(session, 999)
    with pytest.raises(NotFound):
        catalogue_service.update_skill(
            session, skill_id=999, form=SkillNames.parse({"name_zh": "a", "name_en": "b"})
        )
    with pytest.raises(NotFound):
        catalogue_service.delete_skill(session, skill_id=999)
    with pytest.raises(NotFound):
        catalogue_service.get_competency(session, 999)


def test_an_unreferenced_skill_can_be_deleted(session):
    post = _post(session)
    skill = _skill(session, post, "ANC-01")
    keep = _skill(session, post, "ANC-02")
    catalogue_service.delete_skill(session, skill_id=skill.id)
    session.commit()
    assert session.get(Skill, skill.id) is None
    assert session.get(Skill, keep.id) is not None


def test_a_skill_that_another_table_refers_to_cannot_be_deleted(session):
    post = _post(session)
    used = _skill(session, post, "ANC-01")
    free = _skill(session, post, "ANC-02")
    session.commit()
    with skill_reference_table(session):
        session.execute(
            text("INSERT INTO test_skill_ref (id, skill_id) VALUES (1, :id)"), {"id": used.id}
        )
        session.commit()

        with pytest.raises(Conflict) as caught:
            catalogue_service.delete_skill(session, skill_id=used.id)
        assert caught.value.message == "This skill is in use; retire it instead."
        # the savepoint was rolled back: the transaction goes on and can delete another skill
        catalogue_service.delete_skill(session, skill_id=free.id)
        session.commit()
        session.expire_all()
        assert session.get(Skill, used.id) is not None
        assert session.get(Skill, free.id) is None

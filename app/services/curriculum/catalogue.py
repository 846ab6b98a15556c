"""The catalogue: posts (岗位), their skills (技能点) and the seven core competencies."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import CoreCompetency, Post, Skill
from app.schemas.curriculum import CompetencyForm, NewSkillForm, PostForm, SkillNames

SKILL_CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 32
POST_NAME_MAX = 100
SKILL_NAME_MAX = 200
COMPETENCY_NAME_MAX = 100
DESCRIPTION_MAX = 1000
SEARCH_MAX = 100


@dataclass
class PostSkills:
    """A post with the skills shown under it."""

    post: Post
    skills: list[Skill] = field(default_factory=list)


def _group(posts: list[Post], skills: list[Skill], *, keep_empty: bool) -> list[PostSkills]:
    by_post: dict[int, list[Skill]] = defaultdict(list)
    for skill in skills:
        by_post[skill.post_id].append(skill)
    groups = [PostSkills(post, by_post.get(post.id, [])) for post in posts]
    return [g for g in groups if keep_empty or g.skills]


def _skill_order():
    return (Skill.post_id, Skill.sort_order, Skill.code)


def list_catalogue(session: Session, *, search: str = "") -> list[PostSkills]:
    """Every post with its skills (retired too); a search matches code, name or post name."""
    posts = list(session.exec(select(Post).order_by(Post.sort_order, Post.code)).all())
    query = select(Skill).order_by(*_skill_order())
    term = search.strip()[:SEARCH_MAX]
    if term:
        posts_named = select(Post.id).where(
            or_(
                Post.name_zh.icontains(term, autoescape=True),
                Post.name_en.icontains(term, autoescape=True),
            )
        )
        query = query.where(
            or_(
                Skill.code.icontains(term, autoescape=True),
                Skill.name_zh.icontains(term, autoescape=True),
                Skill.name_en.icontains(term, autoescape=True),
                Skill.post_id.in_(posts_named),  # "选品" finds every skill of 选品员
            )
        )
    skills = list(session.exec(query).all())
    return _group(posts, skills, keep_empty=not term)


def list_active_skills_by_post(session: Session) -> list[PostSkills]:
    """Skills that may be picked (not retired), grouped by post; posts without any are left out."""
    posts = list(session.exec(select(Post).order_by(Post.sort_order, Post.code)).all())
    skills = list(
        session.exec(
            select(Skill).where(Skill.retired == False).order_by(*_skill_order())  # noqa: E712
        ).all()
    )
    return _group(posts, skills, keep_empty=False)


def list_competencies(session: Session) -> list[CoreCompetency]:
    """The core competencies in their set order."""
    query = select(CoreCompetency).order_by(CoreCompetency.sort_order, CoreCompetency.code)
    return list(session.exec(query).all())


def get_post(session: Session, post_id: int) -> Post:
    """One post, or NotFound."""
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound("This post does not exist.")
    return post


def get_skill(session: Session, skill_id: int) -> Skill:
    """One skill, or NotFound."""
    skill = session.get(Skill, skill_id)
    if skill is None:
        raise NotFound("This skill does not exist.")
    return skill


def get_competency(session: Session, competency_id: int) -> CoreCompetency:
    """One core competency, or NotFound."""
    competency = session.get(CoreCompetency, competency_id)
    if competency is None:
        raise NotFound("This core competency does not exist.")
    return competency


def update_post(session: Session, *, post_id: int, form: PostForm) -> Post:
    """Change a post's names, descriptions and core flag."""
    post = get_post(session, post_id)
    post.name_zh, post.name_en = form.name_zh, form.name_en
    post.description_zh, post.description_en = form.description_zh, form.description_en
    post.is_core = form.is_core
    session.add(post)
    session.flush()
    return post


def normalise_skill_code(code: str) -> str:
    """Skill codes are kept upper-case without surrounding spaces."""
    return code.strip().upper()


def add_skill(session: Session, *, post_id: int, form: NewSkillForm) -> Skill:
    """Add a skill to a post, at the end of its list; the code must be new."""
    post = get_post(session, post_id)
    code, name_zh, name_en = form.code, form.name_zh, form.name_en
    if session.exec(select(Skill.id).where(Skill.code == code)).first() is not None:
        raise FormErrors({"code": _l("Another skill already uses this code.")})
    last = session.exec(select(func.max(Skill.sort_order)).where(Skill.post_id == post.id)).one()
    skill = Skill(
        post_id=post.id,
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        sort_order=(last if last is not None else -1) + 1,
    )
    try:
        with session.begin_nested():  # a concurrent insert of the same code lands here
            session.add(skill)
            session.flush()
    except IntegrityError as exc:
        raise FormErrors({"code": _l("Another skill already uses this code.")}) from exc
    return skill


def update_skill(session: Session, *, skill_id: int, form: SkillNames) -> Skill:
    """Rename a skill (its code is its key and stays)."""
    skill = get_skill(session, skill_id)
    skill.name_zh, skill.name_en = form.name_zh, form.name_en
    session.add(skill)
    session.flush()
    return skill


def set_skill_retired(session: Session, *, skill_id: int, retired: bool) -> Skill:
    """Retire a skill (hidden from pickers, kept for history) or bring it back."""
    skill = get_skill(session, skill_id)
    skill.retired = retired
    session.add(skill)
    session.flush()
    return skill


def delete_skill(session: Session, *, skill_id: int) -> None:
    """Delete a skill that nothing refers to; the database's foreign keys decide."""
    skill = get_skill(session, skill_id)
    try:
        with session.begin_nested():
            session.delete(skill)
            session.flush()
    except IntegrityError as exc:
        raise Conflict("This skill is in use; retire it instead.") from exc


def update_competency(
    session: Session, *, competency_id: int, form: CompetencyForm
) -> CoreCompetency:
    """Change a core competency's names and descriptions."""
    competency = get_competency(session, competency_id)
    competency.name_zh, competency.name_en = form.name_zh, form.name_en
    competency.description_zh = form.description_zh
    competency.description_en = form.description_en
    session.add(competency)
    session.flush()
    return competency

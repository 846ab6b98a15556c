"""The catalogue as every page shows it, kept per worker until a post, skill or core
competency changes (app/services/revisions.py).

The catalogue page lists every skill of every post (a few hundred rows) and is read by
every role; building and rendering it was most of its cost. The kept object holds plain
rows (never ORM instances, which a later commit of the session that loaded them would
expire) and two views, one with the administrators' edit links and one without, so that
``shared_fragment`` renders each once per language.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from app.models import CoreCompetency, Post, Skill
from app.models import curriculum as curriculum_models
from app.services import revisions
from app.services.curriculum import coverage, labels, programmes

CATALOGUE = "catalogue"
revisions.track(CATALOGUE, {Post, Skill, CoreCompetency})
_KEPT = revisions.Keeper(CATALOGUE, size=2)

# The programme views that read only curriculum data (no user, nothing personal): the
# coverage map and the gap report of a version read the catalogue, the courses, their
# modules and links, the competitions' and certificates' catalogues and the placements.
CURRICULUM = "curriculum"
CURRICULUM_TABLES = {
    value
    for value in vars(curriculum_models).values()
    if isinstance(value, type)
    and issubclass(value, SQLModel)
    and getattr(value, "__table__", None) is not None
}
revisions.track(CURRICULUM, {Post, Skill, CoreCompetency, *CURRICULUM_TABLES})
_PROGRAMME_VIEWS = revisions.Keeper(CURRICULUM, size=16)


def kept_programme_view(session: Session, key: tuple, compute: Callable[[], Any]) -> Any:
    """A programme version's coverage map or gap report (``key`` names which), kept until
    any curriculum table changes; a missing version raises from ``compute`` (not kept)."""
    return _PROGRAMME_VIEWS.get(session, key, compute)


_POSTS = select(
    Post.id,
    Post.code,
    Post.name_zh,
    Post.name_en,
    Post.description_zh,
    Post.description_en,
    Post.is_core,
).order_by(Post.sort_order, Post.code)
_SKILLS = select(
    Skill.id, Skill.post_id, Skill.code, Skill.name_zh, Skill.name_en, Skill.retired
).order_by(Skill.post_id, Skill.sort_order, Skill.code)
_COMPETENCIES = select(
    CoreCompetency.id,
    CoreCompetency.code,
    CoreCompetency.name_zh,
    CoreCompetency.name_en,
    CoreCompetency.description_zh,
    CoreCompetency.description_en,
).order_by(CoreCompetency.sort_order, CoreCompetency.code)


@dataclass(frozen=True, eq=False)
class PostRows:
    """A post (a row with the Post's columns) and its skills' rows."""

    post: object
    skills: tuple


@dataclass(frozen=True, eq=False)
class CatalogueView:
    """What the catalogue page's shared fragments show to one kind of reader."""

    groups: tuple[PostRows, ...]
    competencies: tuple
    can_edit: bool


@dataclass(frozen=True, eq=False)
class KeptCatalogue:
    reader: CatalogueView
    editor: CatalogueView

    def view(self, *, can_edit: bool) -> CatalogueView:
        return self.editor if can_edit else self.reader


def _compute(session: Session) -> KeptCatalogue:
    posts = session.execute(_POSTS).all()
    by_post: dict[int, list] = {}
    for skill in session.execute(_SKILLS).all():
        by_post.setdefault(skill.post_id, []).append(skill)
    groups = tuple(PostRows(post, tuple(by_post.get(post.id, ()))) for post in posts)
    competencies = tuple(session.execute(_COMPETENCIES).all())
    return KeptCatalogue(
        reader=CatalogueView(groups, competencies, can_edit=False),
        editor=CatalogueView(groups, competencies, can_edit=True),
    )


def kept_catalogue(session: Session) -> KeptCatalogue:
    """Every post with its skills (retired too) and the core competencies, kept."""
    return _KEPT.get(session, (), lambda: _compute(session))


def kept_coverage_map(session: Session, *, programme_id: int, version_id: int):
    """The version's coverage map (coverage.coverage_map), kept."""
    key = ("coverage", programme_id, version_id)
    return kept_programme_view(
        session,
        key,
        lambda: coverage.coverage_map(session, programme_id=programme_id, version_id=version_id),
    )


def kept_gap_report(session: Session, *, programme_id: int, version_id: int):
    """The version's gap report (coverage.gap_report), kept."""
    key = ("gaps", programme_id, version_id)
    return kept_programme_view(
        session,
        key,
        lambda: coverage.gap_report(session, programme_id=programme_id, version_id=version_id),
    )


def kept_competitions(session: Session):
    """Every competition with its items and related posts (labels.list_competitions), kept."""
    return kept_programme_view(
        session, ("competitions",), lambda: labels.list_competitions(session)
    )


def kept_version_view(session: Session, *, programme_id: int, version_id: int):
    """A version by semester with totals and bound checks (programmes.version_view), kept."""
    key = ("version", programme_id, version_id)
    return kept_programme_view(
        session,
        key,
        lambda: programmes.version_view(session, programme_id=programme_id, version_id=version_id),
    )

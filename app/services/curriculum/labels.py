"""The competition and certificate catalogue, and the labels of curriculum enums."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import N_
from app.models import Post
from app.models.curriculum import (
    CertificateLevel,
    CertificatePost,
    CertificateType,
    CertificateUnit,
    Competition,
    CompetitionItem,
    CompetitionPost,
)

LEVEL_LABELS = {
    "school": N_("School"),
    "municipal": N_("Municipal"),
    "provincial": N_("Provincial"),
    "national": N_("National"),
    "international": N_("International"),
}
TIER_LABELS = {"key": N_("Key"), "first_class": N_("First-class"), "general": N_("General")}
KIND_LABELS = {"platform": N_("Platform"), "module_directed": N_("Module-directed")}
METHOD_LABELS = {
    "situational": N_("Situational"),
    "case": N_("Case"),
    "role_play": N_("Role-play"),
    "task_driven": N_("Task-driven"),
}
CERT_LEVEL_LABELS = {
    5: N_("Level 5 (entry)"),
    4: N_("Level 4 (intermediate)"),
    3: N_("Level 3 (advanced)"),
    2: N_("Level 2 (technician)"),
    1: N_("Level 1 (senior technician)"),
}


@dataclass(eq=False)
class CompetitionView:
    competition: Competition
    items: list[CompetitionItem] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    # for the kept page's fragments, which see nothing but this view
    level_labels: ClassVar[dict] = LEVEL_LABELS
    tier_labels: ClassVar[dict] = TIER_LABELS


@dataclass
class CertificateView:
    certificate: CertificateType
    units: list[CertificateUnit] = field(default_factory=list)
    levels: list[CertificateLevel] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)


def _posts_by(session: Session, link_model, key: str) -> dict[int, list[Post]]:
    rows = session.exec(
        select(getattr(link_model, key), Post)
        .join(Post, Post.id == link_model.post_id)
        .order_by(Post.sort_order, Post.code)
    ).all()
    grouped: dict[int, list[Post]] = defaultdict(list)
    for owner_id, post in rows:
        grouped[owner_id].append(post)
    return grouped


def list_competitions(session: Session) -> list[CompetitionView]:
    """Every competition with its items and related posts (three statements)."""
    competitions = session.exec(
        select(Competition).order_by(Competition.sort_order, Competition.code)
    ).all()
    items: dict[int, list[CompetitionItem]] = defaultdict(list)
    for item in session.exec(
        select(CompetitionItem).order_by(CompetitionItem.sort_order, CompetitionItem.code)
    ).all():
        items[item.competition_id].append(item)
    posts = _posts_by(session, CompetitionPost, "competition_id")
    return [CompetitionView(c, items.get(c.id, []), posts.get(c.id, [])) for c in competitions]


def list_certificates(session: Session) -> list[CertificateView]:
    """Every certificate type with its units, levels and related posts (four statements)."""
    certificates = session.exec(
        select(CertificateType).order_by(CertificateType.sort_order, CertificateType.code)
    ).all()
    units: dict[int, list[CertificateUnit]] = defaultdict(list)
    for unit in session.exec(
        select(CertificateUnit).order_by(
            CertificateUnit.level.desc(), CertificateUnit.sort_order, CertificateUnit.code
        )
    ).all():
        units[unit.certificate_type_id].append(unit)
    levels: dict[int, list[CertificateLevel]] = defaultdict(list)
    for level in session.exec(
        select(CertificateLevel).order_by(CertificateLevel.level.desc())
    ).all():
        levels[level.certificate_type_id].append(level)
    posts = _posts_by(session, CertificatePost, "certificate_type_id")
    return [
        CertificateView(c, units.get(c.id, []), levels.get(c.id, []), posts.get(c.id, []))
        for c in certificates
    ]


def get_competition(session: Session, competition_id: int) -> Competition:
    """One competition, or NotFound."""
    competition = session.get(Competition, competition_id)
    if competition is None:
        raise NotFound("This competition does not exist.")
    return competition


def set_entry_semester(session: Session, *, competition_id: int, semester: int) -> Competition:
    """Set the semester by which a competition is usually entered (``EntrySemesterForm``)."""
    competition = get_competition(session, competition_id)
    competition.entry_semester = semester
    session.add(competition)
    session.flush()
    return competition

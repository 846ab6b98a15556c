"""Factories for editions, rounds, tracks, entries, rubrics, judges and certificates."""

import itertools
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from app.models import User
from app.models.certificates import CertificateAward
from app.models.contests import (
    Edition,
    Entry,
    EntryAdvisor,
    EntryMember,
    ExternalResult,
    JudgeAssignment,
    Round,
    RubricCriterion,
    Score,
    Track,
)
from app.models.curriculum import CertificateType, Competition
from app.models.teams import Team, TeamMember
from app.schemas.certificates import ExamForm
from app.services.certificates import exams as exam_service
from app.services.certificates.awards import new_code
from tests.factories_curriculum import make_competition

_seq = itertools.count(1)


def _add(session: Session, obj):
    session.add(obj)
    session.flush()
    return obj


def make_edition(
    session: Session, *, competition: Competition | None = None, **overrides
) -> Edition:
    values = {
        "competition_id": (competition or make_competition(session)).id,
        "year": 2000 + next(_seq),
        "registration_opens_on": date(2020, 1, 1),
        "registration_closes_on": date(2099, 12, 31),
    }
    return _add(session, Edition(**{**values, **overrides}))


def make_round(session: Session, *, edition: Edition | None = None, **overrides) -> Round:
    values = {
        "edition_id": (edition or make_edition(session)).id,
        "position": 1,
        "level": "school",
    }
    return _add(session, Round(**{**values, **overrides}))


def make_track(session: Session, *, edition: Edition, **overrides) -> Track:
    n = next(_seq)
    values = {"edition_id": edition.id, "name_zh": f"赛道{n}", "name_en": f"Track {n}"}
    return _add(session, Track(**{**values, **overrides}))


def make_entry(
    session: Session,
    *,
    round_: Round,
    team: Team,
    track: Track | None = None,
    advisors: list[tuple[User, str]] = (),
    **overrides,
) -> Entry:
    if track is None:
        track = make_track(session, edition=session.get(Edition, round_.edition_id))
    values = {
        "round_id": round_.id,
        "track_id": track.id,
        "team_id": team.id,
        "title": f"{team.name}参赛项目",
    }
    entry = _add(session, Entry(**{**values, **overrides}))
    members = session.exec(TeamMember.__table__.select().where(TeamMember.team_id == team.id)).all()
    for member in {m.user_id for m in members}:
        session.add(EntryMember(entry_id=entry.id, user_id=member))
    for user, kind in advisors:
        session.add(EntryAdvisor(entry_id=entry.id, user_id=user.id, kind=kind))
    session.flush()
    return entry


def make_criterion(session: Session, *, round_: Round, **overrides) -> RubricCriterion:
    n = next(_seq)
    values = {
        "round_id": round_.id,
        "name_zh": f"标准{n}",
        "name_en": f"Criterion {n}",
        "weight": Decimal("1"),
        "max_score": 10,
        "sort_order": n,
    }
    return _add(session, RubricCriterion(**{**values, **overrides}))


def make_assignment(session: Session, *, entry: Entry, judge: User, **overrides):
    values = {"entry_id": entry.id, "judge_id": judge.id}
    return _add(session, JudgeAssignment(**{**values, **overrides}))


def score(session: Session, assignment: JudgeAssignment, values: dict) -> None:
    """values: {criterion id: number}"""
    for criterion_id, value in values.items():
        session.add(
            Score(assignment_id=assignment.id, criterion_id=criterion_id, value=Decimal(str(value)))
        )
    session.flush()


def make_external(session: Session, **overrides) -> ExternalResult:
    values = {
        "competition_name": "全国大学生电子商务“创新、创意及创业”挑战赛",
        "level": "provincial",
        "award": "second",
        "awarded_on": date(2025, 5, 20),
    }
    return _add(session, ExternalResult(**{**values, **overrides}))


def make_award(
    session: Session, *, holder: User, certificate: CertificateType, **overrides
) -> CertificateAward:
    n = next(_seq)
    values = {
        "number": f"TEST-{n:06d}",
        "certificate_type_id": certificate.id,
        "level": 5,
        "holder_id": holder.id,
        "holder_name": holder.full_name,
        "issued_on": date(2025, 6, 1),
        "verification_code": new_code(),
    }
    return _add(session, CertificateAward(**{**values, **overrides}))


def make_exam(session: Session, *, actor: User, certificate: CertificateType, **fields):
    """A practical exam created through its form (level 5, pass mark 60 unless told)."""
    values = {
        "certificate_type_id": str(certificate.id),
        "level": "5",
        "title": "直播销售实操",
        "held_on": "2026-06-01",
        "pass_mark": "60",
    }
    form = ExamForm.parse({**values, **fields})
    return exam_service.create_exam(session, actor=actor, form=form)

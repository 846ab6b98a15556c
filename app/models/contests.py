"""Competitions run by the college: editions, rounds, tracks with eligibility rules, entries
with members and advisors, rubrics, judges and their scores, awards, the publication lock
with its change log, and results won outside the college.

An ``Entry`` is one team's participation in one round; advancing to the next round copies
it (``advanced_from_id``), so scores, awards and judges always belong to a single round.
Scores are decimals (``Numeric``) so totals are exact on both databases.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    Numeric,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AwardKind(StrEnum):
    """Awards, lowest first (the order the evaluation ranks them)."""

    participation = "participation"
    excellence = "excellence"
    third = "third"
    second = "second"
    first = "first"
    bronze = "bronze"
    silver = "silver"
    gold = "gold"


class AdvisorKind(StrEnum):
    college = "college"  # a teacher (校内指导教师)
    enterprise = "enterprise"  # an industry mentor (企业导师)


class EntryStatus(StrEnum):
    """A captain's request waits for staff: confirmed it is registered, or declined.
    Only registered entries are judged and count in the evaluation."""

    requested = "requested"
    registered = "registered"
    declined = "declined"
    withdrawn = "withdrawn"


def _at() -> Column:
    return Column(UTCDateTime, nullable=False)


class Edition(SQLModel, table=True):
    """A year's run of a catalogued competition, with its registration window (inclusive)."""

    __table_args__ = (
        UniqueConstraint("competition_id", "year", name="uq_edition_competition_year"),
        CheckConstraint("registration_closes_on >= registration_opens_on", name="window"),
    )

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True, ondelete="RESTRICT")
    year: int
    registration_opens_on: date
    registration_closes_on: date
    notes: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class Round(SQLModel, table=True):
    """A stage of an edition (school → provincial → national), judged with its rubric."""

    __tablename__ = "contest_round"
    __table_args__ = (
        UniqueConstraint("edition_id", "position", name="uq_contest_round_position"),
        CheckConstraint("advance_cap IS NULL OR advance_cap >= 0", name="advance_cap"),
    )

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    position: int = Field(default=1)
    level: str = Field(max_length=16)  # a CompetitionLevel value
    held_on: date | None = Field(default=None)
    # How many of the college's entries may advance to the next round (None: no cap).
    advance_cap: int | None = Field(default=None)
    normalise: bool = Field(default=False)  # per-judge z-scores before aggregation
    tiebreak_criterion_id: int | None = Field(default=None)  # a RubricCriterion of this round
    spread_threshold: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 1), nullable=True)
    )  # percent of the maximum total; None: the default (20)
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    results_on: date | None = Field(default=None)  # the award date, set when published
    published_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )

    @property
    def is_locked(self) -> bool:
        return self.published_at is not None


class Track(SQLModel, table=True):
    """A track or group of an edition with its eligibility rules (None: no bound)."""

    __tablename__ = "contest_track"

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", index=True, ondelete="CASCADE")
    name_zh: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)
    min_members: int | None = Field(default=None)
    max_members: int | None = Field(default=None)
    min_college_mentors: int | None = Field(default=None)
    max_college_mentors: int | None = Field(default=None)
    min_enterprise_mentors: int | None = Field(default=None)
    max_enterprise_mentors: int | None = Field(default=None)
    requires_business: bool = Field(default=False)  # e.g. 创业组: a registered business
    max_business_age_years: int | None = Field(default=None)  # e.g. under 5 years old
    excludes_national_winners: bool = Field(default=False)  # past national gold/silver out


class Entry(SQLModel, table=True):
    """A team's entry in one round: project title, members, advisors, award."""

    __tablename__ = "contest_entry"
    __table_args__ = (
        Index("ix_contest_entry_round_team", "round_id", "team_id"),
        # One waiting request per team and round, even when a captain's two clicks race.
        Index(
            "ix_contest_entry_requested_once",
            "round_id",
            "team_id",
            unique=True,
            postgresql_where=text("status = 'requested'"),
            sqlite_where=text("status = 'requested'"),
        ),
        CheckConstraint(
            "rank IS NULL OR rank >= 1",
            name="rank",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="contest_round.id", ondelete="CASCADE")
    track_id: int = Field(foreign_key="contest_track.id", index=True, ondelete="RESTRICT")
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="RESTRICT")
    title: str = Field(max_length=200)
    business_registered_on: date | None = Field(default=None)
    status: str = Field(default=EntryStatus.registered.value, max_length=16)
    advanced_from_id: int | None = Field(
        default=None, foreign_key="contest_entry.id", index=True, ondelete="SET NULL"
    )
    rank: int | None = Field(default=None)
    award: str | None = Field(default=None, max_length=16)  # an AwardKind value
    registered_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # a captain's request: who confirmed or declined it, when, and why it was declined
    decided_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decline_reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class EntryMember(SQLModel, table=True):
    __tablename__ = "contest_entry_member"

    entry_id: int = Field(foreign_key="contest_entry.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="RESTRICT"
    )


class EntryAdvisor(SQLModel, table=True):
    __tablename__ = "contest_entry_advisor"

    entry_id: int = Field(foreign_key="contest_entry.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="RESTRICT"
    )
    kind: str = Field(max_length=16)  # an AdvisorKind value


class RubricCriterion(SQLModel, table=True):
    __tablename__ = "rubric_criterion"
    __table_args__ = (
        CheckConstraint("max_score > 0", name="max_score"),
        CheckConstraint("weight > 0", name="weight"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="contest_round.id", index=True, ondelete="CASCADE")
    name_zh: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)
    weight: Decimal = Field(default=Decimal("1"), sa_column=Column(Numeric(5, 2), nullable=False))
    max_score: int = Field(default=10)
    sort_order: int = Field(default=0)


class JudgeAssignment(SQLModel, table=True):
    """A judge assigned to an entry; ``note`` is for the organiser's eyes only."""

    __tablename__ = "judge_assignment"
    __table_args__ = (
        UniqueConstraint("entry_id", "judge_id", name="uq_judge_assignment_entry_judge"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="contest_entry.id", index=True, ondelete="CASCADE")
    judge_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    assigned_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=_at())
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    recused_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    recusal_reason: str = Field(default="", max_length=500)


class Score(SQLModel, table=True):
    __tablename__ = "judge_score"
    __table_args__ = (CheckConstraint("value >= 0", name="value"),)

    assignment_id: int = Field(
        foreign_key="judge_assignment.id", primary_key=True, ondelete="CASCADE"
    )
    criterion_id: int = Field(
        foreign_key="rubric_criterion.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    value: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))


class ResultChange(SQLModel, table=True):
    """A change to a published (locked) round: who, when, why and what."""

    __tablename__ = "contest_result_change"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="contest_round.id", index=True, ondelete="CASCADE")
    entry_id: int | None = Field(default=None, foreign_key="contest_entry.id", ondelete="SET NULL")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    changed_at: datetime = Field(default_factory=utcnow, sa_column=_at())
    reason: str = Field(max_length=500)
    detail: str = Field(default="", max_length=500)


class ExternalResult(SQLModel, table=True):
    """An award won outside the college by a team or a student, with its evidence file."""

    __tablename__ = "external_result"
    __table_args__ = (
        CheckConstraint("(team_id IS NULL) <> (student_id IS NULL)", name="team_or_student"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True, ondelete="CASCADE")
    student_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    competition_id: int | None = Field(
        default=None, foreign_key="competition.id", ondelete="SET NULL"
    )
    competition_name: str = Field(max_length=200)
    edition: str = Field(default="", max_length=50)
    round_name: str = Field(default="", max_length=100)
    level: str = Field(max_length=16)
    award: str = Field(max_length=16)
    awarded_on: date = Field(index=True)
    evidence_name: str = Field(default="", max_length=255)
    evidence_type: str = Field(default="", max_length=100)
    evidence: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    recorded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())

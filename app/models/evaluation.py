"""The three-dimension entrepreneurship evaluation: graduate outcomes, versioned schemes,
published snapshots with their frozen rows, outcome imports and export jobs.

Scores are stored in hundredths of a point (``*_c`` columns, integers) and money in fen,
so a snapshot reads back exactly on both databases. A scheme version is never edited:
saving a scheme adds the next version. A snapshot and its rows are never changed.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Outcome(StrEnum):
    self_employed = "self_employed"  # self-employed / entrepreneurship
    employed_trade = "employed_trade"  # employed in the trade (live e-commerce)
    employed_other = "employed_other"
    further_study = "further_study"
    other = "other"


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    expired = "expired"


def _at() -> Column:
    return Column(UTCDateTime, nullable=False)


class GraduateOutcome(SQLModel, table=True):
    """A student's outcome after graduation (one per student; a new entry replaces it)."""

    __tablename__ = "graduate_outcome"

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="user_account.id", unique=True, ondelete="CASCADE")
    outcome: str = Field(max_length=16, index=True)
    organisation: str = Field(default="", max_length=200)
    outcome_on: date
    note: str = Field(default="", max_length=500)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class OutcomeImport(SQLModel, table=True):
    """An uploaded outcomes file kept between its preview and its commit (cells as text)."""

    __tablename__ = "outcome_import"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="preview", max_length=16)  # preview | committed
    filename: str = Field(default="", max_length=255)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    row_count: int = Field(default=0)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class EvaluationScheme(SQLModel, table=True):
    """One version of the scheme: weights and the rules of each dimension (``params``)."""

    __tablename__ = "evaluation_scheme"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class EvaluationSnapshot(SQLModel, table=True):
    """A cohort's evaluation for a period as published: never changed afterwards.

    ``summary`` holds the inputs' totals and the cohort figures, ``teams`` the team rows,
    ``scheme`` a copy of the scheme's parameters; students are in ``EvaluationSnapshotRow``.
    """

    __tablename__ = "evaluation_snapshot"
    __table_args__ = (
        UniqueConstraint(
            "cohort_id",
            "period_start",
            "period_end",
            "number",
            name="uq_evaluation_snapshot_number",
        ),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="RESTRICT")
    scheme_id: int = Field(foreign_key="evaluation_scheme.id", ondelete="RESTRICT")
    scheme_version: int
    period_start: date
    period_end: date  # inclusive
    number: int  # 1, 2, … per cohort and period
    cohort_label: str = Field(max_length=200)
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    teams: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    scheme: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    published_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    published_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class EvaluationSnapshotRow(SQLModel, table=True):
    """One student's inputs and scores in a snapshot, frozen (names as they were then)."""

    __tablename__ = "evaluation_snapshot_row"
    __table_args__ = (Index("ix_evaluation_snapshot_row_student", "student_id"),)

    snapshot_id: int = Field(
        foreign_key="evaluation_snapshot.id", primary_key=True, ondelete="CASCADE"
    )
    student_id: int = Field(primary_key=True)  # no foreign key: the snapshot outlives people
    student_number: str = Field(max_length=32)
    full_name: str = Field(max_length=100)
    teams: str = Field(default="", max_length=1000)
    awards: int = 0
    participations: int = 0
    award_points: int = 0
    sessions: int = 0
    income_fen: int = 0
    followers: int = 0
    growth: int = 0
    outcome: str = Field(default="", max_length=16)
    organisation: str = Field(default="", max_length=200)
    competition_c: int = 0
    income_c: int = 0
    influence_c: int = 0
    total_c: int = 0
    rank: int = 0


class ExportJob(SQLModel, table=True):
    """An export running (or run) in the background; its file is kept until ``expires_at``.

    Progress lives in this row, so any worker process can report it.
    """

    __tablename__ = "export_job"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # evaluation
    file_format: str = Field(max_length=8)  # csv | xlsx | pdf
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=JobStatus.queued.value, max_length=16, index=True)
    progress: int = Field(default=0)
    message: str = Field(default="", max_length=500)
    filename: str = Field(default="", max_length=255)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    size: int = Field(default=0)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_at())
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class DataRevision(SQLModel, table=True):
    """A token that changes whenever data a cached result is computed from changes.

    Written in the changing transaction (app/services/evaluation/cache.py), so every
    worker sees the new token the moment the change is committed. A fresh random token
    rather than a counter: a rolled-back change never leaves a token that a later change
    could reuse."""

    __tablename__ = "data_revision"

    name: str = Field(primary_key=True, max_length=40)
    token: str = Field(max_length=32)

"""Certificates issued to students, the practical exams that lead to them, eligibility
rules as data, bulk-issue imports, and the public verification's attempt log.

An award's status is ``valid`` or ``revoked`` (with reason, who and when); ``expired`` is
derived from ``expires_on`` when shown, so no job has to flip it.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AwardStatus(StrEnum):
    valid = "valid"
    revoked = "revoked"
    expired = "expired"  # shown only; never stored


class AwardSource(StrEnum):
    exam = "exam"
    bulk = "bulk"
    manual = "manual"


def _at() -> Column:
    return Column(UTCDateTime, nullable=False)


class CertificateRule(SQLModel, table=True):
    """Eligibility rules of a certificate type (levels offered and minimum hours are in
    ``certificate_level``): whether a level needs the level below it held first, from
    which level that starts, and whether completed training hours are checked."""

    __tablename__ = "certificate_rule"

    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", primary_key=True, ondelete="CASCADE"
    )
    requires_level_below: bool = Field(default=True)
    entry_level: int = Field(default=5)  # the level anyone may sit without one below
    checks_training_hours: bool = Field(default=True)


class TrainingRecord(SQLModel, table=True):
    """Training hours done outside the programme (e.g. an enterprise course), by type."""

    __tablename__ = "training_record"
    __table_args__ = (CheckConstraint("hours > 0", name="hours"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", index=True, ondelete="CASCADE"
    )
    hours: int
    note: str = Field(default="", max_length=200)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class PracticalExam(SQLModel, table=True):
    """实操考核: examiners score candidates with a rubric; passing issues the certificate."""

    __tablename__ = "practical_exam"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: int | None = Field(default=None, primary_key=True)
    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", index=True, ondelete="RESTRICT"
    )
    level: int
    title: str = Field(max_length=200)
    held_on: date
    pass_mark: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))
    finalised_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class ExamCriterion(SQLModel, table=True):
    __tablename__ = "exam_criterion"
    __table_args__ = (
        CheckConstraint("max_score > 0", name="max_score"),
        CheckConstraint("weight > 0", name="weight"),
    )

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="practical_exam.id", index=True, ondelete="CASCADE")
    name_zh: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=100)
    weight: Decimal = Field(default=Decimal("1"), sa_column=Column(Numeric(5, 2), nullable=False))
    max_score: int = Field(default=10)
    sort_order: int = Field(default=0)


class ExamExaminer(SQLModel, table=True):
    __tablename__ = "exam_examiner"

    exam_id: int = Field(foreign_key="practical_exam.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="RESTRICT"
    )


class ExamCandidate(SQLModel, table=True):
    __tablename__ = "exam_candidate"
    __table_args__ = (UniqueConstraint("exam_id", "student_id", name="uq_exam_candidate"),)

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="practical_exam.id", index=True, ondelete="CASCADE")
    student_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    result: Decimal | None = Field(default=None, sa_column=Column(Numeric(7, 2), nullable=True))
    passed: bool | None = Field(default=None)
    award_id: int | None = Field(
        default=None, foreign_key="certificate_award.id", ondelete="SET NULL"
    )


class ExamScore(SQLModel, table=True):
    __tablename__ = "exam_score"
    __table_args__ = (CheckConstraint("value >= 0", name="value"),)

    candidate_id: int = Field(foreign_key="exam_candidate.id", primary_key=True, ondelete="CASCADE")
    examiner_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="RESTRICT"
    )
    criterion_id: int = Field(foreign_key="exam_criterion.id", primary_key=True, ondelete="CASCADE")
    value: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))


class CertificateAward(SQLModel, table=True):
    """A certificate issued to a student, verifiable by its random code."""

    __tablename__ = "certificate_award"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="expiry"),
        Index("ix_certificate_award_holder_type", "holder_id", "certificate_type_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True)
    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", index=True, ondelete="RESTRICT"
    )
    level: int
    holder_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    holder_name: str = Field(max_length=100)  # as printed on the certificate
    issued_on: date
    expires_on: date | None = Field(default=None)
    verification_code: str = Field(max_length=32, unique=True)
    status: str = Field(default=AwardStatus.valid.value, max_length=16)
    source: str = Field(default=AwardSource.manual.value, max_length=16)
    exam_id: int | None = Field(default=None, foreign_key="practical_exam.id", ondelete="SET NULL")
    issued_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revoked_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    revoke_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())

    def status_on(self, today: date) -> str:
        if self.status == AwardStatus.revoked:
            return AwardStatus.revoked.value
        if self.expires_on is not None and self.expires_on < today:
            return AwardStatus.expired.value
        return AwardStatus.valid.value


class CertificateImport(SQLModel, table=True):
    """An uploaded file of exam results kept between its preview and its commit."""

    __tablename__ = "certificate_import"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="preview", max_length=16)  # preview | committed
    certificate_type_id: int = Field(foreign_key="certificate_type.id", ondelete="CASCADE")
    level: int
    issued_on: date
    filename: str = Field(default="", max_length=255)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    issued_count: int = Field(default=0)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_at())


class VerifyAttempt(SQLModel, table=True):
    """One public lookup of a verification code, kept to slow down guessing."""

    __tablename__ = "verify_attempt"
    __table_args__ = (Index("ix_verify_attempt_ip_at", "ip_address", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ip_address: str = Field(max_length=64)
    found: bool
    attempted_at: datetime = Field(default_factory=utcnow, sa_column=_at())

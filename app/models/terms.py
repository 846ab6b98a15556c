"""The term calendar (校历) and term series: terms with their teaching weeks, holidays and
exam weeks; a teacher's series booked by teaching week, and the exceptions (a cancelled or
moved occurrence) that survive later edits of the series.

Dates here are local calendar dates (the college's zone), inclusive at both ends as a
校历 prints them: 国庆节 1–7 October is ``starts_on=10-01, ends_on=10-07``.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class PeriodKind(StrEnum):
    holiday = "holiday"  # a named holiday (国庆节): no teaching
    exam = "exam"  # exam week(s) (考试周): no ordinary classes


class ExceptionKind(StrEnum):
    cancelled = "cancelled"
    moved = "moved"


class Term(SQLModel, table=True):
    """A term: teaching week 1 starts on the Monday of the week holding ``starts_on``."""

    __table_args__ = (CheckConstraint("starts_on < ends_on", name="starts_before_ends"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    starts_on: date = Field(index=True)
    ends_on: date
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class TermPeriod(SQLModel, table=True):
    """Days off or special weeks of a term: a holiday or exam week(s), inside the term."""

    __tablename__ = "term_period"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="starts_not_after_ends"),)

    id: int | None = Field(default=None, primary_key=True)
    term_id: int = Field(foreign_key="term.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=100)
    starts_on: date
    ends_on: date


class TermSeries(SQLModel, table=True):
    """What makes a booking series a term series: its term and teaching weeks."""

    __tablename__ = "term_series"

    series_id: int = Field(foreign_key="booking_series.id", primary_key=True, ondelete="CASCADE")
    term_id: int = Field(foreign_key="term.id", index=True, ondelete="CASCADE")
    weeks: str = Field(max_length=200)  # as the teacher wrote it, normalised: "1-8,10,12"
    # The team the occurrences are for: an edit regenerates them for the same team.
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")


class SeriesException(SQLModel, table=True):
    """One occurrence of a series taken out of the pattern: cancelled, or moved to the
    booking ``booking_id``. Keyed by the occurrence's own date, so an edit of the series
    that regenerates the other occurrences leaves this one as the teacher set it."""

    __tablename__ = "series_exception"
    __table_args__ = (UniqueConstraint("series_id", "occurs_on", name="uq_series_exception_day"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="booking_series.id", index=True, ondelete="CASCADE")
    occurs_on: date
    kind: str = Field(max_length=16)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL")
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

"""Roster imports: an uploaded student list kept between its preview and its commit."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class RosterImport(SQLModel, table=True):
    """One uploaded roster. ``rows`` are the cells as read from the file (strings), so any
    worker process can show the preview or commit it; they are validated again each time.
    No password is ever stored here."""

    __tablename__ = "roster_import"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="preview", max_length=16)  # preview | committed
    filename: str = Field(default="", max_length=255)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ignored_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    row_count: int = Field(default=0)
    imported_count: int = Field(default=0)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    committed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )

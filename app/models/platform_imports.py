"""Platform data imports: a platform's column mapping, and an uploaded data export kept
between its preview and its saving as live-session results."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class WatchTimeUnit(StrEnum):
    seconds = "seconds"  # 65
    minutes = "minutes"  # 1.5
    clock = "clock"  # "01:05", "1:02:03", "1分05秒"


class MoneyUnit(StrEnum):
    yuan = "yuan"
    fen = "fen"


class PlatformMapping(SQLModel, table=True):
    """Which column of a platform's export holds which result figure, saved once per
    platform (or per export format of a platform) by a teacher. ``columns`` maps our field
    names (``gmv``, ``orders``…) to the header text of the export."""

    __tablename__ = "platform_mapping"

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32, index=True)
    name: str = Field(max_length=100, unique=True)
    columns: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    watch_time_unit: str = Field(default=WatchTimeUnit.seconds.value, max_length=16)
    money_unit: str = Field(default=MoneyUnit.yuan.value, max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class PlatformImport(SQLModel, table=True):
    """One uploaded export of a team. ``rows`` are the cells as read (strings, keyed by our
    field names, with the spreadsheet ``line``); the units are copied from the mapping so
    the preview means the same if the mapping changes. ``choices`` are the sessions picked
    by hand, {line: session id}. Rows are checked again each time they are shown or saved."""

    __tablename__ = "platform_import"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    mapping_id: int | None = Field(
        default=None, foreign_key="platform_mapping.id", ondelete="SET NULL"
    )
    mapping_name: str = Field(default="", max_length=100)
    watch_time_unit: str = Field(default=WatchTimeUnit.seconds.value, max_length=16)
    money_unit: str = Field(default=MoneyUnit.yuan.value, max_length=16)
    status: str = Field(default="preview", max_length=16)  # preview | saved
    filename: str = Field(default="", max_length=255)
    rows: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    choices: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    row_count: int = Field(default=0)
    saved_count: int = Field(default=0)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    saved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

"""广告法 compliance of live scripts: the rules a script is checked against, and the
teachers' sign-offs of hits they judged acceptable.

Rules are data (seeded from seeds/catalogue/ad_rules.json, editable later by teachers):
a plain phrase or a regular expression, its category, severity, legal source and a
suggested rewrite in both languages, plus the phrases that contain the term but are no
claim (exceptions) and the words that, present in the same sentence, clear it
(cleared_by: a 美白 claim beside its 特证 number). Lists are stored one item a line.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Severity(StrEnum):
    forbidden = "forbidden"  # the law bans it outright
    risky = "risky"  # lawful only with proof (a licence, price records): a teacher decides


def _text() -> Column:
    return Column(Text, nullable=False, default="")


class AdRule(SQLModel, table=True):
    __tablename__ = "ad_rule"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    pattern: str = Field(max_length=500)
    is_regex: bool = Field(default=False)
    category: str = Field(max_length=32, index=True)
    category_zh: str = Field(max_length=100)
    category_en: str = Field(max_length=100)
    severity: str = Field(default=Severity.forbidden.value, max_length=16)
    source_zh: str = Field(max_length=300)
    source_en: str = Field(max_length=300)
    rewrite_zh: str = Field(default="", sa_column=_text())
    rewrite_en: str = Field(default="", sa_column=_text())
    exceptions: str = Field(default="", sa_column=_text())  # one phrase a line
    cleared_by: str = Field(default="", sa_column=_text())  # one phrase a line
    note: str = Field(default="", max_length=500)
    is_active: bool = Field(default=True)
    sort_order: int = Field(default=0)

    @property
    def exception_list(self) -> list[str]:
        return [line.strip() for line in self.exceptions.splitlines() if line.strip()]

    @property
    def cleared_by_list(self) -> list[str]:
        return [line.strip() for line in self.cleared_by.splitlines() if line.strip()]


class ScriptSignOff(SQLModel, table=True):
    """A teacher accepted one hit of a session's script. ``hit_key`` is the rule code
    and a hash of the sentence, so editing the sentence makes the hit unresolved again."""

    __tablename__ = "script_sign_off"
    __table_args__ = (UniqueConstraint("session_id", "hit_key", name="uq_script_sign_off_hit"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True, ondelete="CASCADE")
    hit_key: str = Field(max_length=80)
    note: str = Field(default="", sa_column=_text())
    teacher_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    signed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

"""Student teams, their projects and live sessions; mentor pairings and guidance logs.

Money is stored in fen (integer hundredths of a yuan) so sums are exact on both databases.
Member, pairing and practice periods are dates; a member's period is ``[joined_on, left_on)``.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, bump_sequence_on_change, utcnow


class TeamStage(StrEnum):
    """The pipeline: club → live-broadcast academy → entrepreneurship studio → incubated."""

    club = "club"
    academy = "academy"
    studio = "studio"
    incubated = "incubated"


class InvitationStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class ProjectStatus(StrEnum):
    planning = "planning"
    running = "running"
    paused = "paused"
    closed = "closed"


class Platform(StrEnum):
    douyin = "douyin"
    kuaishou = "kuaishou"
    taobao = "taobao"
    wechat_channels = "wechat_channels"
    xiaohongshu = "xiaohongshu"
    other = "other"


class SessionStatus(StrEnum):
    planned = "planned"
    completed = "completed"
    cancelled = "cancelled"


class GuidanceMode(StrEnum):
    on_site = "on_site"
    online = "online"
    in_studio = "in_studio"


def _created_at() -> Column:
    return Column(UTCDateTime, nullable=False)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    description: str = Field(default="", max_length=2000)
    stage: str = Field(default=TeamStage.club.value, max_length=16, index=True)
    captain_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


class TeamCohort(SQLModel, table=True):
    __tablename__ = "team_cohort"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")


class TeamMember(SQLModel, table=True):
    """One stint of a student in a team with one post; rows are closed, never deleted."""

    __tablename__ = "team_member"
    __table_args__ = (
        Index("ix_team_member_team_user", "team_id", "user_id"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="RESTRICT")
    joined_on: date
    left_on: date | None = Field(default=None)


class TeamStageChange(SQLModel, table=True):
    __tablename__ = "team_stage_change"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    stage: str = Field(max_length=16)
    changed_on: date
    note: str = Field(default="", max_length=500)
    changed_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


class TeamInvitation(SQLModel, table=True):
    __tablename__ = "team_invitation"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    post_id: int = Field(foreign_key="post.id", ondelete="RESTRICT")
    invited_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    status: str = Field(default=InvitationStatus.pending.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())
    responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", unique=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=ProjectStatus.planning.value, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


class PlatformAccount(SQLModel, table=True):
    __tablename__ = "platform_account"
    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_platform_account_handle"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=32)
    handle: str = Field(max_length=100)


class FollowerSnapshot(SQLModel, table=True):
    __tablename__ = "follower_snapshot"
    __table_args__ = (
        UniqueConstraint("account_id", "recorded_on", name="uq_follower_snapshot_day"),
        CheckConstraint("followers >= 0", name="followers"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="platform_account.id", ondelete="CASCADE")
    recorded_on: date
    followers: int


class LiveSession(SQLModel, table=True):
    """A broadcast: plan (theme, start, length, target), then result and review.

    A studio booking link (nullable ``booking_id``) is added once bookings land.
    """

    __tablename__ = "live_session"
    __table_args__ = (
        Index("ix_live_session_team_date", "team_id", "session_date"),
        CheckConstraint("refunds <= orders", name="refunds"),
        CheckConstraint(
            "gmv_fen >= 0 AND orders >= 0 AND refunds >= 0 AND income_fen >= 0 "
            "AND new_followers >= 0 AND peak_viewers >= 0",
            name="non_negative",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    account_id: int | None = Field(
        default=None, foreign_key="platform_account.id", ondelete="SET NULL"
    )
    theme: str = Field(max_length=200)
    planned_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    planned_minutes: int
    gmv_target_fen: int = Field(default=0)
    # plan targets the review compares with; None: not set
    viewers_target: int | None = Field(default=None)
    orders_target: int | None = Field(default=None)
    session_date: date  # the college-local date of the start: what periods are counted by
    status: str = Field(default=SessionStatus.planned.value, max_length=16)
    # result
    actual_start: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    actual_end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    actual_minutes: int | None = Field(default=None)
    gmv_fen: int = Field(default=0)
    orders: int = Field(default=0)
    refunds: int = Field(default=0)
    income_fen: int = Field(default=0)
    new_followers: int = Field(default=0)
    peak_viewers: int = Field(default=0)
    # platform figures the 复盘 metrics divide by; None: not known (shown as —)
    viewers: int | None = Field(default=None)  # 累计观看人数 (UV)
    avg_watch_seconds: int | None = Field(default=None)  # 人均观看时长
    interactions: int | None = Field(default=None)  # comments + likes + shares
    ad_spend_fen: int | None = Field(default=None)  # paid traffic (投流)
    # the script (话术) checked for 广告法 risks before the session may be marked ready
    script: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    ready_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    ready_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # review (复盘)
    went_well: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    problems: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    actions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # iCalendar
    recorded_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


bump_sequence_on_change(
    LiveSession, "theme", "planned_start", "planned_minutes", "actual_start", "actual_end", "status"
)


class LiveSessionProduct(SQLModel, table=True):
    __tablename__ = "live_session_product"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    price_fen: int
    # selling points said on air: checked with the script
    claims: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sort_order: int = Field(default=0)


class LiveSessionRole(SQLModel, table=True):
    """Who plays which post in one session."""

    __tablename__ = "live_session_role"

    session_id: int = Field(foreign_key="live_session.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    post_id: int = Field(foreign_key="post.id", ondelete="RESTRICT")


class Pairing(SQLModel, table=True):
    """College mentor (teacher) + team + industry mentor + project, for a period."""

    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    teacher_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    mentor_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    starts_on: date
    ends_on: date | None = Field(default=None)
    goals: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


class EnterprisePairing(SQLModel, table=True):
    """A teacher paired with an enterprise or entrepreneur (校企结对)."""

    __tablename__ = "enterprise_pairing"

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    enterprise: str = Field(max_length=200)
    contact: str = Field(default="", max_length=100)
    starts_on: date
    ends_on: date | None = Field(default=None)
    notes: str = Field(default="", max_length=2000)


class PracticeDay(SQLModel, table=True):
    """A teacher's enterprise practice: enterprise, dates (inclusive), content."""

    __tablename__ = "practice_day"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    enterprise: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    days: int  # inclusive day count, stored so that sums are plain SQL
    content: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())


class GuidanceLog(SQLModel, table=True):
    __tablename__ = "guidance_log"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes"),)

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    held_on: date = Field(index=True)
    minutes: int
    mode: str = Field(max_length=16)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    acknowledged_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class GuidanceTopic(SQLModel, table=True):
    __tablename__ = "guidance_topic"

    log_id: int = Field(foreign_key="guidance_log.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, ondelete="RESTRICT")


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    log_id: int = Field(foreign_key="guidance_log.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=500)
    sort_order: int = Field(default=0)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    done_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")


class GuidanceLogChange(SQLModel, table=True):
    """A correction of a guidance log: who changed it, when, and what (its author, or an
    administrator, whose name then stands beside the author's)."""

    __tablename__ = "guidance_log_change"

    id: int | None = Field(default=None, primary_key=True)
    log_id: int = Field(foreign_key="guidance_log.id", index=True, ondelete="CASCADE")
    editor_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    changed_at: datetime = Field(default_factory=utcnow, sa_column=_created_at())
    summary: str = Field(default="", max_length=1000)

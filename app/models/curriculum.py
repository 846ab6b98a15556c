"""Curriculum: competitions and certificates (catalogue), courses and their modules, the
links from modules to skills, competencies, competition items and certificate units, and
training programmes with their versions and semester placements.

Core competencies have no link to skills in the catalogue, so a module names the
competencies it develops itself (``ModuleCompetency``); the coverage map reads that link.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class CompetitionLevel(StrEnum):
    school = "school"
    municipal = "municipal"
    provincial = "provincial"
    national = "national"
    international = "international"


class CollegeTier(StrEnum):
    key = "key"
    first_class = "first_class"
    general = "general"


class CourseKind(StrEnum):
    platform = "platform"
    module_directed = "module_directed"


class TeachingMethod(StrEnum):
    situational = "situational"
    case = "case"
    role_play = "role_play"
    task_driven = "task_driven"


class VersionStatus(StrEnum):
    draft = "draft"
    published = "published"


# Levels of a national vocational skill certificate: 5 (初级工) … 1 (高级技师).
CERTIFICATE_LEVELS = (5, 4, 3, 2, 1)
SEMESTERS = (1, 2, 3, 4, 5, 6)


# --- competitions ----------------------------------------------------------------------------


class Competition(SQLModel, table=True):
    __table_args__ = (CheckConstraint("entry_semester BETWEEN 1 AND 6", name="entry_semester"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    organiser_zh: str = Field(default="", max_length=200)
    organiser_en: str = Field(default="", max_length=200)
    level: str = Field(max_length=16)
    tier: str = Field(max_length=16)
    # Content must be implanted in a module in or before this semester.
    entry_semester: int = Field(default=4)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    sort_order: int = Field(default=0)


class CompetitionPost(SQLModel, table=True):
    __tablename__ = "competition_post"

    competition_id: int = Field(foreign_key="competition.id", primary_key=True, ondelete="CASCADE")
    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")


class CompetitionItem(SQLModel, table=True):
    __tablename__ = "competition_item"

    id: int | None = Field(default=None, primary_key=True)
    competition_id: int = Field(foreign_key="competition.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    sort_order: int = Field(default=0)


# --- certificates ----------------------------------------------------------------------------


class CertificateType(SQLModel, table=True):
    __tablename__ = "certificate_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    issuer_zh: str = Field(default="", max_length=200)
    issuer_en: str = Field(default="", max_length=200)
    occupation_code: str = Field(default="", max_length=32)
    work_type_zh: str = Field(default="", max_length=100)
    work_type_en: str = Field(default="", max_length=100)
    sort_order: int = Field(default=0)


class CertificatePost(SQLModel, table=True):
    __tablename__ = "certificate_post"

    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", primary_key=True, ondelete="CASCADE"
    )
    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="CASCADE")


class CertificateLevel(SQLModel, table=True):
    """A level a certificate type is awarded at, with the standard's minimum training hours."""

    __tablename__ = "certificate_level"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", primary_key=True, ondelete="CASCADE"
    )
    level: int = Field(primary_key=True)
    min_training_hours: int = Field(default=0)


class CertificateUnit(SQLModel, table=True):
    """A syllabus unit; ``level`` is the lowest level (highest number) whose exam includes
    it: a level-L syllabus is every unit with level >= L (higher levels build on lower)."""

    __tablename__ = "certificate_unit"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: int | None = Field(default=None, primary_key=True)
    certificate_type_id: int = Field(
        foreign_key="certificate_type.id", index=True, ondelete="CASCADE"
    )
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    level: int = Field(default=5)
    sort_order: int = Field(default=0)


# --- courses and modules ---------------------------------------------------------------------


class Course(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("semester BETWEEN 1 AND 6", name="semester"),
        CheckConstraint("theory_hours >= 0 AND practice_hours >= 0", name="hours"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    title_zh: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    semester: int = Field(index=True)
    credits: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(4, 1), nullable=False))
    theory_hours: int = Field(default=0)
    practice_hours: int = Field(default=0)
    kind: str = Field(max_length=16, index=True)
    description_zh: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    @property
    def hours(self) -> int:
        return self.theory_hours + self.practice_hours


class CourseOwner(SQLModel, table=True):
    __tablename__ = "course_owner"

    course_id: int = Field(foreign_key="course.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class CourseModule(SQLModel, table=True):
    __tablename__ = "course_module"
    __table_args__ = (CheckConstraint("hours >= 0", name="hours"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    title_zh: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    hours: int = Field(default=0)
    outcomes: str = Field(default="", max_length=2000)
    teaching_method: str = Field(max_length=16)
    needs_studio: bool = Field(default=False)


class ModuleSkill(SQLModel, table=True):
    __tablename__ = "module_skill"

    module_id: int = Field(foreign_key="course_module.id", primary_key=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", primary_key=True, index=True, ondelete="RESTRICT")


class ModuleCompetency(SQLModel, table=True):
    __tablename__ = "module_competency"

    module_id: int = Field(foreign_key="course_module.id", primary_key=True, ondelete="CASCADE")
    competency_id: int = Field(
        foreign_key="core_competency.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ModuleCompetitionItem(SQLModel, table=True):
    __tablename__ = "module_competition_item"

    module_id: int = Field(foreign_key="course_module.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(
        foreign_key="competition_item.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ModuleCertificateUnit(SQLModel, table=True):
    __tablename__ = "module_certificate_unit"

    module_id: int = Field(foreign_key="course_module.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(
        foreign_key="certificate_unit.id", primary_key=True, index=True, ondelete="CASCADE"
    )


# --- training programmes ---------------------------------------------------------------------


class TrainingProgramme(SQLModel, table=True):
    """人才培养方案 for one major and intake year, with the bounds the admin sets."""

    __tablename__ = "training_programme"
    __table_args__ = (
        UniqueConstraint("major", "intake_year", name="uq_training_programme_major_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    major: str = Field(max_length=100)
    intake_year: int
    min_semester_credits: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 1), nullable=True)
    )
    max_semester_credits: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 1), nullable=True)
    )
    min_total_credits: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 1), nullable=True)
    )
    max_semester_hours: int | None = Field(default=None)
    min_practice_share: int | None = Field(default=None)  # percent of all hours
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ProgrammeVersion(SQLModel, table=True):
    __tablename__ = "programme_version"
    __table_args__ = (
        UniqueConstraint("programme_id", "number", name="uq_programme_version_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="training_programme.id", index=True, ondelete="CASCADE")
    number: int
    status: str = Field(default=VersionStatus.draft, max_length=16)
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    published_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.published


class Placement(SQLModel, table=True):
    """A course placed in a semester of a programme version. Publishing copies the course's
    credits and hours here, so a published version keeps its figures when a course changes."""

    __table_args__ = (
        UniqueConstraint("version_id", "course_id", name="uq_placement_version_course"),
        CheckConstraint("semester BETWEEN 1 AND 6", name="semester"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="programme_version.id", index=True, ondelete="CASCADE")
    course_id: int = Field(foreign_key="course.id", index=True, ondelete="RESTRICT")
    semester: int
    credits: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 1), nullable=True))
    theory_hours: int | None = Field(default=None)
    practice_hours: int | None = Field(default=None)

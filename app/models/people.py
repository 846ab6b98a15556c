"""Cohorts and the per-role profiles of users."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Cohort(SQLModel, table=True):
    """A class: major + intake year + class number, e.g. 网络营销与直播电商 2024级 1班."""

    __table_args__ = (
        UniqueConstraint("major", "intake_year", "class_number", name="uq_cohort_major_year_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    major: str = Field(max_length=100)
    intake_year: int
    class_number: int
    head_teacher_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )

    def label(self, locale: str = "zh_CN") -> str:
        if locale == "en":
            return f"{self.major}, intake {self.intake_year}, class {self.class_number}"
        return f"{self.major} {self.intake_year}级 {self.class_number}班"


class StudentProfile(SQLModel, table=True):
    __tablename__ = "student_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    student_number: str = Field(max_length=32, unique=True)
    cohort_id: int | None = Field(
        default=None, foreign_key="cohort.id", index=True, ondelete="RESTRICT"
    )
    phone: str | None = Field(default=None, max_length=32)


class TeacherProfile(SQLModel, table=True):
    __tablename__ = "teacher_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    department: str | None = Field(default=None, max_length=100)
    double_qualified: bool = Field(default=False)


class MentorProfile(SQLModel, table=True):
    __tablename__ = "mentor_profile"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    enterprise: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=100)


class MentorExpertise(SQLModel, table=True):
    """Posts an industry mentor is expert in."""

    __tablename__ = "mentor_expertise"

    mentor_id: int = Field(
        foreign_key="mentor_profile.user_id", primary_key=True, ondelete="CASCADE"
    )
    post_id: int = Field(foreign_key="post.id", primary_key=True, ondelete="RESTRICT")

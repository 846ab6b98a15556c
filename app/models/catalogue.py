"""Posts (岗位), their skills (技能点) and the seven core competencies (核心素养)."""

from sqlmodel import Field, SQLModel


class Post(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    is_core: bool = Field(default=False)  # a team must cover every core post
    sort_order: int = Field(default=0)


class Skill(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True, ondelete="RESTRICT")
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    retired: bool = Field(default=False)
    sort_order: int = Field(default=0)


class CoreCompetency(SQLModel, table=True):
    __tablename__ = "core_competency"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
    sort_order: int = Field(default=0)

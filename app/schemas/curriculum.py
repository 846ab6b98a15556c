"""Forms of the curriculum: the catalogue (posts, skills, core competencies), courses and
their modules, module mappings, training programmes, their bounds and placements."""

import re
from decimal import Decimal
from typing import Any

from pydantic import field_validator

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.curriculum import CourseKind, TeachingMethod
from app.schemas.base import FormModel
from app.schemas.fields import (
    Choice,
    Count,
    Flag,
    Number,
    OptionalCount,
    OptionalId,
    Text,
    field_error,
)

SKILL_CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 32
DESCRIPTION_MAX = 1000
COURSE_DESCRIPTION_MAX = 2000
TITLE_MAX = 200
HOURS_MAX = 2000
CREDITS_MAX = Decimal("99.9")
OUTCOMES_MAX = 2000
MAJOR_MAX = 100

Name = Text(200, required=True)
Semester = Count(low=1, high=6, message=N_("Choose a semester from 1 to 6."))
Credits = Number(
    low=0,
    high=CREDITS_MAX,
    places=1,
    message=N_("Enter credits from 0 to 99.9, with at most one decimal place."),
)
Hours = Count(low=0, high=HOURS_MAX, message=N_("Enter whole hours from 0 to 2000."))


def _names_within(form: FormModel, limit: int) -> dict[str, Any]:
    """Both names are required; the limit differs between posts, skills and competencies."""
    return {
        name: _l("At most %(n)s characters.", n=limit)
        for name in ("name_zh", "name_en")
        if form.has(name) and len(getattr(form, name)) > limit
    }


class SkillNames(FormModel):
    name_zh: Name
    name_en: Name

    def field_problems(self) -> dict[str, Any]:
        return _names_within(self, 200)


class NewSkillForm(SkillNames):
    code: Text(CODE_MAX + 8, required=True)
    inline: Flag() = False

    @field_validator("code")
    @classmethod
    def _skill_code(cls, value: str) -> str:
        code = value.upper()
        if len(code) > CODE_MAX or not SKILL_CODE.match(code):
            raise field_error(
                "Use up to %(n)s upper-case letters, digits and dashes, e.g. ANC-07.", n=CODE_MAX
            )
        return code


class CompetencyForm(FormModel):
    name_zh: Name
    name_en: Name
    description_zh: Text(DESCRIPTION_MAX)
    description_en: Text(DESCRIPTION_MAX)

    def field_problems(self) -> dict[str, Any]:
        return _names_within(self, 100)


class PostForm(CompetencyForm):
    is_core: Flag() = False


class CourseForm(FormModel):
    """A course's titles, semester, credits, hours, kind and descriptions (the code is set
    once, when the course is created)."""

    title_zh: Text(TITLE_MAX, required=True)
    title_en: Text(TITLE_MAX)
    semester: Semester
    credits: Credits
    theory_hours: Hours
    practice_hours: Hours
    kind: Choice(CourseKind, message=N_("Choose platform or module-directed."))
    description_zh: Text(COURSE_DESCRIPTION_MAX)
    description_en: Text(COURSE_DESCRIPTION_MAX)


class NewCourseForm(CourseForm):
    code: Text(CODE_MAX, required=True)

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class ModuleForm(FormModel):
    title_zh: Text(TITLE_MAX, required=True)
    title_en: Text(TITLE_MAX)
    hours: Count(low=1, high=HOURS_MAX, message=N_("Enter whole hours from 1 to 2000."))
    outcomes: Text(OUTCOMES_MAX)
    teaching_method: Choice(TeachingMethod, message=N_("Choose a teaching method."))
    needs_studio: Flag() = False


class MoveModuleForm(FormModel):
    direction: Choice(("up", "down"), message=N_("Move a module up or down."))


class OwnerForm(FormModel):
    owner_id: OptionalId


class LinkForm(FormModel):
    """Map (or, with action=remove, unmap) a module to one item of the picker."""

    kind: Text(32)
    target_id: OptionalId
    action: Text(10) = "add"
    q: Text(100) = ""


class ProgrammeForm(FormModel):
    major: Text(MAJOR_MAX, required=True)
    intake_year: Count(low=2000, high=2100, message=N_("Enter an intake year such as 2024."))


class BoundsForm(FormModel):
    """Bounds every version of a programme is checked against; blank means no bound."""

    min_semester_credits: Number(low=0, high=CREDITS_MAX, places=1, required=False) = None
    max_semester_credits: Number(low=0, high=CREDITS_MAX, places=1, required=False) = None
    min_total_credits: Number(low=0, high=999, places=1, required=False) = None
    max_semester_hours: OptionalCount(
        high=HOURS_MAX, message=N_("Enter a whole number from 0 to 2000.")
    ) = None
    min_practice_share: OptionalCount(
        high=100, message=N_("Enter a whole number from 0 to 100.")
    ) = None

    def field_problems(self) -> dict[str, Any]:
        if not self.has("min_semester_credits", "max_semester_credits"):
            return {}
        low, high = self.min_semester_credits, self.max_semester_credits
        if low is not None and high is not None and low > high:
            return {"max_semester_credits": _l("The maximum must not be below the minimum.")}
        return {}


class PlacementForm(FormModel):
    course_id: OptionalId
    semester: OptionalCount(low=1, high=6, message=N_("Choose a semester from 1 to 6.")) = None


class MoveForm(FormModel):
    semester: Semester

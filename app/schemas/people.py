"""Forms of people and cohorts: a user with the profile of their role, a cohort."""

from app.i18n import N_
from app.models import Role
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Flag, IdList, OptionalId, Password, RowChoice, Text

YEAR_MIN, YEAR_MAX = 2000, 2100
CLASS_MIN, CLASS_MAX = 1, 99


class PersonForm(FormModel):
    """A new or edited user with the profile fields of their role. Which profile fields a
    role needs (a student's number, a mentor's enterprise) the people service checks."""

    role: Choice(Role, message=N_("Choose a role.")) = Role.student.value
    username: Text(64)
    full_name: Text(100)
    email: Text(254)
    password: Password() = ""  # blank: a one-time password is generated
    student_number: Text(64)
    cohort_id: OptionalId = None
    phone: Text(40)
    department: Text(200)
    double_qualified: Flag() = False
    enterprise: Text(400)
    title: Text(200)
    expertise: IdList = []  # Post ids


class CohortForm(FormModel):
    major: Text(200)
    intake_year: Count(
        low=YEAR_MIN,
        high=YEAR_MAX,
        message=(N_("Enter a year from %(low)s to %(high)s."), {"low": YEAR_MIN, "high": YEAR_MAX}),
    )
    class_number: Count(
        low=CLASS_MIN,
        high=CLASS_MAX,
        message=(
            N_("Enter a class number from %(low)s to %(high)s."),
            {"low": CLASS_MIN, "high": CLASS_MAX},
        ),
    )
    head_teacher_id: OptionalId = None


class RosterUploadForm(FormModel):
    """The cohort for rows of an uploaded roster that name none (the file has its own
    reader)."""

    cohort_id: RowChoice(N_("Choose a cohort from the list.")) = None

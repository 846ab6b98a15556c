"""Form data for people and cohorts: the raw text a form sent, re-shown on errors."""

from dataclasses import dataclass, field, fields


def _drop_nul(form: object) -> None:
    """NUL characters mean nothing in a form and PostgreSQL refuses them in text."""
    for f in fields(form):  # type: ignore[arg-type]
        value = getattr(form, f.name)
        if isinstance(value, str) and "\x00" in value:
            setattr(form, f.name, value.replace("\x00", ""))
        elif isinstance(value, list):
            setattr(form, f.name, [str(v).replace("\x00", "") for v in value])


@dataclass
class PersonForm:
    """A new or edited user with the profile fields of their role."""

    role: str = "student"
    username: str = ""
    full_name: str = ""
    email: str = ""
    password: str = ""  # blank: a one-time password is generated
    student_number: str = ""
    cohort_id: str = ""
    phone: str = ""
    department: str = ""
    double_qualified: bool = False
    enterprise: str = ""
    title: str = ""
    expertise: list[str] = field(default_factory=list)  # Post ids

    def __post_init__(self) -> None:
        _drop_nul(self)


@dataclass
class CohortForm:
    major: str = ""
    intake_year: str = ""
    class_number: str = ""
    head_teacher_id: str = ""

    def __post_init__(self) -> None:
        _drop_nul(self)

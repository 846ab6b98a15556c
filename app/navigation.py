"""The main navigation, per role. Labels are msgids, translated when rendered."""

from dataclasses import dataclass

from app.i18n import gettext
from app.models import Role


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    roles: frozenset[str]


ALL = frozenset(Role)
NAV: list[NavItem] = [
    NavItem("/", "Dashboard", ALL),
    NavItem("/people", "People", frozenset({Role.admin})),
    NavItem("/cohorts", "Cohorts", frozenset({Role.admin, Role.teacher})),
    NavItem("/roster", "Roster import", frozenset({Role.admin})),
    NavItem("/catalogue", "Posts & skills", ALL),
    NavItem("/courses", "Courses", ALL),
    NavItem("/competitions", "Competitions & certificates", ALL),
    NavItem("/programmes", "Programmes", frozenset({Role.admin, Role.teacher})),
    NavItem("/studios", "Studios", frozenset({Role.admin, Role.teacher, Role.student})),
    NavItem("/bookings", "My bookings", frozenset({Role.admin, Role.teacher, Role.student})),
    NavItem("/teams", "Teams", ALL),
    NavItem("/guidance", "Guidance", frozenset({Role.admin, Role.teacher, Role.mentor})),
    NavItem("/account/password", "My account", ALL),
]

ROLE_LABELS = {
    Role.admin: "Administrator",
    Role.teacher: "Teacher",
    Role.student: "Student",
    Role.mentor: "Industry mentor",
}


def nav_items(role: str) -> list[NavItem]:
    return [item for item in NAV if role in item.roles]


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))

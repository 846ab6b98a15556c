"""The main navigation, per role. Labels are msgids, translated when rendered."""

from dataclasses import dataclass

from app.i18n import gettext
from app.models import Role


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    roles: frozenset[str]
    group: str | None = None  # items of one group share a drop-down menu


@dataclass(frozen=True)
class NavGroup:
    label: str | None  # None: a single top-level link
    items: list[NavItem]

    def is_current(self, path: str) -> bool:
        return any(is_current(item.url, path) for item in self.items)


TEACHING, CONTESTS, PRACTICE, TEAMWORK, ADMIN = (
    "Teaching",
    "Competitions",
    "Practice",
    "Teamwork",
    "Administration",
)

ALL = frozenset(Role)
STAFF = frozenset({Role.admin, Role.teacher})
NAV: list[NavItem] = [
    NavItem("/", "Dashboard", ALL),
    NavItem("/courses", "Courses", ALL, TEACHING),
    NavItem("/programmes", "Programmes", STAFF, TEACHING),
    NavItem("/catalogue", "Posts & skills", ALL, TEACHING),
    NavItem("/terms/calendar", "Term calendar", ALL, TEACHING),
    NavItem("/competitions", "Competitions & certificates", ALL, TEACHING),
    NavItem("/contests", "Contests & results", ALL, CONTESTS),
    NavItem("/judging", "Judging", frozenset({Role.teacher, Role.mentor}), CONTESTS),
    NavItem("/certificates/awards", "Certificate awards", STAFF, CONTESTS),
    NavItem("/portfolio", "My portfolio", frozenset({Role.student}), CONTESTS),
    NavItem("/studios", "Studios", frozenset({Role.admin, Role.teacher, Role.student}), PRACTICE),
    NavItem(
        "/bookings", "My bookings", frozenset({Role.admin, Role.teacher, Role.student}), PRACTICE
    ),
    NavItem("/bookings/strikes", "Missed check-ins", STAFF, PRACTICE),
    NavItem("/bookings/term-series", "Book by teaching week", STAFF, PRACTICE),
    NavItem(
        "/kits", "Equipment kits", frozenset({Role.admin, Role.teacher, Role.student}), PRACTICE
    ),
    NavItem("/teams", "Teams", ALL, TEAMWORK),
    NavItem("/guidance", "Guidance", frozenset({Role.admin, Role.teacher, Role.mentor}), TEAMWORK),
    NavItem("/imports/mappings", "Platform data mappings", STAFF, TEAMWORK),
    NavItem("/evaluation", "Evaluation", STAFF, ADMIN),
    NavItem("/people", "People", frozenset({Role.admin}), ADMIN),
    NavItem("/cohorts", "Cohorts", STAFF, ADMIN),
    NavItem("/roster", "Roster import", frozenset({Role.admin}), ADMIN),
    NavItem("/terms", "Terms", frozenset({Role.admin}), ADMIN),
]
GROUP_LABELS = (TEACHING, CONTESTS, PRACTICE, TEAMWORK, ADMIN)


def _matches(url: str, path: str) -> bool:
    return path == "/" if url == "/" else path == url or path.startswith(url + "/")


def nav_items(role: str) -> list[NavItem]:
    return [item for item in NAV if role in item.roles]


def nav_groups(role: str) -> list[NavGroup]:
    """The role's menu: top-level links, then groups; a group of one becomes a link."""
    groups: list[NavGroup] = []
    by_label: dict[str, list[NavItem]] = {}
    for item in nav_items(role):
        if item.group is None:
            groups.append(NavGroup(None, [item]))
        else:
            if item.group not in by_label:
                by_label[item.group] = []
                groups.append(NavGroup(item.group, by_label[item.group]))
            by_label[item.group].append(item)
    return [NavGroup(None, g.items) if len(g.items) == 1 else g for g in groups]


def is_current(url: str, path: str) -> bool:
    """Whether ``url`` is the menu entry of ``path``: the longest entry it lies under, so
    /bookings/strikes marks "Missed check-ins", not "My bookings" as well."""
    return url in current_urls(path)


def current_urls(path: str) -> tuple[str, ...]:
    """The menu entry a path belongs to (the longest that matches): with the role and
    language, all the menu varies by."""
    matching = [item.url for item in NAV if _matches(item.url, path)]
    if not matching:
        return ()
    longest = max(len(url) for url in matching)
    return tuple(url for url in matching if len(url) == longest)


ROLE_LABELS = {
    Role.admin: "Administrator",
    Role.teacher: "Teacher",
    Role.student: "Student",
    Role.mentor: "Industry mentor",
}


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))

"""Small steps shared by the browser journeys."""

import re

DASHBOARD_HEADING_ZH = "系统管理"  # "Administration" in app/i18n/zh_CN/core.po


def log_in(page, username: str, password: str) -> None:
    """Log in through the form on /login (already open) and wait for the next page."""
    form = page.locator("#login-form")
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 = no sideways scroll)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def path_of(page) -> str:
    """The current URL's path and query, without the origin."""
    return re.sub(r"^https?://[^/]+", "", page.url)

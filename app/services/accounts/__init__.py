"""Accounts: what routers and other domains use, re-exported."""

from .auth import (
    TOUCH_INTERVAL,
    ActiveSession,
    authenticate,
    change_password,
    end_session,
    resolve_session,
    set_locale,
    start_session,
    touch_session,
)
from .people import (
    create_admin,
    create_person,
    email_problem,
    end_sessions,
    generate_password,
    get_person,
    issue_one_time_password,
    list_people,
    normalise_username,
    person_form,
    set_user_active,
    update_person,
)
from .profiles import list_posts

__all__ = [
    "ActiveSession",
    "TOUCH_INTERVAL",
    "authenticate",
    "change_password",
    "create_admin",
    "create_person",
    "email_problem",
    "end_session",
    "end_sessions",
    "generate_password",
    "get_person",
    "issue_one_time_password",
    "list_people",
    "list_posts",
    "normalise_username",
    "person_form",
    "resolve_session",
    "set_locale",
    "set_user_active",
    "start_session",
    "touch_session",
    "update_person",
]

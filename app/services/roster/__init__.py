"""Roster: what routers and other domains use, re-exported."""

from .cohorts import (
    cohort_choices,
    cohort_form,
    create_cohort,
    delete_cohort,
    get_cohort,
    list_cohorts,
    list_students,
    load_cohort,
    teacher_choices,
    update_cohort,
)
from .files import MAX_ROWS
from .imports import (
    RosterRejected,
    commit_import,
    create_import,
    discard_import,
    issue_passwords,
    preview_import,
    recent_imports,
    reissue_passwords,
)
from .kept import kept_cohort_page, kept_people_listing

__all__ = [
    "MAX_ROWS",
    "RosterRejected",
    "cohort_choices",
    "cohort_form",
    "commit_import",
    "create_cohort",
    "create_import",
    "delete_cohort",
    "discard_import",
    "get_cohort",
    "issue_passwords",
    "kept_cohort_page",
    "kept_people_listing",
    "list_cohorts",
    "list_students",
    "load_cohort",
    "preview_import",
    "recent_imports",
    "reissue_passwords",
    "teacher_choices",
    "update_cohort",
]

"""The slow-changing part of each personal dashboard, kept per worker until its data changes.

A student's, teacher's or mentor's dashboard read 8-18 statements on every visit (their
cohort, teams, guidance, certificates, courses, judging and evaluation panels), for data
that changes a few times a day. Everything but the studio bookings is kept here, per
person, under the "personal_dashboards" data token (app/services/revisions.py): every
committed change to one of the tables below, from any worker or the command line, renews
it, so the next visit of every dashboard reads afresh. A visit that finds its part kept
reads one statement (the token) instead of those.

Only the date changes the kept part with time (this term's guidance minutes, whether a
certificate has lapsed): it is kept under the college's date. The studio bookings
(check-in windows, offers running out, strikes) change by the minute and are always
read live, as is anything of the viewer's own account the page shows (their name).

``READ_TABLES`` must name every table the kept part reads; tests/routers/
test_dashboard_kept.py checks it against the SQL a dashboard runs, so a panel that starts
reading a new table fails that test until it is added here.
"""

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (every model mapped before the tables are resolved)
from app.models import User
from app.services import clock, revisions

REVISION = "personal_dashboards"
READ_TABLES = frozenset(
    {
        # the student's cohort and classmates, the teacher's cohorts
        "student_profile",
        "cohort",
        # teams, guidance and the term its minutes are counted in
        "team",
        "team_member",
        "post",
        "pairing",
        "project",
        "guidance_log",
        "action_item",
        "term",
        # certificates
        "certificate_award",
        "certificate_type",
        # a teacher's courses
        "course",
        "course_owner",
        "course_module",
        # judging tasks
        "judge_assignment",
        "judge_score",
        "rubric_criterion",
        "contest_entry",
        "contest_round",
        "edition",
        "competition",
        # the evaluation panel
        "evaluation_snapshot",
        "evaluation_scheme",
        # a mentor's profile and expertise
        "mentor_profile",
        "mentor_expertise",
    }
)


def _models(tables: frozenset[str]) -> set[type]:
    found = {
        mapper.class_
        for mapper in SQLModel._sa_registry.mappers  # type: ignore[attr-defined]
        if mapper.local_table is not None and mapper.local_table.name in tables
    }
    missing = tables - {model.__table__.name for model in found}  # type: ignore[attr-defined]
    if missing:
        raise RuntimeError(f"no model for the dashboard's tables: {sorted(missing)}")
    return found


# Course owners are read as accounts: a renamed, added or removed account renews the token.
revisions.track(REVISION, _models(READ_TABLES), user_fields=("full_name",))
# People (× days): a worker keeps the dashboards of the last people it served, each with
# its rendered fragments (a few KiB per language): some 20 MiB at most.
_KEPT = revisions.Keeper(REVISION, size=1024)


def personal_part(session: Session, *, user: User, compute: Callable[[], Any]) -> Any:
    """``compute()`` kept for this person (and role) on today's college date."""
    return _KEPT.get(session, (user.id, user.role, clock.today()), compute)

"""Every kept result's tracked tables, registered by one import.

A data token (app/services/revisions.py) is renewed only by a process that has
registered the tables behind it, and a module registers them as it is imported. The web
app and the command line (seed, tick, imports, create-admin) both import this module, so
a change made by either renews the tokens every worker reads; a kept page is never left
stale because the process that changed its data did not happen to import its module.
"""

from app.services import dashboard_kept as _dashboards  # noqa: F401
from app.services.bookings import kept as _bookings  # noqa: F401
from app.services.curriculum import course_pages as _courses  # noqa: F401
from app.services.curriculum import kept as _curriculum  # noqa: F401
from app.services.evaluation import cache as _evaluation  # noqa: F401
from app.services.mentoring import report as _guidance_report  # noqa: F401
from app.services.roster import kept as _people  # noqa: F401
from app.services.teams import sessions_page as _team_sessions  # noqa: F401

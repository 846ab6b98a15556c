"""Every router of the app, in the order they are mounted."""

from app.routers import (
    account,
    auth,
    bookings,
    calendars,
    catalogue,
    cohorts,
    competitions,
    courses,
    dashboard,
    guidance,
    health,
    live_sessions,
    pairings,
    people,
    programmes,
    projects,
    roster,
    studio_calendar,
    studio_reports,
    studios,
    teams,
)

# Paths anyone may reach without logging in (the route sweep test reads this).
PUBLIC_PATHS = frozenset(
    {"/healthz", "/login", "/language", "/calendar/feed/{token}.ics"}  # ICS: secret token
)

ROUTERS = [
    health.router,
    auth.router,
    account.router,
    dashboard.router,
    people.router,
    cohorts.router,
    roster.router,
    catalogue.router,
    courses.router,
    competitions.router,
    programmes.router,
    studios.router,
    studio_reports.router,
    studio_calendar.router,
    bookings.router,
    calendars.router,
    teams.router,
    projects.router,
    live_sessions.router,
    pairings.router,
    guidance.router,
]

"""Every router of the app, in the order they are mounted."""

from app.routers import account, auth, catalogue, cohorts, dashboard, health, people, roster

# Paths anyone may reach without logging in (the route sweep test reads this).
PUBLIC_PATHS = frozenset({"/healthz", "/login", "/language"})

ROUTERS = [
    health.router,
    auth.router,
    account.router,
    dashboard.router,
    people.router,
    cohorts.router,
    roster.router,
    catalogue.router,
]

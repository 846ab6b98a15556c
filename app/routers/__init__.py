"""Every router of the app, in the order they are mounted."""

from app.routers import account, auth, dashboard, health

# Paths anyone may reach without logging in (the route sweep test reads this).
PUBLIC_PATHS = frozenset({"/healthz", "/login", "/language"})

ROUTERS = [
    health.router,
    auth.router,
    account.router,
    dashboard.router,
]

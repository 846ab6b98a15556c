"""Is the database reachable?"""

from sqlalchemy import text
from sqlalchemy.engine import Engine


def database_status(engine: Engine) -> tuple[bool, str]:
    """(ok, detail): one round trip to the database."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, engine.dialect.name
    except Exception as exc:  # any failure means "unreachable" to a health check
        return False, f"{engine.dialect.name}: {type(exc).__name__}"

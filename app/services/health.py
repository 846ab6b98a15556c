"""Is the database reachable, and (SQLite) can it take a write?"""

from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.config import settings

# How long the check waits for SQLite's write lock; a normal write holds it a few ms.
WRITE_LOCK_WAIT_MS = 500


def database_status(engine: Engine) -> tuple[bool, str]:
    """(ok, detail): one round trip to the database; on SQLite also a write lock taken and
    given back at once, since a lock held for long makes every write wait and then fail."""
    name = engine.dialect.name
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "unreachable" to a health check
        return False, f"{name}: {type(exc).__name__}"
    if name == "sqlite" and not _sqlite_write_lock_free(engine):
        return False, f"{name}: write lock held"
    return True, name


def _sqlite_write_lock_free(engine: Engine) -> bool:
    # Our own BEGIN IMMEDIATE: the engine's transaction events are skipped for this one.
    with engine.execution_options(sqlite_autocommit=True).connect() as connection:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITE_LOCK_WAIT_MS}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.exec_driver_sql("ROLLBACK")
            return True
        except Exception as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={settings.sqlite_busy_timeout_ms}")

"""Run Alembic from code (CLI, tests, container start)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.config import PROJECT_ROOT, settings


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def current_revisions(database_url: str | None = None) -> tuple[str, ...]:
    """The revisions the database is at (none for a fresh database)."""
    from app.db import build_engine

    engine = build_engine(database_url or settings.database_url)
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def upgrade(database_url: str | None = None, revision: str = "heads") -> list[str]:
    """Apply the migrations up to ``revision``; the names of those applied, oldest first
    (their file names: date, slug and revision id)."""
    config = alembic_config(database_url)
    before = current_revisions(database_url)
    command.upgrade(config, revision)
    script = ScriptDirectory.from_config(config)
    done = {r.revision for r in script.iterate_revisions(before, "base")} if before else set()
    now = set(current_revisions(database_url))
    reached = {r.revision for r in script.iterate_revisions(tuple(now), "base")} if now else set()
    return [
        Path(r.path).stem
        for r in reversed(list(script.walk_revisions()))
        if r.revision in reached and r.revision not in done
    ]


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str | None = None) -> None:
    """Raise if the models and the migrations disagree."""
    command.check(alembic_config(database_url))

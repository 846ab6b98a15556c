"""The Alembic history runs up, down and up again on both databases, with no drift."""

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app import migrate as migrations
from app.db import build_engine


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database("chanjiao_migrations")


def _tables(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_and_no_drift(scratch_url):
    migrations.upgrade(scratch_url)
    assert _tables(scratch_url) == set(SQLModel.metadata.tables)
    migrations.downgrade(scratch_url, "base")
    assert _tables(scratch_url) == set()
    migrations.upgrade(scratch_url)
    assert _tables(scratch_url) == set(SQLModel.metadata.tables)
    migrations.check(scratch_url)  # raises when the models and migrations disagree

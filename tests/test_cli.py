"""The command line: seeding is idempotent, demo logins exist, backups are consistent."""

import sqlite3

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app.cli import cli
from app.models import User
from app.security import verify_password
from seeds.loader import DEMO_LOGINS, DEMO_PASSWORD

runner = CliRunner()


def _row_counts(session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def test_seed_twice_changes_no_row_count(session, database_url):
    first = runner.invoke(cli, ["seed"])
    assert first.exit_code == 0, first.output
    after_first = _row_counts(session)
    assert after_first["post"] == 9 and after_first["core_competency"] == 7
    second = runner.invoke(cli, ["seed"])
    assert second.exit_code == 0
    assert "Created nothing; updated nothing." in second.output
    session.expire_all()
    assert _row_counts(session) == after_first


def test_seed_demo_creates_the_demo_logins_and_grows_with_scale(session, database_url):
    result = runner.invoke(cli, ["seed", "--demo"])
    assert result.exit_code == 0, result.output
    for username in DEMO_LOGINS:
        user = session.exec(select(User).where(User.username == username)).scalar_one()
        assert verify_password(DEMO_PASSWORD, user.password_hash)
        assert not user.must_change_password
    students_at_1 = _row_counts(session)["student_profile"]
    assert runner.invoke(cli, ["seed", "--demo"]).exit_code == 0
    assert _row_counts(session)["student_profile"] == students_at_1
    assert runner.invoke(cli, ["seed", "--demo", "--scale", "3"]).exit_code == 0
    session.expire_all()
    assert _row_counts(session)["student_profile"] == 3 * students_at_1


def test_create_admin_makes_an_admin_who_can_log_in(client, database_url):
    result = runner.invoke(
        cli,
        [
            "create-admin",
            "--username",
            "Dean",
            "--full-name",
            "教务处",
            "--password",
            "a-long-secret",
        ],
    )
    assert result.exit_code == 0, result.output
    client.login("dean", "a-long-secret")
    assert client.get("/").status_code == 200


def test_create_admin_reports_bad_input_without_a_traceback(database_url):
    result = runner.invoke(
        cli, ["create-admin", "--username", "x", "--full-name", "", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_backup_copies_a_live_sqlite_database(tmp_path, database_url, session):
    if not database_url.startswith("sqlite"):
        result = runner.invoke(cli, ["backup", str(tmp_path / "x.db")])
        assert result.exit_code == 2
        assert "pg_dump" in result.output
        return
    runner.invoke(cli, ["seed"])
    target = tmp_path / "backup.db"
    result = runner.invoke(cli, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM post").fetchone()[0] == 9
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert runner.invoke(cli, ["backup", str(target)]).exit_code == 1  # never overwrites


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from pydantic import ValidationError

    from app.config import Settings

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key="")
    assert Settings(environment="development", secret_key="").secret_key

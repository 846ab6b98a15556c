"""The command line: seeding is idempotent, demo logins exist, backups are consistent."""

import re
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app.cli import cli
from app.models import User
from app.security import verify_password
from seeds.evaluation import COLLEGE_PER_SCALE
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
    college = 3 * COLLEGE_PER_SCALE["students"]  # the college-sized body beside the demo
    assert _row_counts(session)["student_profile"] == 3 * students_at_1 + college
    assert runner.invoke(cli, ["seed", "--demo", "--scale", "3"]).exit_code == 0
    session.expire_all()
    assert _row_counts(session)["student_profile"] == 3 * students_at_1 + college


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


def test_migrate_on_a_fresh_database_lists_each_migration_it_applied(tmp_path, monkeypatch):
    from app import migrate as migrations
    from app.config import PROJECT_ROOT, settings

    names = sorted(p.stem for p in (PROJECT_ROOT / "migrations" / "versions").glob("2*.py"))
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert f"Applied {len(names)} migrations:" in result.output
    assert sorted(line.strip() for line in result.output.splitlines()[1:-1]) == names
    again = runner.invoke(cli, ["migrate"])
    assert "no migration to apply" in again.output and "Applied" not in again.output
    # From part-way, only the rest.
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path / 'half.db'}")
    first = names[0].rsplit("_", 1)[1]
    migrations.upgrade(settings.database_url, first)
    rest = runner.invoke(cli, ["migrate"])
    assert f"Applied {len(names) - 1} migrations:" in rest.output and names[0] not in rest.output


def test_seed_lists_every_table_it_wrote_with_its_rows(session, database_url):
    result = runner.invoke(cli, ["seed", "--demo"])
    assert result.exit_code == 0, result.output
    listed = dict(
        (match[1], int(match[2]))
        for match in re.finditer(r"^  (\w+) +(\d+)$", result.output, re.MULTILINE)
    )
    session.expire_all()
    # data_revision is the kept results' bookkeeping, written by the commit after the report
    written = {name: n for name, n in _row_counts(session).items() if n and name != "data_revision"}
    assert listed == written  # profiles, live sessions, pairings, guidance logs too
    assert f"Created {sum(written.values())} rows in {len(written)} tables:" in result.output


def test_make_run_shows_the_demo_logins_once(database_url):
    """`make run` seeds with --demo, which prints the logins: the recipe does not repeat them."""
    from app.config import PROJECT_ROOT

    makefile = (PROJECT_ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    assert "seed" in makefile.split("\nrun:")[1].splitlines()[0]
    assert "chanjiao-demo" not in recipe and "Demo logins" not in recipe
    result = runner.invoke(cli, ["seed", "--demo"])
    assert result.output.count("Demo logins") == 1


def test_the_readme_says_how_to_choose_the_port_and_address():
    from app.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text()
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for name in ("PORT", "HOST"):
        assert re.search(rf"^{name} \?=", makefile, re.MULTILINE)
        assert f"{name}=" in readme, name


def test_the_command_line_renews_every_data_token_the_web_app_keeps_results_under():
    """A kept page is renewed only by a process that registered its tables: the command
    line (seed, tick, imports) must register every one the web app does."""
    import json
    import subprocess
    import sys

    def tracked(module: str) -> set[str]:
        code = f"import json, {module}; from app.services import revisions as r"
        code += "; print(json.dumps(sorted(r._tables)))"
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return set(json.loads(run.stdout))

    web = tracked("app.main")
    assert web and tracked("app.cli") == web

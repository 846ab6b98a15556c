"""Command line: python -m app <command>. Commands call services, never routers."""

import getpass
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from app import db
from app.config import settings
from app.services import kept_results  # noqa: F401  (its writes renew the data tokens)

cli = typer.Typer(
    help="Chanjiao administration commands.", no_args_is_help=True, pretty_exceptions_enable=False
)


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    from app import migrate as migrations

    applied = migrations.upgrade(settings.database_url)
    if not applied:
        at = ", ".join(migrations.current_revisions(settings.database_url))
        typer.echo(f"Database is up to date (revision {at}); no migration to apply.")
        return
    typer.echo(f"Applied {len(applied)} migrations:")
    for name in applied:
        typer.echo(f"  {name}")
    typer.echo("Database is up to date.")


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Also create demo people and cohorts.")] = False,
    scale: Annotated[int, typer.Option(min=1, max=1000, help="Demo data size multiplier.")] = 1,
) -> None:
    """Load the catalogue (idempotent); with --demo, demo data and the demo logins."""
    from seeds import loader as seeding

    with db.open_session(write=True) as session:
        report = seeding.seed_all(session, demo=demo, scale=scale)
        session.commit()
    typer.echo(_seed_summary(report.created, report.updated))
    if demo:
        typer.echo("Demo logins (password: chanjiao-demo): " + ", ".join(seeding.DEMO_LOGINS))


def _seed_summary(created: dict[str, int], updated: dict[str, int]) -> str:
    """What a seed run wrote: rows per table, one table a line."""
    if not created and not updated:
        return "Created nothing; updated nothing."
    lines = []
    for verb, counts in (("Created", created), ("Updated", updated)):
        if not counts:
            lines.append(f"{verb} nothing.")
            continue
        total = sum(counts.values())
        lines.append(f"{verb} {total} rows in {len(counts)} tables:")
        width = max(len(name) for name in counts)
        lines += [f"  {name:<{width}}  {n:>6}" for name, n in sorted(counts.items())]
    return "\n".join(lines)


@cli.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True)],
    full_name: Annotated[str, typer.Option(prompt=True)],
    email: Annotated[str, typer.Option()] = "",
    password: Annotated[str, typer.Option(help="Prompted for when omitted.")] = "",
) -> None:
    """Create an administrator account."""
    from app.errors import DomainError
    from app.i18n import translate
    from app.services import accounts as account_service

    if not password:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            raise typer.BadParameter("The two passwords differ.")
    with db.open_session(write=True) as session:
        try:
            account_service.create_admin(
                session,
                username=username,
                full_name=full_name,
                email=email or None,
                password=password,
            )
        except DomainError as exc:
            errors = getattr(exc, "errors", {exc.field or "input": exc.message})
            for name, message in errors.items():
                typer.echo(f"{name}: {translate(message)}", err=True)
            raise typer.Exit(code=1) from exc
        session.commit()
    typer.echo(f"Administrator {username} created.")


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY")] = 1,
    reload: bool = False,
) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@cli.command()
def backup(path: Path) -> None:
    """Copy a SQLite database consistently while the app runs (PostgreSQL: use pg_dump)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        typer.echo(
            "The database is PostgreSQL: back it up with pg_dump, e.g. "
            'pg_dump --format=custom --file=chanjiao.dump "$DATABASE_URL"',
            err=True,
        )
        raise typer.Exit(code=2)
    if path.exists():
        typer.echo(f"{path} exists; choose a new file name.", err=True)
        raise typer.Exit(code=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database, timeout=30)
    target = sqlite3.connect(path)
    try:
        source.backup(target)  # SQLite's online backup API: a consistent snapshot
    finally:
        target.close()
        source.close()
    typer.echo(f"Backed up {url.database} to {path}.")


@cli.command("i18n-compile")
def i18n_compile() -> None:
    """Merge app/i18n/<locale>/*.po and compile them to .mo files."""
    from app.i18n_tools import compile_catalogues

    for locale, count in compile_catalogues().items():
        typer.echo(f"{locale}: {count} messages compiled.")


@cli.command()
def tick() -> None:
    """Apply what time decides: lapsed waitlist offers (passed on to the next in line),
    no-shows, completed bookings, expired requests and waitlists; remind of review actions
    falling due and send queued e-mails and group-robot messages.

    Safe to run at any time and as often as wanted (e.g. every few minutes from cron);
    pages already show these statuses without it.
    """
    from app.services import bookings as booking_service
    from app.services.notifications import worker as notification_worker

    with db.open_session(write=True) as session:
        changed = booking_service.tick(session)
        session.commit()
    typer.echo(
        f"Updated {changed['bookings']} bookings and {changed['waitlist']} waitlist entries; "
        f"{changed['offers']} waitlist offers lapsed."
    )
    sent = notification_worker.run_once()
    typer.echo(
        f"Made {sent['reminders']} reminders; sent {sent['sent']} notifications, "
        f"{sent['retried']} to retry, {sent['failed']} given up."
    )


def main() -> None:
    cli()


@cli.command()
def jobs() -> None:
    """Run queued export jobs here and remove expired export files.

    Not needed in normal use: the web process runs each export in a background thread.
    Useful after a restart left jobs queued, or from cron to purge expired files.
    """
    from app.services import evaluation as evaluation_service

    count = evaluation_service.run_pending()
    typer.echo(f"Ran {count} export jobs.")

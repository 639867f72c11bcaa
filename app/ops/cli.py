"""The `explorer` command: serve, migrate, load, export, check, check-sources, backup, restore,
corrections, user, token, audit."""

import os
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from app.config import Settings, get_settings
from app.dataset.check import load_dataset
from app.dataset.problems import DatasetInvalid
from app.dataset.text import text_problem
from app.editing.accounts import audit
from app.ops.accounts_cli import CLI, audit_cmd, cli_actor, token_group, user_group
from app.store import queries
from app.store.db import alembic_config, make_engine, upgrade
from app.store.export import export_dataset, to_yaml
from app.store.load import import_dataset, latest_revision, newer_in_database

__all__ = ["alembic_config", "main", "migrate"]


def migrate(settings: Settings) -> None:
    upgrade(settings.database_url)


class ExplorerGroup(click.Group):
    """Turns a database that was never migrated into one clear sentence instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            # SQLite: "no such table"; PostgreSQL: undefined_table (SQLSTATE 42P01).
            if "no such table" not in str(exc) and getattr(exc.orig, "sqlstate", "") != "42P01":
                raise
            url = get_settings().database_url
            click.echo(
                f"the database {url} has no schema yet: run `explorer migrate` first", err=True
            )
            sys.exit(1)


@click.group(cls=ExplorerGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Policy Option Explorer: compare policy options side by side."""


@main.command("migrate")
def migrate_cmd() -> None:
    """Create or upgrade the database schema (Alembic upgrade head)."""
    migrate(get_settings())
    click.echo("database is at the latest schema")


@main.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check_cmd(file: Path) -> None:
    """Validate a dataset FILE; print every problem with file, line and field."""
    try:
        ds = load_dataset(file)
    except DatasetInvalid as exc:
        click.echo(exc.report(), err=True)
        n = len(exc.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} in {file.name}", err=True)
        sys.exit(1)
    click.echo(f"{file.name}: valid ({len(ds.options)} options, {len(ds.stances)} stances)")


def _dataset_text(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A command-line value that becomes dataset text obeys the dataset file's rule."""
    problem = text_problem(value)
    if problem:
        raise click.BadParameter(f"{problem}; nothing was loaded")
    return value


@main.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--if-empty", is_flag=True, help="Load only when the database holds no dataset yet.")
@click.option(
    "--unless-newer",
    is_flag=True,
    help="Skip the load when the database holds newer data: facts of a later date, or a "
    "revision loaded after this very file (what `make run` does at every start).",
)
@click.option(
    "--note",
    default="",
    callback=_dataset_text,
    help="What this load changes; shown on /changes and its feed.",
)
def load_cmd(file: Path | None, if_empty: bool, unless_newer: bool, note: str) -> None:
    """Import FILE (default: the bundled dataset) atomically. Invalid files change nothing."""
    settings = get_settings()
    path = file or settings.default_dataset
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        if if_empty and latest_revision(session) is not None:
            click.echo("database already holds a dataset; not loading")
            return
        try:
            ds = load_dataset(path)
        except DatasetInvalid as exc:
            click.echo(exc.report(), err=True)
            click.echo(f"{path.name}: not loaded; the database is unchanged", err=True)
            sys.exit(1)
        if unless_newer and (why := newer_in_database(session, ds)):
            click.echo(f"{path.name}: not loaded; {why} (`explorer load` loads it anyway)")
            return
        result = import_dataset(
            session,
            ds,
            note=note or ds.dossier.revision_note,
            on_publish=lambda tx, rev: audit(
                tx, cli_actor(), "load", CLI, f"revision {rev} from {path.name}"
            ),
        )
    engine.dispose()
    if result.changed:
        click.echo(f"loaded {path.name} as revision {result.revision}")
    else:
        click.echo(f"{path.name} is unchanged; still revision {result.revision}")


@main.command("export")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout.")
def export_cmd(out: Path | None) -> None:
    """Write the loaded dataset back as YAML in the dataset file format."""
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        ds = export_dataset(session)
    engine.dispose()
    if ds is None:
        click.echo("no dataset is loaded; run `explorer load` first", err=True)
        sys.exit(1)
    text = to_yaml(ds)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the server at: a wildcard host (all
    interfaces) is reached at loopback, and an IPv6 address goes in brackets."""
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@main.command("serve")
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="$HOST or 127.0.0.1"
)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    type=int,
    show_default="$PORT or 8000",
)
@click.option(
    "--header-timeout",
    default=10.0,
    show_default=True,
    help="Seconds a client has to send a complete request head.",
)
@click.option(
    "--workers",
    default=lambda: int(os.environ.get("WEB_CONCURRENCY", "1")),
    type=click.IntRange(1, 64),
    show_default="$WEB_CONCURRENCY or 1",
    help="Server processes sharing the socket (about one per core).",
)
def serve_cmd(host: str, port: int, header_timeout: float, workers: int) -> None:
    """Serve the web app with uvicorn, with limits on header size, slow clients and
    concurrency (see app/ops/server.py)."""
    from app.ops import server

    served = served_url(host, port)
    if "APP_PUBLIC_URL" not in os.environ:
        # Links readers copy (share, embed, citations, feed) must reach this server; worker
        # processes read the setting from the environment.
        os.environ["APP_PUBLIC_URL"] = served
        get_settings.cache_clear()
        click.echo(
            f"links (share, embed, citations, feed) use {served}, as served; "
            "set APP_PUBLIC_URL to the address readers use"
        )
    else:
        click.echo(f"links start with {os.environ['APP_PUBLIC_URL']} (APP_PUBLIC_URL)")
    settings = get_settings()
    click.echo(f"serving on {served} with {workers} worker(s)")
    server.run(
        host,
        port,
        head_timeout=header_timeout,
        workers=workers,
        access_log=settings.access_log,
        metrics=settings.metrics,
    )


@main.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def backup_cmd(file: Path) -> None:
    """Copy the whole database to FILE while it is in use: SQLite's online backup API, or
    pg_dump (custom format) for PostgreSQL."""
    from app.ops import backup

    try:
        backup.backup(get_settings().database_url, file)
    except backup.BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"backed up to {file}")


@main.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--keep-aside",
    "aside_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the copy of the current database (default: beside it, or beside FILE).",
)
def restore_cmd(file: Path, aside_dir: Path | None) -> None:
    """Replace the database's contents with backup FILE, then upgrade its schema. FILE is
    checked first, and the current database is kept aside; on any failure nothing changes.
    Restart the servers afterwards: their caches know the data they had."""
    from app.ops import backup

    settings = get_settings()
    try:
        aside = backup.restore(
            settings.database_url, file, lambda: migrate(settings), aside_dir=aside_dir
        )
    except backup.BackupError as exc:
        click.echo(f"not restored: {exc}; the database is unchanged", err=True)
        sys.exit(1)
    click.echo(f"restored {file}; the database is at the latest schema")
    click.echo(f"the database as it was before is kept at {aside}")


@main.command("check-sources")
@click.option("--concurrency", default=8, show_default=True, help="Requests in flight at once.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per request.")
@click.option("--deadline", default=300.0, show_default=True, help="Seconds for the whole run.")
def check_sources_cmd(concurrency: int, timeout: float, deadline: float) -> None:
    """Check every public source URL; record status, final URL and an archived copy for dead
    links. Addresses that are not public (loopback, private, link-local...) are not fetched."""
    from app.ops.linkcheck import check_sources, summary

    engine = make_engine(get_settings().database_url)
    results = check_sources(engine, concurrency=concurrency, timeout=timeout, deadline=deadline)
    engine.dispose()
    for r in results:
        if not r.ok:
            archived = f" (archived copy: {r.archive_url})" if r.archive_url else ""
            click.echo(f"dead: {r.url}: {r.error or r.status}{archived}")
    click.echo(summary(results))


@main.group("corrections")
def corrections_cmd() -> None:
    """Readers' error reports (the "Report an error" form): list and resolve them."""


@corrections_cmd.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "resolved", "all"]),
    default="open",
    show_default=True,
    help="Which reports to list.",
)
def corrections_list_cmd(status: str) -> None:
    """Print the reports, oldest first: id, date, status, page and cell, then the text, the
    source and the e-mail address given."""
    with Session(make_engine(get_settings().database_url)) as session:
        rows = queries.corrections(session, status=None if status == "all" else status)
    for r in rows:
        where = f"{r.page} [{r.cell}]" if r.cell else r.page
        made = f"  (proposal {r.proposal_id})" if r.proposal_id else ""
        click.echo(f"#{r.id}  {r.created_at:%Y-%m-%d %H:%M}  {r.status}  {where}{made}")
        click.echo(f"    {r.text}")
        for label, value in (("source", r.source_url), ("e-mail", r.email)):
            if value:
                click.echo(f"    {label}: {value}")
    click.echo(f"{len(rows)} report{'s' if len(rows) != 1 else ''} ({status})")


@corrections_cmd.command("resolve")
@click.argument("report_id", metavar="ID", type=click.IntRange(min=1))
def corrections_resolve_cmd(report_id: int) -> None:
    """Mark report ID resolved (after the dataset was corrected, or the report answered)."""
    with Session(make_engine(get_settings().database_url)) as session:
        # Committed with the report's status, or dropped with the session when there is none.
        audit(session, cli_actor(), "report-resolved", CLI, f"report {report_id}")
        row = queries.resolve_correction(session, id=report_id)
    if row is None:
        click.echo(
            f"there is no report #{report_id}: `explorer corrections list --status all` lists them",
            err=True,
        )
        sys.exit(1)
    click.echo(f"report #{report_id} resolved")


for _command in (user_group, token_group, audit_cmd):
    main.add_command(_command)

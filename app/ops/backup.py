"""`explorer backup FILE` and `explorer restore FILE`.

SQLite: the online backup API copies a consistent database page by page while servers keep
reading and writing. PostgreSQL: pg_dump in its custom format, and pg_restore --clean in one
transaction. The file says which it is (its first bytes), so a backup cannot be restored into
the other kind.

A restore checks the backup before it touches anything (its kind, its integrity, a schema
version the migrations know, exactly the tables of that version and no trigger, view or other
object beyond them), keeps the current database aside, and puts it back if anything fails
after the copy."""

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from sqlalchemy import make_url

from app.store.db import normalise_url, schema_versions, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# What a pg_dump of this schema holds; anything else (a trigger, function, view, rule,
# policy, extension...) would run or persist code the app never wrote.
PG_ALLOWED_KINDS = {
    "TABLE",
    "TABLE DATA",
    "INDEX",
    "CONSTRAINT",
    "FK CONSTRAINT",
    "SEQUENCE",
    "SEQUENCE SET",
    "SEQUENCE OWNED BY",
    "DEFAULT",
    "ENCODING",
    "STDSTRINGS",
    "SEARCHPATH",
    "DATABASE",
}

SAFE_DEFAULT = r"-?\d+|'[^']*'(::[a-z ]+)?|nextval\('public\.\w+'::regclass\)"
Columns = tuple[tuple[str, str, int, str, int], ...]  # name, type, not null, default, key


class BackupError(Exception):
    pass


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The database URL as pg_dump reads it (no driver name), and the password apart."""
    parsed = make_url(normalise_url(url))
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PG_BINDIR, the newest Debian version, or the PATH."""
    if env := os.environ.get("PG_BINDIR"):
        return str(Path(env) / name)
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()}")
    return done.stdout


def _connect_file(path: Path) -> sqlite3.Connection:
    # Never a `file:` URI built from the name: `#` and `?` in it would end the path and
    # open (and create) another, empty file.
    return sqlite3.connect(path, timeout=30)


def _copy_sqlite(src_path: Path, dst_path: Path) -> None:
    src = _connect_file(src_path)
    dst = _connect_file(dst_path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _dump_pg(url: str, file: Path) -> None:
    target, env = _libpq(url)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={file}", target], env)


def backup(url: str, file: Path) -> None:
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    if (path := _sqlite_path(url)) is not None:
        if not path.exists():
            raise BackupError(f"there is no database at {path}")
        _copy_sqlite(path, partial)
    else:
        _dump_pg(url, partial)
    partial.replace(file)  # a backup file is whole or absent


def _sqlite_schema(conn: sqlite3.Connection) -> tuple[dict[str, Columns], set[tuple[str, str]]]:
    """The tables with their columns, and every other schema object as (type, name)."""
    rows = conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    tables: dict[str, Columns] = {}
    others: set[tuple[str, str]] = set()
    for kind, name in rows:
        if kind == "table":
            info = conn.execute("SELECT * FROM pragma_table_info(?)", (name,)).fetchall()
            tables[name] = tuple(
                (c[1], str(c[2]).upper(), int(c[3]), str(c[4]), int(c[5])) for c in info
            )
        else:
            others.add((kind, name))
    return tables, others


def _reference_schema(version: str) -> tuple[dict[str, Columns], set[tuple[str, str]]]:
    """The schema the migrations create at `version`, on a scratch SQLite file."""
    with tempfile.TemporaryDirectory() as scratch:
        ref = Path(scratch) / "reference.db"
        upgrade(f"sqlite:///{ref}", version)
        conn = _connect_file(ref)
        try:
            return _sqlite_schema(conn)
        finally:
            conn.close()


def check_sqlite_backup(file: Path, shown: Path | None = None) -> str:
    """Raise BackupError unless `file` is a sound backup of this app; return its schema
    version. Give it a private copy: opening a file can change it (a journal is rolled back)."""
    label = shown or file
    try:
        conn = _connect_file(file)
        try:
            status = conn.execute("PRAGMA integrity_check").fetchall()
            if status != [("ok",)]:
                raise BackupError(f"{label} is damaged: {status[0][0]}")
            tables, others = _sqlite_schema(conn)
            version = _schema_version(label, conn, tables)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{label} cannot be read as a SQLite database: {exc}") from exc
    want_tables, want_others = _reference_schema(version)
    if extra := sorted(set(tables) - set(want_tables)):
        raise BackupError(f"{label} has tables this app does not make: {', '.join(extra)}")
    if missing := sorted(set(want_tables) - set(tables)):
        raise BackupError(f"{label} lacks the tables {', '.join(missing)}")
    for name, columns in want_tables.items():
        if tables[name] != columns:
            raise BackupError(f"{label}: the table {name} does not have this app's columns")
    if extra_objects := sorted(others - want_others):
        listed = ", ".join(f"{kind} {name}" for kind, name in extra_objects)
        raise BackupError(f"{label} holds objects this app does not make: {listed}")
    return version


def _schema_version(file: Path, conn: sqlite3.Connection, tables: dict[str, Columns]) -> str:
    if "alembic_version" not in tables:
        raise BackupError(f"{file} is not a backup of this app: it has no schema version")
    versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    return _known_version(file, versions)


def _known_version(file: Path, versions: list[str]) -> str:
    if len(versions) != 1 or versions[0] not in schema_versions():
        raise BackupError(
            f"{file} has schema version {', '.join(versions) or 'none'}, "
            f"which this app does not know ({', '.join(sorted(schema_versions()))})"
        )
    return versions[0]


def check_pg_backup(file: Path) -> str:
    """Raise BackupError unless the dump holds only this app's tables and data; return its
    schema version. Reads the dump's table of contents; runs nothing."""
    env = {**os.environ}
    listing = _run(
        [
            _pg_tool(
                "pg_restore",
            ),
            "--list",
            str(file),
        ],
        env,
    )
    tables = set(_pg_tables())
    found: set[str] = set()
    for line in listing.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        # "215; 1259 16390 TABLE public permalink explorer": kind, then schema, name, owner.
        entry = re.match(r"^\d+; \d+ \d+ (.+)$", line)
        if entry is None:
            raise BackupError(f"{file}: unreadable table of contents line: {line!r}")
        kind = next(
            (
                k
                for k in sorted(PG_ALLOWED_KINDS, key=len, reverse=True)
                if entry.group(1).startswith(k + " ")
            ),
            None,
        )
        if kind is None:
            raise BackupError(f"{file} holds objects this app does not make: {entry.group(1)}")
        rest = entry.group(1).removeprefix(kind + " ").split()
        if kind in {"TABLE", "TABLE DATA"} and (len(rest) < 2 or rest[1] not in tables):
            raise BackupError(f"{file} has a table this app does not make: {' '.join(rest[:2])}")
        if kind == "TABLE":
            found.add(rest[1])
    if missing := sorted(tables - found):
        raise BackupError(f"{file} lacks the tables {', '.join(missing)}")
    schema = _run([_pg_tool("pg_restore"), "--schema-only", "--file=-", str(file)], env)
    for default in re.findall(r"\bDEFAULT (.+?)(?: NOT NULL)?[,;]?$", schema, re.MULTILINE):
        # The migrations make serial ids and constant defaults; any other expression is code.
        if not re.fullmatch(SAFE_DEFAULT, default):
            raise BackupError(f"{file} sets a default this app does not make: {default}")
    data = _run(
        [_pg_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(file)],
        env,
    )
    # The COPY block: "COPY public.alembic_version (version_num) FROM stdin;", rows, "\.".
    block = data.split("FROM stdin;\n", 1)
    versions = block[1].split("\\.", 1)[0].split() if len(block) == 2 else []
    return _known_version(file, versions)


def _pg_tables() -> list[str]:
    from sqlmodel import SQLModel

    import app.store.models  # noqa: F401  (registers the tables)

    return [*SQLModel.metadata.tables, "alembic_version"]


def _aside_name(where: Path, stem: str, suffix: str) -> Path:
    """A new file name: two restores in one second must not write over each other's copy."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        name = where / f"{stem}.pre-restore-{stamp}{f'-{n}' if n else ''}{suffix}"
        if not name.exists():
            return name
    raise BackupError(f"too many copies named {stem}.pre-restore-{stamp}* in {where}")


def restore(
    url: str, file: Path, migrate: Callable[[], None], aside_dir: Path | None = None
) -> Path:
    """Put backup `file` back and migrate it; return where the previous database was kept.
    On any failure the database is left as it was."""
    if not file.is_file():
        raise BackupError(f"{file} is not a file")
    with file.open("rb") as f:
        head = f.read(16)
    if (path := _sqlite_path(url)) is not None:
        if head != SQLITE_MAGIC:
            raise BackupError(f"{file} is not a SQLite backup; the database is {url}")
        with tempfile.TemporaryDirectory() as scratch:
            # What is checked is what is copied: a private copy, read once.
            staged = Path(scratch) / "staged.db"
            shutil.copyfile(file, staged)
            check_sqlite_backup(staged, shown=file)
            return _restore_sqlite(path, staged, migrate, aside_dir)
    if not head.startswith(PG_MAGIC):
        raise BackupError(f"{file} is not a pg_dump custom-format backup; the database is {url}")
    check_pg_backup(file)
    aside = _aside_name(aside_dir or file.resolve().parent, "database", ".dump")
    _dump_pg(url, aside)
    _pg_restore(url, file)
    try:
        migrate()
    except BaseException as exc:
        _pg_restore(url, aside)
        _reraise(exc)
    return aside


def _reraise(exc: BaseException) -> NoReturn:
    """A failed schema upgrade is reported in one sentence; an interrupt stays one."""
    if isinstance(exc, Exception) and not isinstance(exc, BackupError):
        raise BackupError(
            f"the schema upgrade failed ({exc}), so the old database is back"
        ) from exc
    raise exc


def _restore_sqlite(
    path: Path, staged: Path, migrate: Callable[[], None], aside_dir: Path | None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = _aside_name(aside_dir or path.parent, path.name, "")
    if path.exists():
        _copy_sqlite(path, aside)
    try:
        _copy_sqlite(staged, path)
        migrate()
    except BaseException as exc:
        if aside.exists():
            _copy_sqlite(aside, path)
        else:  # there was no database before: leave none
            path.unlink(missing_ok=True)
        _reraise(exc)
    return aside


def _pg_restore(url: str, file: Path) -> None:
    target, env = _libpq(url)
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={target}",
            str(file),
        ],
        env,
    )

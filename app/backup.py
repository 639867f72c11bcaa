"""`explorer backup FILE` and `explorer restore FILE`.

SQLite: the online backup API copies a consistent database page by page while servers keep
reading and writing; a restore copies the file back the same way, in one transaction.
PostgreSQL: pg_dump in its custom format, and pg_restore --clean in one transaction. The file
says which it is (its first bytes), so a backup cannot be restored into the other kind."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from app.db import normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


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


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()}")


def backup(url: str, file: Path) -> None:
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    if (path := _sqlite_path(url)) is not None:
        if not path.exists():
            raise BackupError(f"there is no database at {path}")
        src = sqlite3.connect(path)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        target, env = _libpq(url)
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", target], env
        )
    partial.replace(file)  # a backup file is whole or absent


def restore(url: str, file: Path) -> None:
    with file.open("rb") as f:
        head = f.read(16)
    if (path := _sqlite_path(url)) is not None:
        if head != SQLITE_MAGIC:
            raise BackupError(f"{file} is not a SQLite backup; the database is {url}")
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        dst = sqlite3.connect(path, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if not head.startswith(PG_MAGIC):
        raise BackupError(f"{file} is not a pg_dump custom-format backup; the database is {url}")
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

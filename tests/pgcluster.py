"""A throwaway PostgreSQL cluster: initdb and pg_ctl on a temporary directory and a free port,
removed afterwards. PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` user (created by Debian's package), or as a system user created for it.

    python -m tests.pgcluster   # start one, print its URL, stop it on Enter (for trying things)
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_USER = "postgres"
FALLBACK_USER = "explorer-pg"


def bindir() -> Path:
    """Where initdb and pg_ctl live: $PG_BINDIR, Debian's versioned directory, or the PATH."""
    if env := os.environ.get("PG_BINDIR"):
        return Path(env)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise RuntimeError(
        "PostgreSQL is not installed (no initdb): run `make postgresql` as root, install the "
        "Debian package 'postgresql', or set PG_BINDIR"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """None when not root: the server runs as whoever we are."""
    if os.geteuid() != 0:
        return None
    for name in (SERVER_USER, FALLBACK_USER):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_USER],
        check=True,
    )
    return FALLBACK_USER


class Cluster:
    def __init__(self) -> None:
        self.bin = bindir()
        self.user = _server_user()
        self.dir = Path(tempfile.mkdtemp(prefix="explorer-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.started = False

    @property
    def url(self) -> str:
        """An admin URL (superuser `postgres`, trust authentication, loopback only)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")

    def start(self) -> "Cluster":
        if self.user is not None:
            shutil.chown(self.dir, self.user)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # Durability settings are off: the cluster lives for one test run.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
            "-c shared_buffers=64MB"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        self.started = True
        return self

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


if __name__ == "__main__":
    with Cluster() as c:
        print(c.url, flush=True)
        input("Enter stops and removes the cluster. ")


@contextmanager
def scratch_database(directory: Path) -> Iterator[str]:
    """For scripts (load test, measurements): a SQLite file in `directory`, or with
    APP_TEST_DATABASE=postgresql a throwaway cluster's database, removed afterwards."""
    if not os.environ.get("APP_TEST_DATABASE", "sqlite").startswith("postgresql"):
        yield f"sqlite:///{directory}/scratch.db"
        return
    with Cluster() as cluster:
        yield cluster.url

"""`python -m tests.profile_compare [hx|page] [N]`: where the time of a weight change goes.

Serves the default dataset from a temporary SQLite database in this process (no server, no
socket), asks N compare URLs with weights never asked before (as `make bench` does), either as
the htmx request a weight click makes (`hx`, the default) or as a whole page (`page`), under
cProfile, and prints the milliseconds per request beside a page the cache answers, then the
app's own functions by cumulative time. Not a test and not a timed budget: `make bench` is."""

import asyncio
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.bench import COMPARE

BIN = Path(sys.executable).parent
CRITERIA = (
    "deterrence",
    "durability",
    "escalation-risk",
    "feasibility",
    "guarantor-burden",
    "legal-hurdles",
    "speed",
)
DEFAULTS = (3, 2, 2, 3, 1, 2, 2)


def fresh(n: int) -> str:
    """The n-th weighting in bench.py's walk, as a canonical URL."""
    parts = []
    for slug, default in zip(CRITERIA, DEFAULTS, strict=True):
        n, w = divmod(n, 6)
        if w != default:
            parts.append(f"{slug}:{w}")
    return f"{COMPARE}&w={','.join(parts)}"


async def ask(app: object, urls: list[str], headers: dict[str, str]) -> float:
    """CPU milliseconds of this process per request, every answer a 200 (CPU, not wall time:
    the number holds on a machine busy with other work)."""
    transport = httpx.ASGITransport(app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://profile") as client:
        start = time.process_time()
        for url in urls:
            r = await client.get(url, headers=headers)
            if r.status_code != 200:
                sys.exit(f"{url} answered {r.status_code}")
        return (time.process_time() - start) * 1000 / len(urls)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "hx"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    tmp = Path(tempfile.mkdtemp())
    os.environ["APP_DATABASE_URL"] = f"sqlite:///{tmp}/profile.db"
    for step in ("migrate", "load"):
        subprocess.run([BIN / "explorer", step], check=True, capture_output=True)
    from app.main import create_app  # reads APP_DATABASE_URL

    app = create_app()
    headers = {"Accept-Encoding": "gzip", **({"HX-Request": "true"} if mode == "hx" else {})}
    with TestClient(app) as client:  # runs the app's start-up
        for k in range(1, 10):  # builds the comparison's fixed part and its kept HTML
            client.get(fresh(k), headers=headers)
        urls = [fresh(k) for k in range(100_003, 100_003 + n)]
        profile = cProfile.Profile()
        profile.enable()
        ms = asyncio.run(ask(app, urls, headers))
        profile.disable()
        plain = asyncio.run(ask(app, urls, headers))  # the same URLs again: now cached
        fresh_ms = asyncio.run(ask(app, [fresh(k) for k in range(200_006, 200_006 + n)], headers))
    print(
        f"{mode}, weights never asked before: {fresh_ms:.2f} ms of CPU per request "
        f"({ms:.2f} under the profiler); the same from the page cache: {plain:.2f} ms"
    )
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(r"/(app|templates)/", 30)
    stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()

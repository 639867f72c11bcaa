"""`make loadtest`: a bounded mixed load against a real server, then a check of every permalink.

    python -m tests.loadtest [--seconds 60] [--connections 16] [--workers 2]
    APP_TEST_DATABASE=postgresql python -m tests.loadtest     # on a throwaway PostgreSQL

`explorer serve` runs on a temporary database with the default dataset. 16 connections (one
thread and one keep-alive connection each) send about 90 % reads (cached pages, compare pages
with weights never asked before, option pages, permalinks, JSON) and 10 % POST /c, for 60 s;
half way, `explorer load` loads a changed copy of the dataset. Each simulated reader has its
own address, passed in X-Forwarded-For by the load generator, which the server trusts as a
proxy (APP_TRUSTED_PROXIES=127.0.0.1): the rate limit then works as it does behind nginx.

Printed: requests, errors that are not 429 (goal 0), 429s, permalinks created and found again
afterwards (goal all), latency percentiles, and the load's duration. The exit status is 1 when
there were errors or a permalink was lost. Traffic goes to 127.0.0.1 only, and stops by itself.
"""

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.config import DEFAULT_DATASET
from tests.pgcluster import scratch_database
from tests.servers import EXPLORER, Server
from tests.web.test_compare import UKRAINE_OPTIONS

OPTIONS = UKRAINE_OPTIONS
# Sorted, with their default weights: canonical URLs leave defaults out.
CRITERIA = {
    "deterrence": 3,
    "durability": 2,
    "escalation-risk": 2,
    "feasibility": 3,
    "guarantor-burden": 1,
    "legal-hurdles": 2,
    "speed": 2,
}
READERS = 512  # distinct simulated client addresses


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"GET": [], "POST": []})
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    created: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def _weights(rng: random.Random) -> str:
    parts = []
    for crit, default in CRITERIA.items():
        w = rng.randrange(6)
        if w != default:
            parts.append(f"{crit}:{w}")
    return ",".join(parts)


def _compare(rng: random.Random) -> tuple[str, str]:
    chosen = rng.sample(OPTIONS, rng.randint(2, 4))
    return ",".join(chosen), _weights(rng)


def _read_path(rng: random.Random, created: list[str]) -> str:
    r = rng.random()
    if r < 0.25:
        return rng.choice(["/", "/matrix", "/stakeholders", "/sources", "/changes"])
    if r < 0.50:
        o, w = _compare(rng)
        return f"/compare?o={o}" + (f"&w={w}" if w else "")  # mostly never asked before
    if r < 0.70:
        return f"/options/{rng.choice(OPTIONS)}"
    if r < 0.85 and created:
        return rng.choice(created)
    return rng.choice(["/api/v1/options", "/healthz", "/api/v1/revision"])


def run_load(
    base: str,
    *,
    seconds: float,
    connections: int,
    post_share: float = 0.10,
    stats: Stats | None = None,
    seed: int = 1,
) -> Stats:
    """Send the mixed load until `seconds` have passed; every request bounded by a timeout."""
    stats = stats or Stats()
    deadline = time.monotonic() + seconds
    seen: list[str] = []

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
            while time.monotonic() < deadline:
                reader = f"10.{n}.{rng.randrange(READERS) // 256}.{rng.randrange(256)}"
                headers = {"X-Forwarded-For": reader}
                post = rng.random() < post_share
                start = time.perf_counter()
                try:
                    if post:
                        o, w = _compare(rng)
                        r = client.post("/c", data={"o": o, "w": w}, headers=headers)
                    else:
                        r = client.get(_read_path(rng, seen), headers=headers)
                except httpx.HTTPError as exc:
                    with stats.lock:
                        stats.errors[type(exc).__name__] += 1
                    time.sleep(0.01)  # a dead server refuses at once: do not spin
                    continue
                elapsed = time.perf_counter() - start
                with stats.lock:
                    stats.latencies["POST" if post else "GET"].append(elapsed)
                    stats.statuses[r.status_code] += 1
                    if post and r.status_code == 303:
                        stats.created.add(r.headers["location"])
                        seen.append(r.headers["location"])
                    elif r.status_code == 429:
                        stats.rate_limited += 1
                    elif r.status_code != (303 if post else 200):
                        stats.errors[f"{'POST' if post else 'GET'} {r.status_code}"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def verify(base: str, links: set[str]) -> list[str]:
    """The permalinks that do not open (goal: none)."""
    with httpx.Client(base_url=base, timeout=30) as client:
        return [link for link in sorted(links) if client.get(link).status_code != 200]


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (
        f"p50 {q[49] * 1000:.0f} ms, p90 {q[89] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms"
    )


def changed_dataset(directory: Path) -> Path:
    """The default dataset with one changed sentence: a new revision."""
    path = directory / "changed.yaml"
    text = DEFAULT_DATASET.read_text(encoding="utf-8")
    path.write_text(text.replace("question: ", "question: (reloaded) ", 1), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from app.cli import migrate
    from app.config import Settings
    from app.db import make_engine
    from tests.conftest import load

    with (
        tempfile.TemporaryDirectory(prefix="explorer-loadtest-") as tmp,
        scratch_database(Path(tmp)) as url,
    ):
        migrate(Settings(database_url=url))
        engine = make_engine(url)
        load(engine, DEFAULT_DATASET)
        engine.dispose()
        env = {"APP_TRUSTED_PROXIES": "127.0.0.1", "APP_ACCESS_LOG": "false"}
        with Server(url, "--workers", str(args.workers), env=env) as server:
            return report(server, url, Path(tmp), args)


def report(server: Server, url: str, tmp: Path, args: argparse.Namespace) -> int:
    reload_result: dict[str, object] = {}

    def reload() -> None:
        time.sleep(args.seconds / 2)
        start = time.perf_counter()
        done = subprocess.run(
            [str(EXPLORER), "load", str(changed_dataset(tmp)), "--note", "load test"],
            env={**os.environ, "APP_DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        reload_result.update(
            seconds=time.perf_counter() - start, code=done.returncode, out=done.stdout.strip()
        )

    loader = threading.Thread(target=reload)
    loader.start()
    began = time.monotonic()
    stats = run_load(server.base, seconds=args.seconds, connections=args.connections)
    took = time.monotonic() - began
    loader.join()
    lost = verify(server.base, stats.created)
    revision = httpx.get(f"{server.base}/api/v1/revision").json()["revision"]
    errors = sum(stats.errors.values())
    print(f"database: {url.split(':', 1)[0]}; {args.workers} worker(s); {args.connections} conns")
    print(f"requests: {stats.requests} in {took:.0f} s ({stats.requests / took:.0f}/s)")
    print(f"statuses: {dict(sorted(stats.statuses.items()))}")
    print(f"errors (not 429): {errors} {dict(stats.errors) if errors else ''}")
    print(f"rate limited (429): {stats.rate_limited}")
    print(
        f"permalinks created: {len(stats.created)}; verified afterwards: "
        f"{len(stats.created) - len(lost)}; lost: {len(lost)}"
    )
    print(f"latency GET: {percentiles(stats.latencies['GET'])}")
    print(f"latency POST /c: {percentiles(stats.latencies['POST'])}")
    print(
        f"dataset load in the middle: exit {reload_result.get('code')}, "
        f"{reload_result.get('seconds', 0):.1f} s ({reload_result.get('out')}); "
        f"revision now {revision}"
    )
    ok = errors == 0 and not lost and reload_result.get("code") == 0 and revision == 2
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""`make loadtest`: a bounded mixed load against a real server, then a check of every permalink.

    python -m tests.loadtest [--seconds 60] [--connections 16] [--workers 2]
    APP_TEST_DATABASE=postgresql python -m tests.loadtest     # on a throwaway PostgreSQL

`explorer serve` runs on a temporary database with the default dataset. 16 connections (one
thread and one keep-alive connection each) send about 90 % reads (cached pages, compare pages
with weights never asked before, option pages, permalinks, JSON) and 10 % POST /c, for 60 s;
half way, `explorer load` loads a changed copy of the dataset. Each simulated reader has its
own address, passed in X-Forwarded-For by the load generator, which the server trusts as a
proxy (APP_TRUSTED_PROXIES=127.0.0.1): the rate limit then works as it does behind nginx.

Then --fuzz odd requests (malformed query strings and past days) follow. Printed: requests,
errors that are not 429 (goal 0), 429s, permalinks created and found again afterwards (goal
all), latency percentiles, the load's duration, the fuzz's statuses, and each process's
resident memory at the start, after the load and after the fuzz. The exit status is 1 when
there were errors, a 5xx to the fuzz, a permalink was lost, or a process ended above 200 MB.
Traffic goes to 127.0.0.1 only, and stops by itself.
"""

import argparse
import datetime as dt
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


ROUTES = [
    "/",
    "/matrix",
    "/compare",
    "/compare.csv",
    "/options/nato-membership",
    "/options/nato-membership/timeline.png",
    "/charts/overview.png",
    "/stakeholders/hu",
    "/sources",
    "/api/v1/options",
    "/api/v1/compare",
    "/preview.png",
]
PARAMS = ["o", "w", "assume", "at", "x", "y", "sort", "q", "veto", "min.feasibility", "zz"]
ODD = [
    "",
    "%00",
    "-1",
    "²",
    "9" * 400,
    "a,b,c",
    "nato-membership,eu-membership",
    "hu:0",
    "1900-01-01",
    "2024-02-30",
    "<script>",
    "%F0%9F%92%A5",
    "..%2f..%2f",
    "[]",
    "x" * 2000,
]


def fuzz(base: str, *, requests: int, seed: int = 2) -> Counter[int]:
    """Malformed and odd query strings over the main routes, plus past days (`at=`), each of
    which builds and keeps an index: what grew a server's memory in the December re-test."""
    rng = random.Random(seed)
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(requests):
            route = rng.choice(ROUTES)
            if i % 4 == 0:
                day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1500))
                query = f"at={day.isoformat()}"
            else:
                pairs = [(rng.choice(PARAMS), rng.choice(ODD)) for _ in range(rng.randint(1, 3))]
                query = "&".join(f"{k}={v}" for k, v in pairs)
            statuses[client.get(f"{route}?{query}").status_code] += 1
    return statuses


def rss_mb(pid: int) -> dict[int, float]:
    """Resident memory of a server and its worker processes, in MB."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    pids += [int(c) for c in children]
    out = {}
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out[p] = int(line.split()[1]) / 1024
    return out


RSS_BUDGET_MB = 200


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
    parser.add_argument("--fuzz", type=int, default=4000, help="odd requests after the load")
    args = parser.parse_args()

    from app.config import Settings
    from app.ops.cli import migrate
    from app.store.db import make_engine
    from tests.helpers import load

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

    assert server.proc is not None
    before = rss_mb(server.proc.pid)
    loader = threading.Thread(target=reload)
    loader.start()
    began = time.monotonic()
    stats = run_load(server.base, seconds=args.seconds, connections=args.connections)
    took = time.monotonic() - began
    loader.join()
    after_load = rss_mb(server.proc.pid)
    fuzzed = fuzz(server.base, requests=args.fuzz)
    after_fuzz = rss_mb(server.proc.pid)
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
    print(f"fuzz: {args.fuzz} odd requests, statuses {dict(sorted(fuzzed.items()))}")
    for label, rss in (("start", before), ("after load", after_load), ("after fuzz", after_fuzz)):
        print(f"RSS {label}: " + ", ".join(f"pid {p} {mb:.0f} MB" for p, mb in rss.items()))
    peak = max(after_fuzz.values())
    print(f"largest process after fuzz: {peak:.0f} MB (budget {RSS_BUDGET_MB} MB)")
    ok = (
        errors == 0
        and not lost
        and reload_result.get("code") == 0
        and revision == 2
        and not any(status >= 500 for status in fuzzed)
        and peak < RSS_BUDGET_MB
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

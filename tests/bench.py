"""`make bench`: throughput against a trivial route, SQL per page, page weight and memory.

Runs a real uvicorn process on the default dataset in a temporary database and prints numbers;
budgets from DESIGN.md are reported as PASS/FAIL lines (a benchmark, not a timed test)."""

import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rate(client: httpx.Client, url: str, seconds: float = 3.0) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        n += 1
    return n / (time.perf_counter() - start)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    tmp = tempfile.mkdtemp()
    env = {**os.environ, "APP_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
    subprocess.run([BIN / "explorer", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "explorer", "load"], env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [BIN / "explorer", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    failures = 0
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            pages = [
                "/",
                "/options/article-5-extension",
                "/matrix",
                "/sources",
                "/compare?o=article-5-extension,nato-membership,reassurance-force",
            ]
            for p in pages:
                client.get(p)  # warm caches
            trivial = rate(client, "/healthz")
            print(f"trivial route /healthz: {trivial:.0f} req/s")
            for p in pages:
                r = rate(client, p)
                ok = r >= trivial / 2
                failures += not ok
                print(
                    f"{'PASS' if ok else 'FAIL'} {p}: {r:.0f} req/s ({r / trivial:.0%} of trivial)"
                )
            compare = "/compare?o=article-5-extension,nato-membership,reassurance-force"
            r = client.get(compare)
            if r.status_code == 200:
                total = len(gzip.compress(r.content))
                for asset in ("/static/site.css", "/static/htmx-2.0.11.min.js", "/static/app.js"):
                    total += len(gzip.compress(client.get(asset).content))
                ok = total < 60_000
                failures += not ok
                print(f"{'PASS' if ok else 'FAIL'} compare first load: {total / 1000:.1f} KB gzip")
            else:
                print(f"compare page not available ({r.status_code}); weight not measured")
        mem = rss_mb(proc.pid)
        ok = mem < 150
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'} server RSS after benchmark: {mem:.0f} MB")
    finally:
        proc.terminate()
        proc.wait(10)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

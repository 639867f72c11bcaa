"""Every page, its JSON and CSV twins and the permalinks, byte for byte, to compare two commits.

    python -m tests.same_bytes dump DIR [--db FILE]   # status, type and body of each URL in DIR
    python -m tests.same_bytes diff DIR1 DIR2         # per URL: same, or differs (with a diff)

The default dataset is served from a SQLite file through the real app (TestClient). What would
make bytes vary between runs is pinned: the database file is kept (default
/tmp/same-bytes.db, made on first use), so the revision's load time, the permalink's creation
time and the permalink secret are the same in both runs. Pages show today's date, so compare
two dumps made on the same day. Sets iterate in an order that varies between processes (the
sources page lists publishers that differ only in case in set order), so the dump runs with
PYTHONHASHSEED=0.
"""

import argparse
import difflib
import hashlib
import json
import os
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import DEFAULT_DATASET, Settings
from app.dataset.check import load_dataset
from app.main import create_app
from app.ops.cli import migrate
from app.store.db import make_engine
from app.store.load import import_dataset

SECRET = "same-bytes-secret"
FORM = {"o": "nato-membership,reassurance-force", "w": "feasibility:5", "assume": "hu:0"}
W = "w=feasibility:5,deterrence:1"
OPTIONS = "article-5-extension,nato-membership,reassurance-force"

# Asked as htmx asks (HX-Request): the fragment a weight change swaps in.
FRAGMENTS = [
    f"/compare?o={OPTIONS}&{W}",
    f"/compare?o={OPTIONS}&w=feasibility:1&assume=hu:0",
    "/?q=nato",
]
HX = "HX "  # the dump's key for a fragment: "HX /compare?..."

# Fixed URLs; each option, stakeholder and source page is added from the dataset.
URLS = [
    "/",
    "/?q=nato&veto=blocked",
    "/?category=alliance&sort=-feasibility",
    "/?assume=hu:0&at=2025-03-01",
    "/?veto=nonsense",
    "/?bogus=1",
    "/?o=nato-membership,reassurance-force&compare=1",
    "/options/nato-membership?at=2025-03-01&assume=hu:0",
    "/options/nato-membership?assume=hu:0",
    "/options/nato-membership?assume=hu:0&at=2025-03-01",
    "/options/nato-membership?assume=hu:0,de:0",
    "/options/nato-membership?assume=de:0,hu:0",
    "/stakeholders/hu?at=2025-03-01",
    "/sources?at=2025-03-01&q=treaty",
    "/matrix?at=2025-03-01&veto=clear",
    "/options/nato-membership?sort=title",
    "/options/nato-membership?o=x",
    "/options/nato-membership?x=deterrence",
    "/options/nato-membership?assume=zz:0",
    "/options/nato-membership?at=1900-01-01",
    "/options/no-such-option",
    "/stakeholders",
    "/stakeholders/no-such",
    "/stakeholders?bogus=1",
    "/methodology?bogus=1",
    "/api/v1/stakeholders?bogus=1",
    "/sources",
    "/sources?q=treaty",
    "/sources?kind=primary&year=2023",
    "/sources?bogus=1",
    "/sources/no-such",
    "/matrix",
    "/matrix?veto=clear&assume=hu:0",
    "/matrix?bogus=1",
    "/methodology",
    "/changes",
    "/changes.atom",
    f"/compare?o={OPTIONS}&{W}",
    f"/compare?o={OPTIONS}&{W}&assume=hu:0&at=2025-03-01",
    f"/compare.csv?o={OPTIONS}&{W}",
    f"/compare.json?o={OPTIONS}&{W}",
    "/compare?o=nato-membership",
    "/compare?o=nato-membership,nope",
    "/charts/overview.svg",
    "/charts/overview.svg?veto=blocked",
    "/options/nato-membership/scores.svg",
    "/options/nato-membership/timeline.svg",
    "/options/nato-membership/timeline.svg?at=2025-03-01",
    f"/compare/ranks.svg?o={OPTIONS}&{W}",
    f"/compare/ranks.png?o={OPTIONS}&{W}",
    f"/compare/scores.svg?o={OPTIONS}",
    f"/compare/preview.png?o={OPTIONS}&{W}",
    "/compare",
    "/compare?w=feasibility:5&assume=hu:0",
    "/compare?o=nato-membership&w=feasibility:5&at=2025-03-01",
    f"/compare?w=deterrence:1,feasibility:5&o={OPTIONS}",
    f"/compare?o={OPTIONS}&w=feasibility:9",
    f"/compare?o={OPTIONS}&bogus=1",
    "/compare.json?o=nato-membership",
    "/compare.csv?o=nope,nato-membership",
    f"/compare.csv?o={OPTIONS}&assume=hu:0&at=2025-03-01",
    "/c/zzzzzzzzzzzz",
    "/c/zzzzzzzzzzzz.json",
    "/embed/c/zzzzzzzzzzzz",
    "/api/v1/revision",
    "/api/v1/options",
    "/api/v1/options?q=nato&veto=blocked",
    "/api/v1/options.csv",
    "/api/v1/options.csv?category=alliance",
    "/api/v1/options?bogus=1",
    "/api/v1/options/nato-membership/veto?assume=hu:0",
    "/api/v1/options/nato-membership/veto?at=2025-03-01",
    "/api/v1/options/nato-membership/timeline",
    "/api/v1/options/no-such",
    "/api/v1/criteria",
    "/api/v1/criteria.csv",
    "/api/v1/stakeholders",
    "/api/v1/stakeholders.csv",
    "/api/v1/stakeholders/no-such",
    "/api/v1/stances",
    "/api/v1/stances.csv?stakeholder=hu",
    "/api/v1/stances?bogus=1",
    "/api/v1/matrix",
    "/api/v1/matrix.csv?veto=clear",
    "/api/v1/sources",
    "/api/v1/sources.csv",
    "/api/v1/sources?q=treaty",
    "/api/v1/sources/no-such",
    "/api/v1/changes",
    f"/api/v1/compare?o={OPTIONS}&{W}",
    "/api/v1/permalinks/zzzzzzzzzzzz",
    "/data/datapackage.json",
    "/data/options.csv",
    "/data/stances.csv",
    "/data/no-such.csv",
    "/api/openapi.json",
    "/api/docs",
    "/healthz",
]


def database(path: Path) -> Settings:
    settings = Settings(
        database_url=f"sqlite:///{path}",
        revision_poll_seconds=0,
        permalink_secret=SECRET,
        permalink_rate_limit=10**6,
    )
    if not path.exists():
        migrate(settings)
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            import_dataset(session, load_dataset(DEFAULT_DATASET))
        engine.dispose()
    return settings


def urls(client: TestClient) -> list[str]:
    """The fixed list, each entity's page and twins, and a permalink with its views."""
    found = list(URLS)
    index = client.get("/api/v1/options").json()
    for o in index["options"]:
        found += [f"/options/{o['slug']}", f"/api/v1/options/{o['slug']}"]
        found.append(f"/api/v1/options/{o['slug']}.csv")
    for s in client.get("/api/v1/stakeholders").json()["stakeholders"]:
        found += [f"/stakeholders/{s['slug']}", f"/api/v1/stakeholders/{s['slug']}"]
        found.append(f"/api/v1/stakeholders/{s['slug']}.csv")
    for s in client.get("/api/v1/sources").json()["sources"][:12]:
        found += [f"/sources/{s['id']}", f"/api/v1/sources/{s['id']}"]
        found.append(f"/api/v1/sources/{s['id']}.csv")
    code = client.post("/c", data=FORM, follow_redirects=False).headers["location"]
    code = code.rsplit("/", 1)[1]
    found += [f"/c/{code}", f"/c/{code}.json", f"/c/{code}.csv", f"/embed/c/{code}"]
    found += [f"/api/v1/permalinks/{code}", f"/c/{code}/ranks.svg"]
    found += [f"/c/{code}/scores.svg", f"/c/{code}/preview.png", f"/c/{code}?x=1"]
    found += [f"/c/{code}/scores/nato-membership.svg", f"/embed/c/{code}?x=1"]
    return found + [HX + url for url in FRAGMENTS]


def name(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def dump(out: Path, db: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    seen = {}
    with TestClient(create_app(database(db))) as client:
        for url in urls(client):
            hx = {"HX-Request": "true"} if url.startswith(HX) else {}
            r = client.get(url.removeprefix(HX), headers=hx, follow_redirects=False)
            head = f"{r.status_code} {r.headers.get('content-type', '')}"
            if "location" in r.headers:
                head += f" -> {r.headers['location']}"
            (out / name(url)).write_bytes(head.encode() + b"\n" + r.content)
            seen[url] = name(url)
    (out / "index.json").write_text(json.dumps(seen, indent=1))
    print(f"{len(seen)} URLs in {out}")


def diff(a: Path, b: Path) -> int:
    left = json.loads((a / "index.json").read_text())
    right = json.loads((b / "index.json").read_text())
    differs = 0
    for url in sorted(set(left) | set(right)):
        if url not in left or url not in right:
            print(f"only in {'the first' if url in left else 'the second'}: {url}")
            differs += 1
            continue
        x, y = (a / left[url]).read_bytes(), (b / right[url]).read_bytes()
        if x == y:
            print(f"same     {url}")
            continue
        differs += 1
        print(f"DIFFERS  {url}")
        lines = difflib.unified_diff(
            x.decode(errors="replace").splitlines(),
            y.decode(errors="replace").splitlines(),
            lineterm="",
            n=0,
        )
        for line in list(lines)[2:20]:
            print("    " + line[:200])
    print(f"{len(set(left) | set(right))} URLs, {differs} differ")
    return 1 if differs else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.same_bytes")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("dir", type=Path)
    d.add_argument("--db", type=Path, default=Path("/tmp/same-bytes.db"))
    c = sub.add_parser("diff")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "dump" and os.environ.get("PYTHONHASHSEED") != "0":
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, "-m", "tests.same_bytes", *sys.argv[1:]], env)
    if args.command == "dump":
        dump(args.dir, args.db)
        return 0
    return diff(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())

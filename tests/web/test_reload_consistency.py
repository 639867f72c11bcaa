"""Reads during a reload: pages stay whole and the page cache holds up under many threads."""

import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.responses import Response
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from app.config import Settings
from app.dataset.check import load_dataset
from app.main import create_app
from app.serving.page_cache import PageCache, cache_key
from app.store import queries
from app.store.load import import_dataset
from tests.helpers import CYCLE, load

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Switch threads far more often than the default 5 ms, so that races show quickly."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _request(path: str, query: str = "") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"accept-encoding", b"gzip")],
        "scheme": "http",
        "server": ("testserver", 80),
    }
    return Request(scope)


def test_page_cache_survives_many_threads(fast_switching: None) -> None:
    cache = PageCache(size=4)
    requests = [_request(f"/page/{i}", f"q={i}") for i in range(12)]
    errors: list[BaseException] = []
    served: Counter[int] = Counter()
    start = threading.Barrier(16)

    def hammer(n: int) -> None:
        start.wait()
        try:
            for i in range(3_000):
                # Readers on two revisions at once, as during a reload, over more keys than fit.
                revision = (i // 500 + n % 2) % 3
                request = requests[(i * 7 + n) % len(requests)]
                body = f"{revision} {request.url.path}".encode()
                key = cache_key(revision, request.url.path, request.url.query, False)
                entry = cache.get(key) or cache.put(key, Response(body))
                # Never another revision's or another URL's page.
                assert entry.body == body and entry.status == 200
                served[n] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(served.values()) == 16 * 3_000
    assert len(cache.entries) <= 4


def test_the_site_is_read_from_one_revision_row(engine: Engine) -> None:
    first = load(engine, CYCLE)
    with Session(engine) as session:
        before = queries.dataset(session, revision=first)
    ds = load_dataset(CYCLE)
    shifted = ds.model_copy(update={"dossier": ds.dossier.model_copy(update={"title": "Later"})})
    with Session(engine) as session:
        second = import_dataset(session, shifted).revision
        # The older revision still reads as it was loaded, whatever the tables hold now.
        assert queries.dataset(session, revision=first) == before
        assert queries.dataset(session, revision=second).dossier.title == "Later"


def test_pages_stay_whole_while_datasets_are_reloaded(
    engine: Engine, migrated: Settings, tmp_path: Path
) -> None:
    # A variant whose stakeholder rows get other ids, so that mixing two loads shows.
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        CYCLE.read_text(encoding="utf-8")
        .replace(
            "stakeholders:\n",
            "stakeholders:\n  - {slug: residents, name: Residents, kind: organisation}\n",
        )
        .replace("title: Riverton cycle-lane plan", "title: Riverton plan, variant"),
        encoding="utf-8",
    )
    datasets = [load_dataset(CYCLE), load_dataset(variant)]
    load(engine, CYCLE)
    settings = migrated.model_copy(update={"page_cache_size": 8})
    stop = threading.Event()
    failures: Counter[str] = Counter()
    paths = ["/", "/stakeholders", "/matrix", "/sources", "/api/v1/stakeholders", "/api/v1/matrix"]

    def read(client: TestClient, n: int) -> None:
        i = n
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                r = client.get(path)
                if r.status_code >= 500:
                    failures[f"{path}: {r.status_code}"] += 1
            except Exception as exc:  # what the server raised (a 500 for a reader)
                failures[f"{path}: {type(exc).__name__}: {str(exc)[:80]}"] += 1

    with TestClient(create_app(settings)) as client:
        readers = [threading.Thread(target=read, args=(client, n)) for n in range(6)]
        for t in readers:
            t.start()
        deadline = time.monotonic() + 20
        loads = 0
        while loads < 60 and time.monotonic() < deadline:
            with Session(engine) as session:
                import_dataset(session, datasets[loads % 2])
            loads += 1
        stop.set()
        for t in readers:
            t.join()
    assert not failures, failures


def test_page_cache_keeps_to_its_byte_budget() -> None:
    """Readers trying weight after weight fill the cache with big pages: the budget evicts the
    least recently used, whatever the entry count allows."""
    cache = PageCache(size=100, max_bytes=40_000)
    pages = {i: bytes(range(256)) * 16 * (1 + i % 3) for i in range(30)}  # 4 to 12 KB each
    sizes = {}
    for i, body in pages.items():
        sizes[i] = cache.put(cache_key(1, f"/p/{i}", "", False), Response(body)).size
        assert cache.bytes <= 40_000
        assert cache.bytes == sum(e.size for e in cache.entries.values())
    # Exactly the newest pages that fit in the budget stay, and no older one.
    kept, total = [], 0
    for i in reversed(pages):
        if total + sizes[i] > 40_000:
            break
        kept.append(i)
        total += sizes[i]
    assert len(kept) >= 3
    assert [key[1] for key in cache.entries] == [f"/p/{i}" for i in reversed(kept)]


def test_the_app_keeps_its_page_cache_within_the_setting(
    engine: Engine, migrated: Settings
) -> None:
    load(engine, CYCLE)
    settings = migrated.model_copy(update={"page_cache_mb": 1})
    with TestClient(create_app(settings)) as c:
        for i in range(36):
            w = f"safety:{i % 6},cost:{i // 6}"
            assert c.get(f"/compare?o=painted-lanes,protected-lanes,no-change&w={w}").is_success
            assert c.get(f"/?q=lane{i}").is_success
        cache = c.app.state.page_cache
        assert 0 < cache.bytes <= 1 << 20
        assert len(cache.entries) < 80


def test_big_pages_are_kept_compressed_and_still_served_plain() -> None:
    import gzip

    cache = PageCache(size=8)
    big = b"".join(b"<tr><td>row %d</td></tr>" % i for i in range(8_000))  # about 170 KB
    entry = cache.put(cache_key(1, "/big", "", False), Response(big))
    assert entry.plain is None and entry.size == len(entry.zipped) < len(big) // 4
    status, headers, body = entry.reply(gzip_ok=False, if_none_match=b"")
    assert status == 200 and body == big and (b"content-length", str(len(big)).encode()) in headers
    _, zipped_headers, zipped = entry.reply(gzip_ok=True, if_none_match=b"")
    assert gzip.decompress(zipped) == big and (b"content-encoding", b"gzip") in zipped_headers
    small = cache.put(cache_key(1, "/small", "", False), Response(b"<p>small</p>"))
    assert small.plain == b"<p>small</p>"


def test_a_big_cached_page_reads_the_same_with_and_without_gzip(ukraine: TestClient) -> None:
    url = "/compare?o=article-5-extension,nato-membership,reassurance-force"
    first = ukraine.get(url, headers={"Accept-Encoding": "identity"})
    assert len(first.content) > 64 << 10
    plain = ukraine.get(url, headers={"Accept-Encoding": "identity"})
    zipped = ukraine.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("content-encoding") is None
    assert zipped.headers["content-encoding"] == "gzip"
    assert first.content == plain.content == zipped.content  # httpx inflates the gzip body

"""The deployment files: docker-compose.yml and the Dockerfile are checked by parsing (Docker
cannot run here); deploy/nginx.conf is checked by `nginx -t` and then run, with only its
upstream addresses and paths swapped (and X-Test-Peer to choose the client address nginx sees),
in front of two real `explorer serve` processes."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy.engine import Engine

from app.config import Settings
from tests.helpers import CYCLE, load
from tests.servers import ROOT, Server, free_port

sys.path.insert(0, str(ROOT / "deploy"))
from runtime_requirements import parse_lock, runtime

# Starts servers or processes: `make check` leaves it to `make test`.
pytestmark = pytest.mark.slow

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEV_TOOLS = {"pytest", "playwright", "ruff", "mypy", "schemathesis", "hypothesis", "pytest-httpx"}


# --- docker-compose.yml and the Dockerfile -------------------------------------------------------


def test_compose_runs_two_instances_on_postgresql_behind_nginx() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "app1", "app2", "proxy"} <= services.keys()
    assert services["db"]["image"].startswith("postgres:")
    proxy = services["proxy"]
    proxy_ip = proxy["networks"]["backend"]["ipv4_address"]
    for name in ("app1", "app2"):
        app = services[name]
        env = app["environment"]
        assert env["APP_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in env["APP_DATABASE_URL"]
        assert env["APP_TRUSTED_PROXIES"] == proxy_ip  # the proxy alone is believed
        assert app["command"][:2] == ["explorer", "serve"]
        assert "ports" not in app  # reached through the proxy only
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    mounts = {v.split(":")[1] for v in proxy["volumes"]}
    assert {"/etc/nginx/nginx.conf", "/etc/nginx/explorer-proxy.conf", "/srv/static"} <= mounts
    for v in proxy["volumes"]:
        source = v.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), source
    # No password in the file: it must be given.
    assert "${EXPLORER_DB_PASSWORD:?" in (ROOT / "docker-compose.yml").read_text()


def _stages(dockerfile: str) -> list[list[str]]:
    """Instructions per stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile)
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_is_multi_stage_and_ships_no_test_tools() -> None:
    build, final = _stages((ROOT / "Dockerfile").read_text())
    assert build[0].startswith("FROM python:3.11-slim AS build")
    assert final[0] == "FROM python:3.11-slim"
    final_text = "\n".join(final)
    # Nothing is installed in the final stage; tools are removed there.
    assert "pip install" not in final_text
    assert "pip uninstall -y pip setuptools wheel" in final_text
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert "USER explorer" in final
    build_text = "\n".join(build)
    assert "-r /tmp/runtime.lock" in build_text and "-r requirements.lock" not in build_text
    assert "pip uninstall -y setuptools pip" in build_text
    # Every file the build copies exists.
    for line in build:
        if line.startswith("COPY ") and "--from" not in line:
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src


def test_runtime_requirements_leave_out_test_tools_and_miss_nothing() -> None:
    """The runtime lock is closed under the installed packages' own requirements."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    lock = (ROOT / "requirements.lock").read_text()
    text = runtime(lock, (ROOT / "pyproject.toml").read_text())
    names = set(parse_lock(text))
    assert not names & DEV_TOOLS, names & DEV_TOOLS
    assert {"fastapi", "uvicorn", "psycopg", "psycopg-binary", "prometheus-client"} <= names
    assert "setuptools" not in names
    # The extras pyproject.toml asks for: uvicorn[standard], psycopg[binary].
    extras = {"uvicorn": ("standard",), "psycopg": ("binary",)}
    for name in names:
        for raw in distribution(name).requires or []:
            req = Requirement(raw)
            needed = req.marker is None or any(
                req.marker.evaluate({"extra": e}) for e in ("", *extras.get(name, ()))
            )
            if needed:
                assert re.sub(r"[-_.]+", "-", req.name).lower() in names, f"{name} needs {req}"
    # Versions and hashes are the locked ones.
    locked = parse_lock(lock)
    assert all(parse_lock(text)[n][0] == locked[n][0] for n in names)


# --- nginx in front of two real servers ----------------------------------------------------------


def _render(conf: str, tmp: Path, upstreams: list[int], port: int) -> str:
    user = "user root;" if os.geteuid() == 0 else ""
    conf = conf.replace("user nginx;", user)
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {tmp}/nginx.pid;")
    conf = conf.replace("/var/cache/nginx/explorer", str(tmp / "cache"))
    conf = conf.replace("alias /srv/static/;", f"alias {ROOT}/static/;")
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("listen [::]:8080;", f"listen [::1]:{port};")
    for i, p in enumerate(upstreams, start=1):
        conf = conf.replace(f"server app{i}:8000", f"server 127.0.0.1:{p}")
    temp = "\n".join(
        f"    {d}_temp_path {tmp}/{d};"
        for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Tests only: a request may say which client address nginx should see (X-Test-Peer), as
    # the loopback has a single IPv6 address. Without the header nothing changes.
    peer = "".join(
        f"    {line}\n"
        for line in (
            "set_real_ip_from 127.0.0.1;",
            "set_real_ip_from ::1;",
            "real_ip_header X-Test-Peer;",
        )
    )
    return conf.replace("http {\n", "http {\n" + temp + "\n" + peer, 1)


@pytest.fixture
def proxied(engine: Engine, migrated: Settings, tmp_path: Path) -> Iterator[tuple[str, Server]]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: run `make nginx` (Debian package nginx-light)")
    load(engine, CYCLE)
    env = {
        "APP_TRUSTED_PROXIES": "127.0.0.1",
        "APP_PROXY_CACHE_SECONDS": "1",
        "APP_PERMALINK_RATE_LIMIT": "5",
        "APP_PERMALINK_RATE_WINDOW": "1000000000",
        # Instances behind one proxy share the address readers use, as a deployment sets it.
        "APP_PUBLIC_URL": "https://explorer.example",
    }
    with Server(migrated.database_url, env=env) as a, Server(migrated.database_url, env=env) as b:
        port = free_port()
        shutil.copy(DEPLOY / "explorer-proxy.conf", tmp_path)
        shutil.copy("/etc/nginx/mime.types", tmp_path)
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            _render((DEPLOY / "nginx.conf").read_text(), tmp_path, [a.port, b.port], port)
        )
        args = [NGINX, "-p", str(tmp_path), "-c", str(conf)]
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        proc = subprocess.Popen([*args, "-g", "daemon off;"], stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "nginx did not start"
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}", a
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_nginx_serves_static_files_itself(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    r = httpx.get(f"{base}/static/site.css")
    assert r.status_code == 200
    assert r.content == (ROOT / "static" / "site.css").read_bytes()
    assert "max-age=3600" in r.headers["cache-control"]
    assert "x-request-id" not in r.headers  # the app never saw it


def test_nginx_caches_pages_and_revalidates_them_by_etag(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    path = f"{base}/options/painted-lanes"
    first, second = httpx.get(path), httpx.get(path)
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert first.text == second.text and "Painted lanes" in first.text
    assert first.headers["etag"] == second.headers["etag"]
    time.sleep(2.1)  # max-age=1 has passed (nginx counts whole seconds): If-None-Match, 304
    third = httpx.get(path)
    assert third.headers["x-cache-status"] == "REVALIDATED"
    assert third.text == first.text
    # A client without gzip gets the same page, unzipped by nginx from the one cached copy.
    plain = httpx.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.text == first.text and "content-encoding" not in plain.headers
    # The htmx fragment is cached apart from the full page.
    fragment = httpx.get(f"{base}/", headers={"HX-Request": "true"})
    full = httpx.get(f"{base}/")
    assert "<html" in full.text and "<html" not in fragment.text


def test_nginx_refuses_huge_heads(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    for size in (9_000, 40_000):
        r = httpx.get(f"{base}/healthz", headers={"X-Big": "a" * size})
        assert r.status_code in (400, 431), r.status_code
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_behind_nginx_a_forged_forwarded_for_does_not_help(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    codes = [
        httpx.post(
            f"{base}/c",
            data={"o": "painted-lanes,protected-lanes", "w": f"safety:{i}"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(7)
    ]
    assert codes == [303] * 5 + [429] * 2  # one reader, whatever it claims: 5 per window
    assert httpx.get(f"{base}/metrics").status_code == 404


def test_nginx_limits_how_fast_one_client_asks_for_images(proxied: tuple[str, Server]) -> None:
    base, _ = proxied
    with httpx.Client() as c:
        codes = [c.get(f"{base}/preview.png").status_code for _ in range(40)]
        assert codes[:20] == [200] * 20  # a burst a reader's browser might make
        assert 429 in codes[20:]
        assert c.get(f"{base}/options/painted-lanes").status_code == 200  # pages are not images


def test_nginx_keeps_serving_when_one_instance_dies(proxied: tuple[str, Server]) -> None:
    base, first = proxied
    first.kill()
    for i in range(6):
        r = httpx.get(f"{base}/compare?o=painted-lanes,protected-lanes&w=safety:{i}")
        assert r.status_code in (200, 302)  # 302: a default weight, left out of the URL


def _posts(base: str, peers: list[str]) -> list[httpx.Response]:
    """POST /c at once from each of `peers` (the client addresses nginx sees)."""

    def post(i: int, peer: str) -> httpx.Response:
        form = {"o": "painted-lanes,protected-lanes", "w": f"safety:{i % 6}"}
        return httpx.post(f"{base}/c", data=form, headers={"X-Test-Peer": peer}, timeout=30)

    with ThreadPoolExecutor(len(peers)) as pool:
        return list(pool.map(post, range(len(peers)), peers))


def _refused_by_nginx(responses: list[httpx.Response]) -> int:
    return sum(r.status_code == 429 and "x-request-id" not in r.headers for r in responses)


def test_nginx_counts_an_ipv6_client_by_its_64(proxied: tuple[str, Server]) -> None:
    """N6: 30 posts at once from 30 addresses of one /64 are one client (burst 20), as are an
    IPv4 address and its IPv4-mapped spelling; other /64s are counted apart."""
    base, _ = proxied
    one_64 = _posts(base, [f"2001:db8::{i:x}" for i in range(1, 31)])
    assert _refused_by_nginx(one_64) >= 5, [r.status_code for r in one_64]
    # Through nginx, the app limits the /64 too (5 per window): it answered 303 five times.
    assert sum(r.status_code == 303 for r in one_64) == 5
    v4 = _posts(base, ["198.51.100.7", "::ffff:198.51.100.7"] * 15)
    assert _refused_by_nginx(v4) >= 5, [r.status_code for r in v4]
    many = _posts(base, [f"2001:db8:0:{i:x}::1" for i in range(1, 31)])
    assert [r.status_code for r in many] == [303] * 30


def test_nginx_takes_ipv6_clients_and_counts_them_by_their_64(
    proxied: tuple[str, Server],
) -> None:
    """An IPv6 client reaches the app through nginx (it listened on IPv4 only), and is one
    client to nginx's limit and the app's alike: by its /64, whichever socket it came in on."""
    base, _ = proxied
    v6 = base.replace("127.0.0.1", "[::1]")
    assert httpx.get(f"{v6}/options/painted-lanes").status_code == 200
    # The IPv6 loopback itself, as the app sees it through nginx: ::/64, 5 per window.
    form = {"o": "painted-lanes,protected-lanes"}
    codes = [httpx.post(f"{v6}/c", data={**form, "w": f"safety:{i}"}) for i in range(6)]
    assert [r.status_code for r in codes] == [303] * 5 + [429]
    assert "x-request-id" in codes[-1].headers  # the app's limit, not nginx's burst
    # Thirty addresses of one /64 at once, over the IPv6 socket: one client to nginx too.
    one_64 = _posts(v6, [f"2001:db8:5::{i:x}" for i in range(1, 31)])
    assert _refused_by_nginx(one_64) >= 5, [r.status_code for r in one_64]
    assert sum(r.status_code == 303 for r in one_64) == 5


def test_nginx_refuses_methods_other_than_get_head_and_post(proxied: tuple[str, Server]) -> None:
    """N2: odd methods never reach the app (nor its metrics)."""
    base, _ = proxied
    for method in ("PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "FOO", "X-ODD"):
        for path in ("/healthz", "/c", "/static/site.css", "/no/such/page"):
            r = httpx.request(method, f"{base}{path}")
            assert r.status_code == 405, (method, path, r.status_code)
            assert r.headers["allow"] == "GET, HEAD, POST"
            assert "x-request-id" not in r.headers  # the app never saw it
    for method in ("GET", "HEAD"):
        r = httpx.request(method, f"{base}/healthz")
        assert r.status_code == 200 and "allow" not in r.headers

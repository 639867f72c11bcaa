"""One Settings class for the whole app; every value can come from an APP_ environment variable."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = (
    Path(__file__).resolve().parent / "dataset" / "default" / ("ukraine-security-guarantees.yaml")
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", frozen=True)

    database_url: str = "sqlite:///data/explorer.db"
    # Where readers reach the site: absolute links (share links, og:url) start with this,
    # never with the request's Host header.
    public_url: str = "http://127.0.0.1:8000"
    default_dataset: Path = DEFAULT_DATASET
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    # Request bodies above this size get a 413 before any parsing.
    max_body_bytes: int = 16_384
    # Rendered pages are cached per (URL, dataset revision); 0 disables the cache.
    page_cache_size: int = 512
    # ...and at most this many megabytes of them (plain and gzip bodies), so that readers
    # trying weight after weight cannot grow a process without bound.
    page_cache_mb: int = 16
    # How often a process asks the database whether a new dataset was loaded. Pages the
    # cache can answer do no other database work, and a load shows within this time.
    revision_poll_seconds: float = 0.3
    # Creating permanent links: at most this many per client per fixed window (seconds),
    # counted in the database, so across every process and instance.
    permalink_rate_limit: int = 20
    permalink_rate_window: float = 60.0
    # "Report an error" forms sent: at most this many per client per window (seconds), counted
    # like permalinks. Refused (bad input) sends count too.
    report_rate_limit: int = 5
    report_rate_window: float = 600.0
    # Images (PNG) drawn at once per process; more get 503 with Retry-After. Cached images
    # are answered without drawing.
    image_renders: int = 2
    # New permanent links per hour from all clients together, counted in the database; past
    # it, 503. 0: no cap.
    permalink_hourly_cap: int = 2000
    # Keys permalink codes, so a code cannot be computed, or probed for, elsewhere. Empty: a
    # secret made at first use and kept in the database, shared by every instance.
    permalink_secret: str = ""
    # Reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or networks
    # (`10.0.0.0/8, 192.0.2.7`). Empty: the peer is the client (loopback is not trusted either).
    trusted_proxies: str = ""
    # Successful GETs say `Cache-Control: public, max-age=N` with an ETag: a reverse proxy
    # serves them for N seconds, then revalidates (304). A new dataset shows within N seconds.
    proxy_cache_seconds: int = 5
    # One JSON line per request on the `explorer.access` logger (`explorer serve` prints them).
    access_log: bool = True
    # Prometheus metrics at /metrics (requests, latency, page cache, permalinks).
    metrics: bool = False
    # Failed sign-ins allowed per account, and per client address, in each fixed window of
    # this many seconds; counted in the database, so across every process and instance.
    login_attempts: int = 5
    login_client_attempts: int = 20
    login_window: int = 900


@lru_cache
def get_settings() -> Settings:
    return Settings()

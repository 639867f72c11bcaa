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
    # How often a process asks the database whether a new dataset was loaded. Pages the
    # cache can answer do no other database work, and a load shows within this time.
    revision_poll_seconds: float = 0.3
    # Creating permanent links: at most this many per client per window (seconds).
    permalink_rate_limit: int = 20
    permalink_rate_window: float = 60.0
    debug: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""The browser tests of charts share the session's Chromium with tests/browser."""

from tests.browser.conftest import browser  # noqa: F401

"""Shows the Schemathesis run's size in the terminal summary (captured output would hide it)."""

import pytest

SUMMARY = pytest.StashKey[str]()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if SUMMARY in config.stash:
        terminalreporter.write_line(config.stash[SUMMARY])

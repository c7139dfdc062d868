"""``configure_logging`` sets slack_sdk's Web API logger to ``LOG_LEVEL`` too: left unset, it
formats every call's request and answer into a debug line nobody prints."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from adapters.cli.logs import SLACK_WEB_API_LOGGER, configure_logging
from bot.settings import Settings


@pytest.fixture
def web_api_logger() -> Iterator[logging.Logger]:
    """slack_sdk's logger, and the root logger as they were, afterwards."""
    logger, root = logging.getLogger(SLACK_WEB_API_LOGGER), logging.getLogger()
    before, root_level, handlers = logger.level, root.level, list(root.handlers)
    yield logger
    logger.setLevel(before)
    root.setLevel(root_level)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)


@pytest.mark.parametrize(
    ("level", "formats"), [("INFO", False), ("WARNING", False), ("DEBUG", True)]
)
def test_slack_sdk_formats_its_debug_lines_only_at_debug(
    web_api_logger: logging.Logger, level: str, formats: bool
) -> None:
    assert web_api_logger.level == logging.NOTSET  # as slack_sdk leaves it: formats always
    configure_logging(Settings(log_level=level))
    # slack_sdk's own test before it formats a request's debug line:
    assert (web_api_logger.level <= logging.DEBUG) is formats

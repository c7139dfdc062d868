"""``configure_logging`` sets slack_sdk's Web API logger to ``LOG_LEVEL`` too: left unset, it
formats every call's request and answer into a debug line nobody prints."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from adapters.cli.logs import (
    SLACK_WEB_API_LOGGER,
    OneLineHttpErrors,
    Redacting,
    configure_logging,
    secrets_of,
)
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


def line_of(formatter: logging.Formatter, msg: str, *args: object) -> str:
    record = logging.LogRecord("slack_sdk", logging.DEBUG, __file__, 1, msg, args, None)
    return formatter.format(record)


def test_no_token_nor_secret_is_written_whatever_the_level() -> None:
    settings = Settings(
        slack_signing_secret="signing-secret-0123456789",
        slack_client_secret="client-secret-0123456789",
        discord_token="MTIz.discord-token.abcdefghijklmnop",
        database_url="postgresql://ecoute:db-password-42@db.example/ecoute",
    )
    redacting = Redacting(secrets_of(settings))
    answer = '{"ok": true, "access_token": "xoxb-2-3-SECRETTOKEN", "refresh": "xoxe-1-abc"}'
    said = [
        line_of(redacting, "Received the following response: %s", answer),
        line_of(redacting, "wss://wss-primary.slack.com/link/?ticket=ab12-cd34&app_id=A1"),
        line_of(redacting, "app token xapp-1-A0-99-zz, signing %s", settings.slack_signing_secret),
        line_of(redacting, "%s %s", settings.slack_client_secret, settings.discord_token),
        line_of(redacting, "connecting with db-password-42"),
    ]
    for secret in (
        "xoxb-2-3-SECRETTOKEN", "xoxe-1-abc", "ab12-cd34", "xapp-1-A0-99-zz",
        "signing-secret-0123456789", "client-secret-0123456789",
        "MTIz.discord-token.abcdefghijklmnop", "db-password-42",
    ):  # fmt: skip
        assert not [line for line in said if secret in line], secret
    assert "app_id=A1" in said[1]  # what is not secret stays
    assert '"ok": true' in said[0]


def test_a_request_aiohttp_cannot_read_is_one_warning_line() -> None:
    from aiohttp.http_exceptions import BadHttpMessage

    try:
        raise BadHttpMessage("Invalid header value char")
    except BadHttpMessage:
        record = logging.LogRecord(
            "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s",
            ("127.0.0.1",), sys.exc_info(),
        )  # fmt: skip
    assert OneLineHttpErrors().filter(record)
    line = Redacting([]).format(record)
    assert record.levelname == "WARNING"
    assert "\n" not in line
    assert "unreadable HTTP request: BadHttpMessage: 400, message:" in line
    other = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "boom", (), None)
    assert OneLineHttpErrors().filter(other)
    assert other.levelname == "ERROR"  # anything else is left as it was

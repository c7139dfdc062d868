"""How every long-running ``ecoute`` command logs: one line per record, on stderr.

No token or secret reaches the log, whatever the level: every line is written through
:class:`Redacting`, which blanks the settings' secrets and anything shaped like a Slack token
(an OAuth install's new bot token is in slack_sdk's debug line of ``oauth.v2.access``), and the
ticket of a Socket Mode URL. A request aiohttp cannot read (malformed HTTP, a client gone
mid-body) is one warning line, not an error with a traceback per request.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import fields

from bot.settings import Settings

SLACK_WEB_API_LOGGER = "slack_sdk.web.async_base_client"
"""slack_sdk's Web API logger. It formats a debug line of every call — the whole request, its
blocks, and the whole answer — whenever this logger's *own* level is unset (``NOTSET`` counts
as DEBUG there), even when nothing would print it: ~25 µs a call for a question (~2 % of a
click), more for a verdict. Its level is therefore set to ``LOG_LEVEL`` too: the lines are
built, and shown, only at DEBUG."""
QUIET_BELOW_INFO = ("aiosqlite",)
"""Loggers whose debug lines echo every statement with its values (people's answers)."""
TOKEN_SHAPES = re.compile(r"\b(xox[a-z]|xapp)-[0-9A-Za-z-]+|(?<=ticket=)[^&\s\"']+")
HIDDEN = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redacting(logging.Formatter):
    """A formatter that blanks ``secrets`` and token-shaped text in the whole line (the
    message, its arguments and any traceback)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(FORMAT)
        long_first = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)
        self.secrets = re.compile("|".join(map(re.escape, long_first))) if long_first else None

    def format(self, record: logging.LogRecord) -> str:
        line = TOKEN_SHAPES.sub(HIDDEN, super().format(record))
        return self.secrets.sub(HIDDEN, line) if self.secrets is not None else line


class OneLineHttpErrors(logging.Filter):
    """aiohttp's "Error handling request" for a request it could not read: one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError | ConnectionResetError):
            record.msg, record.args = "unreadable HTTP request: %s", (_short(exc),)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:200]


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value the settings hold (tokens, secrets, a database password)."""
    found = [
        str(getattr(settings, f.name))
        for f in fields(settings)
        if any(s in f.name for s in ("token", "secret")) and getattr(settings, f.name)
    ]
    password = re.search(r"://[^:/@]+:([^@]+)@", settings.database_url)
    return found + ([password.group(1)] if password else [])


def configure_logging(settings: Settings) -> None:
    """Log at ``LOG_LEVEL``, through :class:`Redacting`."""
    level = getattr(logging, settings.log_level, logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(Redacting(secrets_of(settings)))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger(SLACK_WEB_API_LOGGER).setLevel(level)
    for name in QUIET_BELOW_INFO:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    logging.getLogger("aiohttp.server").addFilter(OneLineHttpErrors())

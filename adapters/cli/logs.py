"""How every long-running ``ecoute`` command logs: one line per record, on stderr."""

from __future__ import annotations

import logging
import sys

from bot.settings import Settings

SLACK_WEB_API_LOGGER = "slack_sdk.web.async_base_client"
"""slack_sdk's Web API logger. It formats a debug line of every call — the whole request, its
blocks, and the whole answer — whenever this logger's *own* level is unset (``NOTSET`` counts
as DEBUG there), even when nothing would print it: ~25 µs a call for a question (~2 % of a
click), more for a verdict. Its level is therefore set to ``LOG_LEVEL`` too: the lines are
built, and shown, only at DEBUG."""


def configure_logging(settings: Settings) -> None:
    """Log at ``LOG_LEVEL`` (tokens are never part of a record)."""
    level = getattr(logging, settings.log_level, logging.INFO)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger(SLACK_WEB_API_LOGGER).setLevel(level)

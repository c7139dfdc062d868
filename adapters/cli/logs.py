"""How every long-running ``ecoute`` command logs: one line per record, on stderr."""

from __future__ import annotations

import logging
import sys

from bot.settings import Settings


def configure_logging(settings: Settings) -> None:
    """Log at ``LOG_LEVEL`` (tokens are never part of a record)."""
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )

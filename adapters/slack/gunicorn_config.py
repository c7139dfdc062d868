"""gunicorn's settings for the Procfile's ``web:`` line, read with
``-c python:adapters.slack.gunicorn_config``.

gunicorn takes every module-level name here that is one of its settings: keep to those.
"""

from __future__ import annotations

import sys

from bot.errors import ConfigError


def on_starting(server: object) -> None:
    """In the master, before any worker is forked: settings that don't select HTTP mode stop
    gunicorn with one message and status 2 (each worker checks again, see
    :func:`adapters.slack.web.application`)."""
    from adapters.slack.web import http_settings

    try:
        http_settings()
    except ConfigError as exc:
        print(f"ecoute slack (gunicorn): {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None

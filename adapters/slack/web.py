"""HTTP mode under gunicorn: ``gunicorn adapters.slack.web:application`` with aiohttp's worker.

Each worker process calls :func:`application` once: it opens its own core (database) and Bolt
app, and closes both when gunicorn stops it. Work in flight is drained first (SIGTERM). For
one process, ``ecoute slack --http`` serves the same app without gunicorn.
"""

from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from adapters.cli.logs import configure_logging
from adapters.slack.config import Mode, slack_config
from adapters.slack.runner import build_slack, settle_memory, web_app
from bot.bootstrap import open_core
from bot.errors import ConfigError
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)

WORKER_BOOT_ERROR = 3
"""The exit status that tells gunicorn's arbiter a worker can't boot: it stops, not respawns."""


def http_settings() -> Settings:
    """The settings, refused (:class:`ConfigError`) unless they select HTTP mode."""
    settings = load_settings()
    config = slack_config(settings)
    if config.mode is Mode.SOCKET:
        raise ConfigError(
            "SLACK_APP_TOKEN selects Socket Mode, which opens one websocket from one process and "
            "can't be served by gunicorn's workers. Unset SLACK_APP_TOKEN to serve HTTP mode "
            "here (with SLACK_SIGNING_SECRET), or run `ecoute slack` (one process) instead."
        )
    return settings


async def application() -> web.Application:
    """The app of one gunicorn worker (the aiohttp worker awaits this factory).

    Settings that don't select HTTP mode stop gunicorn with one message saying what to set.
    """
    try:
        settings = http_settings()
    except ConfigError as exc:
        print(f"ecoute slack (gunicorn): {exc}", file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None
    configure_logging(settings)
    core = await open_core(settings)
    try:
        slack = await build_slack(core, oauth=settings.slack_oauth)
    except BaseException:
        await core.close()
        raise

    async def close(_: web.Application) -> None:
        try:
            await slack.close()
        finally:
            await core.close()

    app = web_app(slack, core.store, settings.slack_signing_secret)
    app.on_cleanup.append(close)
    settle_memory()
    log.info("Slack HTTP mode in gunicorn worker %d", os.getpid())
    return app

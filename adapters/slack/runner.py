"""Serving the Slack app: Socket Mode (``SLACK_APP_TOKEN``) or HTTP with ``/healthz``."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import SlackApp, create_app
from adapters.slack.config import Mode, slack_config
from adapters.slack.guard import slack_guard
from adapters.slack.oauth import oauth_engine, oauth_settings
from bot.bootstrap import Core
from bot.errors import ConfigError
from bot.store import Store

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
WORKER_HEADER = "X-Ecoute-Worker"
"""``/healthz`` names the process that answered (several serve one port under gunicorn)."""
PING_SECONDS = 2.0
GC_THRESHOLDS = (20_000, 20, 20)
"""Young-generation collections every 20,000 allocations instead of 700: a turn allocates
thousands of short-lived objects, and full collections paused the loop up to 150 ms."""


def settle_memory() -> None:
    """Once the app is built: what exists now lives as long as the process, so the garbage
    collector stops scanning it (``gc.freeze``) and runs less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def build_slack(core: Core, *, oauth: bool) -> SlackApp:
    """The app for ``core``; with ``oauth``, tokens come from the database per workspace."""
    if not oauth:
        return create_app(core)
    engine = oauth_engine(core.settings.database_url)
    try:
        slack = create_app(core, await oauth_settings(core.settings, engine))
    except BaseException:
        await engine.dispose()
        raise
    slack.on_close.append(engine.dispose)
    return slack


def web_app(slack: SlackApp, store: Store, signing_secret: str | None = None) -> web.Application:
    """Bolt's aiohttp app (``/slack/events``, OAuth pages) plus ``GET /healthz``.

    ``/slack/events`` is behind :mod:`adapters.slack.guard`, checking with ``signing_secret``
    (by default the one the Bolt app was given).
    """
    pid = str(os.getpid())

    async def healthz(_: web.Request) -> web.Response:
        try:
            ok = await asyncio.wait_for(store.ping(), PING_SECONDS)
        except Exception:  # any failure means "not reachable"
            ok = False
        body = {"status": "ok" if ok else "unavailable", "database": ok}
        return web.json_response(body, status=200 if ok else 503, headers={WORKER_HEADER: pid})

    if signing_secret is None:
        signing_secret = slack.bolt._signing_secret  # AsyncApp has no public getter
    app = slack.bolt.web_app(path=EVENTS_PATH)
    app.middlewares.append(slack_guard(signing_secret, EVENTS_PATH, slack.bolt))
    app.router.add_get(HEALTH_PATH, healthz)
    return app


async def serve_http(
    slack: SlackApp,
    store: Store,
    port: int,
    host: str = "0.0.0.0",  # noqa: S104 - a platform's router sends traffic to this port
    ready: asyncio.Event | None = None,
) -> None:
    """Serve HTTP mode until cancelled (``ready`` is set once the port listens).

    Raises :class:`bot.errors.ConfigError` when the port is already in use: another program
    (or another écoute) listens there, and only another port helps.
    """
    runner = web.AppRunner(web_app(slack, store))
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise ConfigError(port_in_use(port)) from None
        log.info("Slack HTTP mode on port %d (%s, %s)", port, EVENTS_PATH, HEALTH_PATH)
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def port_in_use(port: int) -> str:
    """What to do when ``port`` is taken."""
    return f"port {port} is already in use: set PORT (or --port) to a free port"


async def serve_socket(slack: SlackApp, app_token: str) -> None:
    """Serve Socket Mode until cancelled."""
    handler = AsyncSocketModeHandler(slack.bolt, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack Socket Mode connected")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def run(core: Core, *, http: bool = False, port: int | None = None) -> None:
    """Run Slack until cancelled: Socket Mode if ``SLACK_APP_TOKEN`` is set, else HTTP.

    Raises :class:`bot.errors.ConfigError` (saying what to set) before connecting anything.
    """
    config = slack_config(core.settings, http=http, port=port)
    slack = await build_slack(core, oauth=config.oauth)
    settle_memory()
    try:
        if config.mode is Mode.SOCKET:
            await serve_socket(slack, core.settings.slack_app_token)
        else:
            await serve_http(slack, core.store, config.port)
    finally:
        await slack.close()

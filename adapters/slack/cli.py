"""``ecoute slack [--http] [--port N]`` and ``ecoute slack manifest [--http-url URL]``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys

from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecoute slack",
        description="Run écoute in Slack: Socket Mode when SLACK_APP_TOKEN is set, else HTTP.",
    )
    parser.add_argument("--http", action="store_true", help="serve HTTP mode (/slack/events)")
    parser.add_argument("--port", type=int, help="HTTP port (default: $PORT, else 3000)")
    return parser


def _manifest_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecoute slack manifest",
        description="Print the Slack app manifest (JSON) for 'Create app > From a manifest'.",
    )
    parser.add_argument(
        "--http-url",
        help="public https:// address of HTTP mode (omit for Socket Mode)",
    )
    parser.add_argument("--lang", default="en", help="language of the app's descriptions")
    return parser


def main(argv: list[str]) -> int:
    """Entry point of ``ecoute slack``; 2 with one clear message when settings are wrong."""
    try:
        if argv[:1] == ["manifest"]:
            return _manifest(argv[1:])
        args = _parser().parse_args(argv)
        return _serve(http=args.http, port=args.port)
    except ConfigError as exc:
        print(f"ecoute slack: {exc}", file=sys.stderr)
        return 2


def _manifest(argv: list[str]) -> int:
    from adapters.slack.manifest import manifest
    from bot.catalog import load_catalog

    args = _manifest_parser().parse_args(argv)
    catalog = load_catalog()
    if args.lang not in catalog.languages:
        raise ConfigError(f"--lang must be one of {', '.join(catalog.languages)}.")
    print(json.dumps(manifest(catalog, args.lang, args.http_url), ensure_ascii=False, indent=2))
    return 0


def _serve(*, http: bool, port: int | None) -> int:
    from adapters.cli.logs import configure_logging
    from adapters.slack.config import slack_config
    from bot.settings import load_settings

    settings = load_settings()
    slack_config(settings, http=http, port=port)  # refuse bad settings before opening anything
    configure_logging(settings)
    asyncio.run(_run(settings, http=http, port=port))
    return 0


async def _run(settings: Settings, *, http: bool, port: int | None) -> None:
    """Serve until cancelled or SIGTERM (how Heroku stops a dyno): work in flight is drained."""
    from adapters.slack.runner import run
    from bot.bootstrap import open_core

    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    core = await open_core(settings)
    try:
        await run(core, http=http, port=port)
    except asyncio.CancelledError:
        log.info("Slack stopped")
    finally:
        await core.close()

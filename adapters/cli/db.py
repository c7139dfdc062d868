"""``ecoute db upgrade`` and ``ecoute db current``: the database schema from the command line.

The database is ``DATABASE_URL`` (from the environment or ``.env``), or ``--url``. écoute also
upgrades the schema by itself at start; ``db upgrade`` is for doing it ahead of a deploy.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.errors import ConfigError
from bot.settings import check_database_url, load_settings, redact_url
from bot.store import StoreUnavailable

USAGE = "ecoute db {upgrade,current} [--url URL]"


def main(argv: list[str]) -> int:
    """Run ``ecoute db ...``; returns the exit status (0 done, 1 unreachable, 2 bad usage)."""
    parser = argparse.ArgumentParser(prog="ecoute db", usage=USAGE, description=__doc__)
    parser.add_argument("action", choices=("upgrade", "current"))
    parser.add_argument("--url", help="database URL (default: DATABASE_URL, else ./data/)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        url = check_database_url(args.url) if args.url else load_settings().database_url
        if args.action == "upgrade":
            revision = asyncio.run(_upgrade(url))
            print(f"{redact_url(url)}: at revision {revision}")
        else:
            found = asyncio.run(_current(url))
            print(found or "none (empty database)")
    except ConfigError as exc:
        print(f"ecoute db: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(
            f"ecoute db: cannot reach the database: {' '.join(str(exc).split())}", file=sys.stderr
        )
        return 1
    return 0


async def _upgrade(url: str) -> str | None:
    from bot.storage import sqlite_path
    from bot.storage.migrate import current, upgrade

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    await upgrade(url)
    return await current(url)


async def _current(url: str) -> str | None:
    from bot.storage import sqlite_path
    from bot.storage.migrate import current

    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None  # do not create an empty file just to look at it
    return await current(url)

"""``ecoute export --platform slack|discord --workspace ID [--round ID] --format csv|json
[--output FILE]``: a workspace's team rounds as a file (:mod:`bot.team.export`).

The database is ``DATABASE_URL`` (from the environment or ``.env``), as for ``ecoute run``.
Bad input — an unknown platform, a round that is not that workspace's, a workspace without
rounds — exits with status 2 and one line on stderr; a database that cannot be reached exits
with 1. Imports no chat platform, so it starts fast.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import NoReturn

from bot.errors import ConfigError
from bot.schema import SchemaError, load_schema
from bot.settings import load_settings
from bot.store import StoreUnavailable
from bot.team.export import RoundExport, gather, to_csv, to_json
from bot.verdict.scoring import ScoringError, default_weights

PLATFORMS = ("slack", "discord")
FORMATS = ("csv", "json")
USAGE = (
    "ecoute export --platform slack|discord --workspace ID [--round ID] --format csv|json "
    "[--output FILE]"
)
UNREACHABLE = 1
BROKEN_PROMPTS = 1
BAD_INPUT = 2
PROG = "ecoute export"
MAX_ROUND_ID = 2**31 - 1
"""The largest id a round can have (the column is a 32-bit integer on PostgreSQL)."""
DESCRIPTION = "Export the team rounds of a workspace: answers and verdicts, CSV or JSON."


class BadInput(Exception):
    """One line for stderr; the command exits with :data:`BAD_INPUT`."""


class _Parser(argparse.ArgumentParser):
    """argparse's checks, but a usage error is one line (argparse prints usage and error)."""

    def error(self, message: str) -> NoReturn:
        raise BadInput(f"{message} (see {PROG} --help)")


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status (0 written, 1 database or prompts broken,
    2 bad input)."""
    try:
        return _main(argv)
    except BadInput as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return BAD_INPUT
    except ConfigError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return BAD_INPUT
    except StoreUnavailable as exc:
        print(f"{PROG}: cannot reach the database: {exc}", file=sys.stderr)
        return UNREACHABLE
    except (SchemaError, ScoringError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return BROKEN_PROMPTS


def _main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    platform: str = args.platform
    workspace: str = args.workspace
    round_id: int | None = args.round
    if platform not in PLATFORMS:
        raise BadInput(f"unknown platform {platform!r} (slack or discord)")
    if not workspace.strip():
        raise BadInput("--workspace: a workspace or server id is needed")
    if round_id is not None and round_id < 1:
        raise BadInput(f"--round: {round_id} is not a round id (1 or more)")
    where = f"{platform} workspace {workspace!r}"
    if round_id is not None and round_id > MAX_ROUND_ID:  # no database can hold it
        raise BadInput(f"no round {round_id} in {where}")
    schema, weights = load_schema(), default_weights()  # broken prompts fail before any I/O
    url = load_settings().database_url
    exports = asyncio.run(_gather(url, platform, workspace, round_id))
    if not exports:
        if round_id is not None:
            raise BadInput(f"no round {round_id} in {where}")
        raise BadInput(f"no round in {where}")
    data = (to_csv if args.format == "csv" else to_json)(exports, schema, weights)
    _write(args.output, data)
    return 0


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, usage=USAGE, description=DESCRIPTION)
    parser.add_argument("--platform", required=True, help="slack or discord")
    parser.add_argument(
        "--workspace", required=True, metavar="ID", help="Slack team id or Discord server id"
    )
    parser.add_argument(
        "--round", type=int, metavar="ID", help="one round (default: every round, newest first)"
    )
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--output", metavar="FILE", help="default: standard output")
    return parser


async def _gather(
    url: str, platform: str, workspace: str, round_id: int | None
) -> list[RoundExport]:
    from bot.storage import open_store, sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        # Do not create an empty database just to find nothing in it.
        raise BadInput(f"no database at {path} (DATABASE_URL), so no round to export")
    store = await open_store(url)
    try:
        return await gather(store.rounds, platform, workspace, round_id)
    finally:
        await store.close()


def _write(output: str | None, data: bytes) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise BadInput(f"--output: cannot write {output}: {exc.strerror or exc}") from exc

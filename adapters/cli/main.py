"""The ``ecoute`` command. Platform libraries are imported only by the subcommand that needs them,
so ``ecoute chat`` starts fast."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from adapters.cli.logs import configure_logging
from bot.catalog import CatalogError
from bot.errors import ConfigError
from bot.schema import SchemaError
from bot.settings import load_settings, redact_url
from bot.store import StoreUnavailable

UNREACHABLE = 1
RUN_DESCRIPTION = (
    "Start écoute: Slack and/or Discord when their tokens are set (SLACK_*, DISCORD_TOKEN), "
    "otherwise the terminal chat."
)

USAGE = """\
usage: ecoute <command> [options]

commands:
  run                    start écoute: Slack and/or Discord when their tokens are set,
                         otherwise the terminal chat
  chat [--lang fr|en]    the interview in this terminal (resumes where you stopped)
  diagnose --answers FILE [--evidence FILE] [--lang fr|en] [--format json|text]
                         print the verdict for a JSON file of answers
  export --platform slack|discord --workspace ID [--round ID] --format csv|json [--output FILE]
                         a workspace's team rounds, answers and verdicts, as CSV or JSON
  prompts check          check the questions and texts in prompts/
  db upgrade | current   bring the database schema up to date / show its revision
  slack [...]            run the Slack app (`ecoute slack --help`)
  discord [...]          run the Discord bot (`ecoute discord --help`)
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ecoute`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    command, rest = args[0], args[1:]
    handlers: dict[str, Callable[[list[str]], int]] = {
        "run": _run,
        "chat": _chat,
        "diagnose": _diagnose,
        "export": _export,
        "prompts": _prompts,
        "db": _db,
        "slack": _slack,
        "discord": _discord,
    }
    handler = handlers.get(command)
    if handler is None:
        print(f"ecoute: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
        return 2
    try:
        return handler(rest)
    except (ConfigError, SchemaError, CatalogError) as exc:
        print(f"ecoute: cannot start:\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ecoute run", description=RUN_DESCRIPTION)
    try:
        parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else 2
    settings = load_settings()
    if not (settings.slack_configured or settings.discord_configured):
        return _chat([])
    configure_logging(settings)
    from adapters.cli.run import run_platforms

    try:
        asyncio.run(run_platforms(settings))
    except StoreUnavailable as exc:
        reason = " ".join(str(exc).split())
        where = redact_url(settings.database_url)
        print(
            f"ecoute run: cannot reach the database ({reason}): check DATABASE_URL ({where})",
            file=sys.stderr,
        )
        return UNREACHABLE
    return 0


def _chat(argv: list[str]) -> int:
    from adapters.console.chat import main as chat_main

    return chat_main(argv)


def _diagnose(argv: list[str]) -> int:
    from adapters.cli.diagnose import main as diagnose_main

    return diagnose_main(argv)


def _export(argv: list[str]) -> int:
    from adapters.cli.export import main as export_main

    return export_main(argv)


def _prompts(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ecoute prompts")
    parser.add_argument("action", choices=["check"])
    parser.parse_args(argv)
    from bot.prompts_check import all_problems

    problems = all_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in prompts/", file=sys.stderr)
        return 1
    print("prompts/: all questions and texts are consistent")
    return 0


def _db(argv: list[str]) -> int:
    from adapters.cli.db import main as db_main

    return db_main(argv)


def _slack(argv: list[str]) -> int:
    from adapters.slack.cli import main as slack_main

    return slack_main(argv)


def _discord(argv: list[str]) -> int:
    from adapters.discord.cli import main as discord_main

    return discord_main(argv)


if __name__ == "__main__":
    sys.exit(main())

"""``ecoute chat``: the interview in a terminal, or scripted through a pipe.

Every answer is stored before the next question is shown, so stopping the chat at any moment
(Ctrl-C, a killed process, the end of piped input) and starting it again resumes at the same
question with every earlier answer kept.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import locale
import os
import sys
from typing import TextIO

from adapters.console.escape import terminal_escape
from adapters.console.layout import layout_reply
from bot.bootstrap import Core, open_core
from bot.chat import Failure, command_words, guarded
from bot.events import (
    Answer,
    Back,
    Confirm,
    ConversationKey,
    Edit,
    Event,
    Help,
    Restart,
    SetLanguage,
    Start,
)
from bot.schema import Kind
from bot.settings import load_settings
from bot.views import QuestionView, Reply, ReviewView

QUIT = "quit"


def parse_line(line: str, reply: Reply, words: dict[str, str]) -> Event | str:
    """The event a typed line means in the context of the current reply (or ``QUIT``)."""
    text = line.strip()
    head, _, arg = text.partition(" ")
    command = words.get(head.casefold())
    if command == "lang" and arg.strip():
        return SetLanguage(arg.strip().lower())
    simple: dict[str, Event | str] = {
        "back": Back(),
        "restart": Restart(),
        "help": Help(),
        "quit": QUIT,
    }
    if command in simple and not arg:
        return simple[command]
    view = reply.view
    if isinstance(view, ReviewView):
        if not text or command == "confirm":
            return Confirm()
        if text.isdigit() and 1 <= int(text) <= len(view.items):
            return Edit(view.items[int(text) - 1].question_id)
        return Start()
    if not isinstance(view, QuestionView):
        return Start()
    return Answer(_choice_value(text, view, command), view.question_id)


def _choice_value(text: str, view: QuestionView, command: str | None) -> str | tuple[str, ...]:
    """Numbers -> choice ids where they all fit; anything else goes to the core as typed."""
    ids = [c.id for c in view.choices]
    if view.kind is Kind.MANY:
        if command == "none" or text == "0":
            return ()
        parts = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
        if parts and all(p.isdigit() and 1 <= int(p) <= len(ids) for p in parts):
            return tuple(ids[int(p) - 1] for p in parts)
        return text
    if view.kind is Kind.ONE and text.isdigit() and 1 <= int(text) <= len(ids):
        return ids[int(text) - 1]
    return text


async def converse(core: Core, key: ConversationKey, stdin: TextIO, stdout: TextIO) -> None:
    """Run the chat until ``quit`` or the end of input."""
    service = core.service(terminal_escape)
    catalog = core.catalog
    words = command_words(catalog)
    echo = not stdin.isatty()
    reply = await service.current(key, locale=_locale(core))
    if reply.version <= 1 and not reply.notices:
        stdout.write(catalog.text(reply.lang, "interview.welcome") + "\n\n")
    while True:
        stdout.write(layout_reply(reply, catalog) + "\n> ")
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if echo:
            stdout.write(line if line.endswith("\n") else line + "\n")
        event = parse_line(line, reply, words) if line else QUIT
        if isinstance(event, str):  # QUIT, or the end of input
            stdout.write("\n" + catalog.text(reply.lang, "console.bye") + "\n")
            return
        turn = await guarded(service, reply.lang, service.handle(key, event), who=key)
        if isinstance(turn, Failure):
            stdout.write("! " + turn.text + "\n")
        else:
            reply = turn
        stdout.write("\n")


def _locale(core: Core) -> str:
    """The terminal's language, as a locale tag (``fr_FR.UTF-8`` -> ``fr_FR``)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(".")[0]
    return locale.getlocale()[0] or core.catalog.default_lang


async def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    core = await open_core(settings)
    try:
        key = ConversationKey("console", "local", args.user)
        if args.lang:
            await core.service(terminal_escape).handle(
                key, SetLanguage(args.lang), locale=args.lang
            )
        await converse(core, key, sys.stdin, sys.stdout)
    finally:
        await core.close()
    return 0


def main(argv: list[str]) -> int:
    """``ecoute chat [--lang fr|en] [--user NAME]``."""
    parser = argparse.ArgumentParser(prog="ecoute chat", description="The interview, here.")
    parser.add_argument("--lang", help="answer in this language (fr, en)")
    parser.add_argument("--user", default=_default_user(), help="whose conversation to resume")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return 130


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"

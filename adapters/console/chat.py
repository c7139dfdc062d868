"""``ecoute chat``: the interview in a terminal, or scripted through a pipe.

Every answer is stored before the next question is shown, so stopping the chat at any moment
(Ctrl-C, a killed process, the end of piped input) and starting it again resumes at the same
question with every earlier answer kept. Lines are read off standard input's file descriptor
by a daemon thread (:class:`Lines`), so Ctrl-C stops the chat at once, not at the next Enter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import getpass
import locale
import os
import sys
import threading
from collections.abc import Mapping
from typing import BinaryIO, TextIO

from adapters.console.escape import terminal_escape
from adapters.console.layout import layout_reply
from bot.bootstrap import Core, open_core
from bot.catalog import load_catalog
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
from bot.settings import load_settings, prompt_languages, redact_url
from bot.store import StoreUnavailable
from bot.views import QuestionView, Reply, ReviewView

QUIT = "quit"
UNREACHABLE = 1


@dataclasses.dataclass(frozen=True, slots=True)
class Hint:
    """What the terminal says by itself (``console.<key>``) before asking again: the line
    meant nothing here, and nothing goes to the core. Texts also get ``available``, the
    languages."""

    key: str
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)


def parse_line(line: str, reply: Reply, words: dict[str, str]) -> Event | Hint | str:
    """The event a typed line means in the context of the current reply, a :class:`Hint`,
    or ``QUIT``."""
    text = line.strip()
    head, _, arg = text.partition(" ")
    command = words.get(head.casefold())
    if command == "lang":
        return SetLanguage(arg.strip().lower()) if arg.strip() else Hint("lang_usage")
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
        return Hint("review_invalid", {"count": len(view.items)})
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


class Lines:
    """The lines of a file descriptor, each read by a daemon thread: awaiting one can be
    cancelled at once (Ctrl-C), and the thread left blocked holds no lock the exit needs."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pending = b""
        self._ended = False

    async def next(self) -> bytes:
        """The next line with its newline (the last may lack it); ``b""`` at the end."""
        while b"\n" not in self._pending and not self._ended:
            chunk = await _read_in_daemon_thread(self._fd)
            self._ended = not chunk
            self._pending += chunk
        line, newline, self._pending = self._pending.partition(b"\n")
        return line + newline


async def _read_in_daemon_thread(fd: int) -> bytes:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()

    def settle(chunk: bytes | OSError) -> None:
        if done.done():  # cancelled
            return
        if isinstance(chunk, OSError):
            done.set_exception(chunk)
        else:
            done.set_result(chunk)

    def work() -> None:
        try:
            chunk: bytes | OSError = os.read(fd, 65_536)
        except OSError as exc:
            chunk = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(settle, chunk)

    threading.Thread(target=work, name="ecoute-stdin", daemon=True).start()
    return await done


async def converse(
    core: Core, key: ConversationKey, stdin: BinaryIO, stdout: TextIO, encoding: str = "utf-8"
) -> None:
    """Run the chat until ``quit``, the end of input or a cancellation (Ctrl-C); a line that
    is not ``encoding`` text is refused, and the same question asked again."""
    service = core.service(terminal_escape)
    catalog = core.catalog
    words = command_words(catalog)
    echo = not stdin.isatty()
    lines = Lines(stdin.fileno())
    reply = await service.current(key, locale=_locale(catalog.default_lang))
    if reply.version <= 1 and not reply.notices:
        stdout.write(catalog.text(reply.lang, "interview.welcome") + "\n\n")
    while True:
        stdout.write(layout_reply(reply, catalog) + "\n> ")
        stdout.flush()
        try:
            raw = await lines.next()
        except asyncio.CancelledError:  # Ctrl-C while waiting for a line
            stdout.write("\n" + catalog.text(reply.lang, "console.bye") + "\n")
            stdout.flush()
            raise
        if echo:
            shown = raw.decode(encoding, "replace")
            stdout.write(shown if shown.endswith("\n") else shown + "\n")
        try:
            event = parse_line(raw.decode(encoding), reply, words) if raw else QUIT
        except UnicodeDecodeError:
            event = Hint("unreadable", {"encoding": encoding})
        if isinstance(event, str):  # QUIT, or the end of input
            stdout.write("\n" + catalog.text(reply.lang, "console.bye") + "\n")
            return
        if isinstance(event, Hint):  # then the same view again, without what came with it
            available = ", ".join(catalog.languages)
            text = catalog.text(
                reply.lang, f"console.{event.key}", available=available, **event.values
            )
            stdout.write(f"! {text}\n\n")
            reply = dataclasses.replace(reply, notices=(), recorded=None)
            continue
        turn = await guarded(service, reply.lang, service.handle(key, event), who=key)
        if isinstance(turn, Failure):
            stdout.write("! " + turn.text + "\n")
        else:
            reply = turn
        stdout.write("\n")


def _locale(default: str) -> str:
    """The terminal's language, as a locale tag (``fr_FR.UTF-8`` -> ``fr_FR``)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(".")[0]
    return locale.getlocale()[0] or default


async def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        core = await open_core(settings)
    except StoreUnavailable as exc:
        catalog = load_catalog(default_lang=settings.default_lang)
        lang = args.lang or catalog.pick(_locale(settings.default_lang))
        reason = " ".join(str(exc).split())
        text = catalog.text(
            lang, "console.unavailable", reason=reason, url=redact_url(settings.database_url)
        )
        print(text, file=sys.stderr)
        return UNREACHABLE
    try:
        key = ConversationKey("console", "local", args.user)
        if args.lang:
            await core.service(terminal_escape).handle(
                key, SetLanguage(args.lang), locale=args.lang
            )
        await converse(core, key, sys.stdin.buffer, sys.stdout, sys.stdin.encoding or "utf-8")
    finally:
        await core.close()
    return 0


def main(argv: list[str]) -> int:
    """``ecoute chat [--lang fr|en] [--user NAME]``; the exit status (0, 1 when the database
    cannot be opened, 2 for a usage error, 130 when stopped by Ctrl-C)."""
    parser = argparse.ArgumentParser(prog="ecoute chat", description="The interview, here.")
    languages = prompt_languages()
    parser.add_argument(
        "--lang", choices=languages, help=f"answer in this language ({', '.join(languages)})"
    )
    parser.add_argument("--user", default=_default_user(), help="whose conversation to resume")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        return 130


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"

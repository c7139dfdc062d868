"""What every chat surface shares: its command words, the Forget command, the turn guard.

The Slack slash command, the terminal chat and Discord's commands all name the same commands;
their words come from ``prompts/<lang>/chat.toml`` (every language's words work everywhere).
:func:`guarded` runs a turn (or a forget) and turns a database that is away or an unexpected
error into what the user is told, in their language, so no surface shows a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.catalog import Catalog
from bot.service import ConversationService
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

COMMANDS = (
    *("start", "resume", "restart", "lang", "forget", "help", "team", "export", "poll", "remind"),
    *("back", "confirm", "none", "quit"),
)
"""Every command a surface may offer (each surface uses those it needs)."""


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete everything stored about the user (not a step of the interview)."""


def command_words(catalog: Catalog) -> dict[str, str]:
    """Every language's command word -> the command it means (``retour`` -> ``back``)."""
    words: dict[str, str] = {}
    for lang in catalog.languages:
        for command in COMMANDS:
            for word in catalog.text(lang, f"chat.words.{command}").split():
                words[word.casefold()] = command
    return words


@dataclass(frozen=True, slots=True)
class Failure:
    """A turn that did not happen, and what to tell the user about it."""

    text: str
    unavailable: bool
    """The database was away (try again) rather than an unexpected error (logged)."""


def failure(service: ConversationService, lang: str, exc: BaseException, who: object) -> Failure:
    """What to tell the user about ``exc`` (logged here): a database that is away
    (:class:`StoreUnavailable`, or a deadline passed) or an unexpected error."""
    if isinstance(exc, StoreUnavailable | TimeoutError):
        log.warning("turn not stored for %s: %s", who, exc)
        return Failure(service.unavailable_text(lang), unavailable=True)
    log.error("turn failed for %s", who, exc_info=exc)
    return Failure(service.text(lang, "chat.error"), unavailable=False)


async def guarded(
    service: ConversationService,
    lang: str | Callable[[], Awaitable[str]],
    work: Awaitable[T],
    *,
    who: object = "",
) -> T | Failure:
    """``work``'s result, or the :class:`Failure` to show in ``lang`` (or the language that
    coroutine function finds, asked only then) when it raised."""
    try:
        return await work
    except Exception as exc:
        said = lang if isinstance(lang, str) else await lang()
        return failure(service, said, exc, who)

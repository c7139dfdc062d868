"""Gateway events Discord sends malformed are logged in one line and dropped.

discord.py parses each gateway dispatch in the websocket's read loop: a parser that meets a
missing key or a wrong type (an INTERACTION_CREATE without ``token``, a component interaction
without ``data``, a ``member`` without ``user``, …) raises there, and the exception ends
``client.start()`` — and with it the whole process. :func:`guard_parsers` wraps every parser
so that nothing a platform sends can do that; the rest of the client is untouched.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

Parser = Callable[[Any], None]

MALFORMED = (LookupError, TypeError, ValueError, AttributeError)
"""What a parser raises on a payload that lacks a field or has one of the wrong type."""


def guard_parsers(parsers: MutableMapping[str, Parser]) -> None:
    """Wrap, in place, each of a connection state's parsers (``ConnectionState.parsers``,
    the mapping the gateway reads) so a malformed payload is logged and dropped."""
    for event, parser in list(parsers.items()):
        if not getattr(parser, "_ecoute_guarded", False):
            parsers[event] = _guarded(event, parser)


def _guarded(event: str, parser: Parser) -> Parser:
    @functools.wraps(parser)
    def parse(data: Any) -> None:
        try:
            parser(data)
        except MALFORMED as exc:
            log.warning(
                "dropped a malformed %s from Discord (id %s): %s at %s",
                event,
                _id_of(data),
                _describe(exc, data),
                _where(exc),
            )

    parse._ecoute_guarded = True  # type: ignore[attr-defined]
    return parse


def _id_of(data: Any) -> str:
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, str | int) else "unknown"


def _describe(exc: Exception, data: Any) -> str:
    """``KeyError: 'token'``, with the interaction's token (a credential) never shown."""
    text = f"{type(exc).__name__}: {exc}"
    token = data.get("token") if isinstance(data, dict) else None
    if isinstance(token, str) and token:
        text = text.replace(token, "***")
    return text.replace("\n", " ")[:300]


def _where(exc: Exception) -> str:
    """Where the parser gave up (``discord/state.py:820``): enough to find it, in one line."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown"
    last = frames[-1]
    path = "/".join(last.filename.replace("\\", "/").split("/")[-2:])
    return f"{path}:{last.lineno}"

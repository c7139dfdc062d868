"""Gateway events and frames Discord sends malformed are logged in one line and dropped.

discord.py parses each gateway dispatch in the websocket's read loop: a parser that meets a
missing key or a wrong type (an INTERACTION_CREATE without ``token``, a component interaction
without ``data``, a ``member`` without ``user``, …) raises there, and the exception ends
``client.start()`` — and with it the whole process. :func:`guard_parsers` wraps every parser
so that nothing a platform sends can do that; the rest of the client is untouched.

The frame around the event is read before any parser, in
``DiscordWebSocket.received_message``: a frame that is not JSON, a JSON array or number, a
HELLO without ``heartbeat_interval``, a READY without ``session_id`` raise there, end the
connection and make the client log in again (a new session: the clicks meanwhile are lost).
:func:`guard_frames` has each gateway connection the client opens drop such a frame instead,
with one warning, and keep its session.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

log = logging.getLogger(__name__)

Parser = Callable[[Any], None]
Receiver = Callable[[Any], Awaitable[None]]

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


def guard_frames(state: Any) -> None:
    """Have every gateway connection of the client whose connection state is ``state``
    (``client._connection``) drop a malformed frame rather than end (see the module
    docstring).

    discord.py opens each connection (every shard's, every reconnection's) in
    ``DiscordWebSocket.from_client``, which hands it to ``state._update_references`` before
    it reads the first frame: that is where the connection's ``received_message`` is
    wrapped — on that connection only, as discord.py itself swaps ``send`` for
    ``debug_send``. No class of the library is changed."""
    update = state._update_references
    if getattr(update, "_ecoute_guarded", False):
        return

    @functools.wraps(update)
    def hand_over(ws: Any) -> None:
        update(ws)
        ws.received_message = _guarded_frames(ws.received_message, ws)

    hand_over._ecoute_guarded = True  # type: ignore[attr-defined]
    state._update_references = hand_over


def _guarded_frames(received: Receiver, ws: Any) -> Receiver:
    @functools.wraps(received)
    async def receive(msg: Any, /) -> None:
        try:
            await received(msg)
        except MALFORMED as exc:  # a JSON error is a ValueError
            shard = getattr(ws, "shard_id", None)
            log.warning(
                "dropped a malformed gateway frame from Discord%s: %s at %s",
                "" if shard is None else f" (shard {shard})",
                _describe(exc, None),
                _where(exc),
            )

    return receive


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

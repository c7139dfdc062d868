"""A fake Discord gateway that can drop the bot's connection and lets it RESUME, as Discord does.

On top of ``tests/discord``'s gateway: every dispatch is kept with its sequence number; a
dispatch sent while no bot is connected waits (Discord queues it for the session); RESUME
(op 6) is answered by replaying what the bot missed then ``RESUMED`` — or, when
``refuse_resume`` is set, by INVALID_SESSION (op 9, not resumable), after which the bot must
IDENTIFY again (a new session: what the old one missed is lost, as on Discord).
:meth:`ResumableGateway.send_raw` sends a frame as is, malformed or not.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.fake_gateway import HEARTBEAT, HEARTBEAT_ACK, HELLO, IDENTIFY, Gateway

RESUME, INVALID_SESSION = 6, 9


class ResumableGateway(Gateway):
    """See the module docstring; ``resumes`` holds each RESUME payload the bot sent."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.sent: list[tuple[int, str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.refuse_resume = False
        self.drops = 0

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == HEARTBEAT:
                    await ws.send_json({"op": HEARTBEAT_ACK})
                elif op == IDENTIFY:
                    self.identify_payloads.append(frame["d"])
                    self.sockets.append(ws)
                    # a new session: what the old one missed is lost
                    await self._ready(ws, frame["d"])
                elif op == RESUME:
                    await self._resume(ws, frame["d"])
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            await self._notify()
        return ws

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        if self.refuse_resume:
            await ws.send_json({"op": INVALID_SESSION, "d": False})
            return
        self.sockets.append(ws)
        await self._flush(ws, int(data.get("seq") or 0))
        self._seq += 1
        await ws.send_json({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}})
        await self._notify()

    async def _flush(self, ws: web.WebSocketResponse, after: int) -> None:
        """Send the dispatches after sequence ``after`` that no connection received."""
        for seq, event, data in self.sent:
            if seq > after and event not in ("READY", "GUILD_CREATE"):
                await ws.send_json({"op": 0, "t": event, "s": seq, "d": data})

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._seq += 1
        self.sent.append((self._seq, event, data))
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def dispatch(self, event: str, data: Any) -> None:
        """Send to the connected bot, or keep it for the bot's RESUME."""
        if self.sockets:
            await self._send(self.sockets[-1], event, data)
        else:
            self._seq += 1
            self.sent.append((self._seq, event, data))

    async def send_raw(self, text: str) -> None:
        """A text frame exactly as given (a malformed one too) on the bot's connection."""
        assert self.sockets, "no bot connected to the fake gateway"
        await self.sockets[-1].send_str(text)

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's connection the way Discord does when something went wrong."""
        self.drops += 1
        for ws in list(self.sockets):
            self.sockets.remove(ws)
            await ws.close(code=code, message=b"fault injected")

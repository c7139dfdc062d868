"""The fake Discord's gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, dispatch."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord import wire

HELLO, HEARTBEAT, IDENTIFY, HEARTBEAT_ACK = 10, 1, 2, 11


class Gateway:
    """One websocket endpoint; events go to the most recent connection (the running bot)."""

    def __init__(self, notify: Callable[[], Awaitable[None]], url: Callable[[], str]) -> None:
        self.sockets: list[web.WebSocketResponse] = []
        self.identified = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self._seq = 0
        self._notify = notify
        self._url = url

    @property
    def sequence(self) -> int:
        """The sequence number of the last dispatch sent."""
        return self._seq

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                if frame.get("op") == HEARTBEAT:
                    await ws.send_json({"op": HEARTBEAT_ACK})
                elif frame.get("op") == IDENTIFY:
                    self.identify_payloads.append(frame["d"])
                    await self._ready(ws, frame["d"])
        finally:
            self.sockets.remove(ws)
            await self._notify()
        return ws

    async def _ready(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        ready: dict[str, Any] = {
            "v": 10,
            "user": wire.BOT_USER,
            "guilds": [{"id": str(wire.GUILD_ID), "unavailable": True}],
            "session_id": f"session{wire.snowflake()}",
            "resume_gateway_url": self._url(),
            "application": {"id": str(wire.APP_ID), "flags": 0},
        }
        if "shard" in identify:  # a sharded bot: READY says which shard this session is
            ready["shard"] = identify["shard"]
        await self._send(ws, "READY", ready)
        await self._send(ws, "GUILD_CREATE", wire.guild())
        self.identified += 1
        await self._notify()

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an event (op 0) to the connected bot."""
        assert self.sockets, "no bot connected to the fake gateway"
        await self._send(self.sockets[-1], event, data)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()

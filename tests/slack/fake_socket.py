"""The server side of Slack's Socket Mode, for the fake: ``hello``, envelopes, and the acks."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Envelope:
    envelope_id: str
    acked: asyncio.Event = field(default_factory=asyncio.Event)
    payload: Any = None


class FakeSocket:
    """Accepts the app's websocket, pushes envelopes to it and records each ack as a call."""

    def __init__(self, record: Callable[[Call], Awaitable[None]]) -> None:
        self.record = record
        self.envelopes: dict[str, Envelope] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._ready = asyncio.Event()
        self._ids = itertools.count(1)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
        await ws.send_json(hello)
        self._ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                envelope = self.envelopes.get(str(data.get("envelope_id")))
                if envelope is not None:
                    envelope.payload = data.get("payload")
                    envelope.acked.set()
                    await self.record(Call("socket_ack", data, None))
        self._sockets.remove(ws)
        return ws

    async def send(self, kind: str, payload: dict[str, Any], retry: int = 0) -> Envelope:
        await asyncio.wait_for(self._ready.wait(), 10)
        envelope = Envelope(f"env-{next(self._ids)}")
        self.envelopes[envelope.envelope_id] = envelope
        data = {
            "envelope_id": envelope.envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry,
            "retry_reason": "timeout" if retry else "",
        }
        await self._sockets[-1].send_json(data)
        return envelope

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

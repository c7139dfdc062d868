"""A fake Discord for tests: REST and gateway on 127.0.0.1, recording every request.

It behaves as Discord does where the adapter depends on it: an interaction takes exactly one
first response, within 3 s (later or twice: 10062 / 40060); UPDATE_MESSAGE edits the message
the component is on; ``@original`` is the response message (or the component's message);
followups create messages. Tests act as users: they can only click components that are in
a stored message, and submit modals the bot opened.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.discord import wire
from tests.discord.fake_gateway import Gateway
from tests.discord.records import Interaction, Request

RESPONSE_WINDOW = 3.0
EPHEMERAL = 64


class FakeDiscord:
    """Start with ``await fake.start()``; point discord.py at ``api_url`` / ``gateway_url``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}  # by token
        self.command_syncs: list[tuple[str, list[dict[str, Any]]]] = []
        self.refuse_token = False
        self.shards = 1
        """The shard count ``GET /gateway/bot`` recommends."""
        self._changed = asyncio.Condition()
        self.gateway = Gateway(self._notify, lambda: self.gateway_url)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.serve)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    @property
    def sockets(self) -> list[web.WebSocketResponse]:
        """The bot's open gateway connections."""
        return self.gateway.sockets

    @property
    def identified(self) -> int:
        """How many times a bot identified on the gateway."""
        return self.gateway.identified

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``predicate()`` holds, re-checked after every request the fake gets."""
        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def send_interaction(self, payload: dict[str, Any]) -> Interaction:
        """Deliver INTERACTION_CREATE to the connected bot; returns its record at once."""
        record = Interaction(payload, time.monotonic())
        self.interactions[payload["token"]] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    # -- REST ----------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        body: Any = None
        if request.can_read_body:
            body = await request.json()
        path = "/" + request.match_info["tail"]
        self.requests.append(
            Request(request.method, path, dict(request.query), body, time.monotonic())
        )
        try:
            return await self._route(request.method, path.strip("/").split("/"), body)
        finally:
            await self._notify()

    async def _route(self, method: str, parts: list[str], body: Any) -> web.Response:
        match method, parts:
            case "GET", ["users", "@me"]:
                if self.refuse_token:
                    return _json({"message": "401: Unauthorized", "code": 0}, status=401)
                return _json(wire.BOT_USER)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(wire.application())
            case "GET", ["gateway", "bot"]:  # only AutoShardedClient asks
                return _json(wire.bot_gateway(self.gateway_url, self.shards))
            case "PUT", ["applications", _, "commands"]:
                return self._sync("global", body)
            case "PUT", ["applications", _, "guilds", guild, "commands"]:
                return self._sync(f"guild:{guild}", body)
            case "POST", ["interactions", _, token, "callback"]:
                return self._callback(token, body)
            case "PATCH", ["webhooks", _, token, "messages", "@original"]:
                return self._edit_original(token, body)
            case "GET", ["webhooks", _, token, "messages", "@original"]:
                record = self.interactions[token]
                assert record.original is not None
                return _json(self.messages[record.original])
            case "POST", ["webhooks", _, token]:
                return self._followup(token, body)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _sync(self, scope: str, body: list[dict[str, Any]]) -> web.Response:
        self.command_syncs.append((scope, copy.deepcopy(body)))
        created = [
            {
                **c,
                "id": str(wire.COMMAND_ID + i),
                "application_id": str(wire.APP_ID),
                "version": "1",
            }
            for i, c in enumerate(body)
        ]
        return _json(created)

    def _callback(self, token: str, body: dict[str, Any]) -> web.Response:
        record = self.interactions.get(token)
        if record is None or time.monotonic() - record.sent_at > RESPONSE_WINDOW:
            if record is not None:
                record.refused.append(10062)
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if record.responses:
            record.refused.append(40060)
            error = {"message": "Interaction has already been acknowledged.", "code": 40060}
            return _json(error, status=400)
        kind, data = int(body["type"]), body.get("data") or {}
        record.responses.append((kind, data, time.monotonic()))
        clicked = record.payload.get("message")
        resource: dict[str, Any] = {"type": kind}
        if kind == 4 or kind == 5:
            message_id = wire.snowflake()
            flags = 128 if kind == 5 else 0  # LOADING
            self.messages[message_id] = wire.message(
                message_id, {} if kind == 5 else data, flags=flags
            )
            if kind == 5:
                self.messages[message_id]["flags"] |= int(data.get("flags") or 0)
            record.original = message_id
            resource["message"] = self.messages[message_id]
        elif kind in (6, 7):
            assert clicked is not None, "UPDATE_MESSAGE for an interaction without a message"
            record.original = int(clicked["id"])
            if kind == 7:
                self._apply(record.original, data)
                resource["message"] = self.messages[record.original]
        elif kind == 9:
            record.modal = data
        original = self.messages.get(record.original or 0, {})
        answer = {
            "interaction": {
                "id": str(record.id),
                "type": record.payload["type"],
                "response_message_id": str(record.original) if record.original else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(original.get("flags", 0)) & EPHEMERAL),
            },
            "resource": resource,
        }
        return _json(answer)

    def _apply(self, message_id: int, data: dict[str, Any]) -> None:
        stored = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in data:
                stored[key] = (
                    data[key] if data[key] is not None else ([] if key != "content" else "")
                )
        stored["flags"] = int(stored.get("flags", 0)) & ~128

    def _edit_original(self, token: str, body: dict[str, Any]) -> web.Response:
        record = self.interactions[token]
        assert record.original is not None, "edit of @original before any response"
        self._apply(record.original, body)
        record.edits += 1
        return _json(self.messages[record.original])

    def _followup(self, token: str, body: dict[str, Any]) -> web.Response:
        record = self.interactions[token]
        assert record.responses, "followup before the first response"
        message_id = wire.snowflake()
        self.messages[message_id] = wire.message(message_id, body)
        record.followups.append(message_id)
        return _json(self.messages[message_id])


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON with the exact Content-Type discord.py expects (no "; charset=utf-8")."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )

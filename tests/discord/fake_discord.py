"""A fake Discord for tests: REST and gateway on 127.0.0.1, recording every request.

It behaves as Discord does where the adapter depends on it: an interaction takes exactly one
first response, within 3 s (later or twice: 10062 / 40060); UPDATE_MESSAGE edits the message
the component is on; ``@original`` is the response message (or the component's message);
followups create messages. Tests act as users: they can only click components that are in
a stored message, and submit modals the bot opened.

The bot's own messages (REST, outside interactions) work too: ``POST`` and ``PATCH`` on
``/channels/{id}/messages``, direct-message channels (``POST /users/@me/channels``), files
sent as multipart (kept in :attr:`FakeDiscord.uploads`). A channel in
:attr:`~FakeDiscord.forbidden_channels`, or the DM of a user in
:attr:`~FakeDiscord.closed_dms`, answers 403 as Discord does.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import BodyPartReader, web

from tests.discord import wire
from tests.discord.fake_gateway import Gateway
from tests.discord.records import Interaction, Request, Upload

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
        self.forbidden_channels: set[int] = set()
        """Channels where the bot may not post (403 Missing Access)."""
        self.closed_dms: set[int] = set()
        """Users who take no direct messages from the bot (403 on sending)."""
        self.dm_channels: dict[int, int] = {}
        """DM channel id -> its user."""
        self.posted: list[int] = []
        """The messages the bot posted over REST (not as interaction responses), in order."""
        self.uploads: dict[int, list[Upload]] = {}
        """Message id -> the files it was sent (or edited) with."""
        self.shards = 1
        """The shard count ``GET /gateway/bot`` recommends."""
        self._changed = asyncio.Condition()
        self.gateway = Gateway(self._notify, lambda: self.gateway_url)
        self._runner: web.AppRunner | None = None
        self._files: list[Upload] = []
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
        files: list[Upload] = []
        if request.content_type.startswith("multipart/"):
            body, files = await _multipart(request)
        elif request.can_read_body:
            body = await request.json()
        path = "/" + request.match_info["tail"]
        self.requests.append(
            Request(request.method, path, dict(request.query), body, time.monotonic(), files)
        )
        self._files = files
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
            case "POST", ["users", "@me", "channels"]:
                return self._open_dm(body)
            case "POST", ["channels", channel, "messages"]:
                return self._post(int(channel), body)
            case "PATCH", ["channels", channel, "messages", message]:
                return self._edit(int(channel), int(message), body)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """The messages the bot posted in a channel (over REST), oldest first."""
        found = (self.messages[m] for m in self.posted)
        return [m for m in found if m["channel_id"] == str(channel_id)]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent a user in their DM."""
        channels = [c for c, user in self.dm_channels.items() if user == user_id]
        return [m for c in channels for m in self.channel_messages(c)]

    def edits_of(self, message_id: int) -> list[dict[str, Any]]:
        """Every REST edit of a message, in order (the bodies sent)."""
        path = f"/messages/{message_id}"
        return [
            r.body
            for r in self.requests
            if r.method == "PATCH" and r.path.startswith("/channels/") and r.path.endswith(path)
        ]

    def _open_dm(self, body: dict[str, Any]) -> web.Response:
        user_id = int(body["recipient_id"])
        channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), 0)
        if not channel_id:
            channel_id = wire.snowflake()
            self.dm_channels[channel_id] = user_id
        return _json(wire.dm_channel(channel_id, wire.user(user_id, f"user{user_id}")))

    def _refused(self, channel_id: int) -> web.Response | None:
        if channel_id in self.forbidden_channels:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        if self.dm_channels.get(channel_id) in self.closed_dms:
            error = {"message": "Cannot send messages to this user", "code": 50007}
            return _json(error, status=403)
        return None

    def _post(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        refused = self._refused(channel_id)
        if refused is not None:
            return refused
        message_id = wire.snowflake()
        self.messages[message_id] = wire.message(message_id, body, channel_id=channel_id)
        self.posted.append(message_id)
        self._attach(message_id)
        return _json(self.messages[message_id])

    def _edit(self, channel_id: int, message_id: int, body: dict[str, Any]) -> web.Response:
        refused = self._refused(channel_id)
        if refused is not None:
            return refused
        stored = self.messages.get(message_id)
        if stored is None or stored["channel_id"] != str(channel_id):
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        self._apply(message_id, body)
        return _json(stored)

    def _attach(self, message_id: int) -> None:
        """The files of the request being served become the message's attachments."""
        if not self._files:
            return
        self.uploads[message_id] = list(self._files)
        self.messages[message_id]["attachments"] = [
            {
                "id": str(wire.snowflake()),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"https://cdn.example/{message_id}/{f.filename}",
                "proxy_url": f"https://cdn.example/{message_id}/{f.filename}",
            }
            for f in self._files
        ]

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
            self._attach(message_id)
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
        self._attach(record.original)
        record.edits += 1
        return _json(self.messages[record.original])

    def _followup(self, token: str, body: dict[str, Any]) -> web.Response:
        record = self.interactions[token]
        assert record.responses, "followup before the first response"
        message_id = wire.snowflake()
        self.messages[message_id] = wire.message(message_id, body)
        self._attach(message_id)
        record.followups.append(message_id)
        return _json(self.messages[message_id])


async def _multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    """A multipart body: its ``payload_json`` and its files."""
    body: Any = None
    files: list[Upload] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        data = await part.read()
        if part.name == "payload_json":
            body = json.loads(data)
        else:
            files.append(Upload(part.filename or "", bytes(data)))
    return body, files


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON with the exact Content-Type discord.py expects (no "; charset=utf-8")."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )

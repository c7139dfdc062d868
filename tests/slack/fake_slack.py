"""A fake Slack on 127.0.0.1: the Web API, ``response_url`` hooks and a Socket Mode websocket.

It records every call, keeps the messages posted in each channel (so ``conversations.history``
and the tests see what a user would see), checks every Block Kit payload with slack_sdk's
models and the 50-block limit, and can be told to fail (429 with ``Retry-After``, 5xx, slow
answers, refused DMs or channels).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from tests.slack.blockkit import payload_problems
from tests.slack.fake_socket import Call, Envelope, FakeSocket

__all__ = ["Call", "Envelope", "Failure", "FakeSlack", "Upload", "Workspace"]

T = TypeVar("T")


@dataclass
class Failure:
    status: int = 500
    error: str = "internal_error"
    retry_after: int | None = None
    delay: float = 0.0


@dataclass
class Upload:
    """A file sent through ``files_upload_v2``."""

    id: str
    filename: str
    length: int
    alt_txt: str | None
    content: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None

    @property
    def shared(self) -> bool:
        return self.channel is not None


@dataclass
class Workspace:
    team: str
    bot_user: str
    bot_id: str


class FakeSlack:
    """Start with :meth:`start`; ``api_url`` is what ``SLACK_API_URL`` points at."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.channel_failures: dict[tuple[str, str], list[Failure]] = {}
        self.locales: dict[str, str] = {}
        self.refused_dms: set[str] = set()
        self.closed_channels: set[str] = set()
        self.tokens: dict[str, Workspace] = {}
        self.oauth_grants: dict[str, dict[str, Any]] = {}
        self.admins: set[str] = set()
        self.uploads: dict[str, Upload] = {}
        """Files by id: asked for (``files.getUploadURLExternal``), sent, then shared."""
        self.socket = FakeSocket(self._record)
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/socket", self.socket.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        await self.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self) -> str:
        return f"{self.url}/response/{next(self._ids)}"

    def workspace(self, team: str, token: str) -> Workspace:
        ws = Workspace(team, f"UB{team[1:]}", f"BB{team[1:]}")
        self.tokens[token] = ws
        return ws

    def fail_in(self, method: str, channel: str, *failures: Failure) -> None:
        """The next calls to ``method`` about ``channel`` get these answers, in order (a burst
        that one call meets through all its retries, whatever other channels do meanwhile)."""
        self.channel_failures.setdefault((method, channel), []).extend(failures)

    def fail(self, method: str, *failures: Failure) -> None:
        """The next calls to ``method`` get these answers, in order."""
        self.failures.setdefault(method, []).extend(failures)

    # -- what tests read ---------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, check: Callable[[], T | None], within: float = 10.0) -> T:
        """Wait until ``check()`` returns something truthy (re-checked on every recorded call)."""

        async def until() -> T:
            async with self._changed:
                while True:
                    found = check()
                    if found:
                        return found
                    await self._changed.wait()

        try:
            return await asyncio.wait_for(until(), within)
        except TimeoutError:
            methods = [c.method for c in self.calls[-15:]]
            raise AssertionError(f"fake Slack: condition not met; last calls {methods}") from None

    def dm_of(self, user: str) -> str:
        return "D" + user[1:]

    def live(self, channel: str) -> dict[str, Any] | None:
        """The newest message in ``channel`` that still has something to click."""
        sent: list[dict[str, Any]] = self.messages.get(channel, [])
        for message in sent[::-1]:
            blocks: list[dict[str, Any]] = message.get("blocks") or []
            if any(b.get("type") == "actions" or "accessory" in b for b in blocks):
                return message
        return None

    # -- the Web API -------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for name in ("blocks", "view"):
            if isinstance(params.get(name), str):
                params[name] = json.loads(params[name])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or params.get("token")
        self._check(method, params)
        failures = self.channel_failures.get((method, str(params.get("channel"))))
        failures = failures or self.failures.get(method)
        failure = failures.pop(0) if failures else None
        if failure is not None:
            await asyncio.sleep(failure.delay)
            if failure.status != 200 or failure.error:
                await self._record(Call(method, params, token))
                headers = {}
                if failure.retry_after is not None:
                    headers["Retry-After"] = str(failure.retry_after)
                body = {"ok": False, "error": failure.error}
                return web.json_response(body, status=failure.status, headers=headers)
        body = self._answer(method, params, token)
        await self._record(Call(method, params, token))
        return web.json_response(body)

    def _answer(self, method: str, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        ws = self.tokens.get(token or "")
        if method == "apps.connections.open":
            host = self.url.removeprefix("http://")
            return {"ok": True, "url": f"ws://{host}/socket"}
        if method == "oauth.v2.access":
            grant = self.oauth_grants.get(str(p.get("code")))
            return grant if grant is not None else {"ok": False, "error": "invalid_code"}
        if ws is None:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Team",
                "user": "ecoute",
                "team_id": ws.team,
                "user_id": ws.bot_user,
                "bot_id": ws.bot_id,
                "is_enterprise_install": False,
            }
        if method == "users.info":
            user = str(p.get("user"))
            found = {"id": user, "locale": self.locales.get(user, "en-US")}
            return {"ok": True, "user": {**found, "is_admin": user in self.admins}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):06d}"
            self.uploads[file_id] = Upload(
                file_id, str(p.get("filename")), int(p.get("length", 0)), p.get("alt_txt")
            )
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            return self._complete_upload(p)
        if method == "conversations.open":
            user = str(p.get("users"))
            if user in self.refused_dms:
                return {"ok": False, "error": "cannot_dm_bot"}
            return {"ok": True, "channel": {"id": self.dm_of(user)}}
        if method == "conversations.history":
            newest = list(reversed(self.messages.get(str(p.get("channel")), [])))
            inclusive = str(p.get("inclusive", "")).lower() in ("1", "true")
            if "latest" in p:
                latest = str(p["latest"])
                newest = [
                    m for m in newest if m["ts"] < latest or (inclusive and m["ts"] == latest)
                ]
            return {"ok": True, "messages": newest[: int(p.get("limit", 100))]}
        if method == "chat.postMessage":
            channel = str(p["channel"])
            if channel in self.closed_channels:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"1700000000.{next(self._ts):06d}"
            msg: dict[str, Any] = {"type": "message", "user": ws.bot_user, "bot_id": ws.bot_id}
            msg.update(ts=ts, text=p.get("text"), blocks=self._with_ids(p.get("blocks", [])))
            self.messages.setdefault(channel, []).append(msg)
            return {"ok": True, "channel": channel, "ts": ts, "message": msg}
        if method == "chat.update":
            for msg in self.messages.get(str(p["channel"]), []):
                if msg["ts"] == p["ts"]:
                    msg["text"] = p.get("text")
                    msg["blocks"] = self._with_ids(p.get("blocks", []))
                    return {"ok": True, "channel": p["channel"], "ts": p["ts"]}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{next(self._ids)}", **(p.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    def _complete_upload(self, p: dict[str, Any]) -> dict[str, Any]:
        files = p.get("files")
        listed = json.loads(files) if isinstance(files, str) else files
        channel = p.get("channel_id")
        done = []
        for item in listed or []:
            upload = self.uploads.get(str(item.get("id")))
            if upload is None or upload.content is None:
                return {"ok": False, "error": "file_not_found"}
            upload.title = item.get("title")
            upload.channel = str(channel) if channel else None
            upload.thread_ts = p.get("thread_ts")
            upload.initial_comment = p.get("initial_comment")
            done.append({"id": upload.id, "name": upload.filename, "title": upload.title})
        if channel:
            ts = f"1700000000.{next(self._ts):06d}"
            message: dict[str, Any] = {"type": "message", "ts": ts, "files": done}
            message.update(text=p.get("initial_comment") or "", thread_ts=p.get("thread_ts"))
            self.messages.setdefault(str(channel), []).append(message)
        return {"ok": True, "files": done}

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["id"])
        if upload is None:
            return web.Response(status=404, text="no such upload")
        upload.content = await request.read()
        if len(upload.content) != upload.length:
            self.problems.append(
                f"upload {upload.id}: {len(upload.content)} bytes, said {upload.length}"
            )
        return web.Response(text="OK - " + str(len(upload.content)))

    def shared_files(self, channel: str) -> list[Upload]:
        return [u for u in self.uploads.values() if u.channel == channel]

    def _with_ids(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Slack gives every block an id when the app doesn't."""
        return [{**b, "block_id": b.get("block_id") or f"b{next(self._ids)}"} for b in blocks]

    def _check(self, method: str, p: dict[str, Any]) -> None:
        self.problems.extend(payload_problems(method, p))

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self._check("response_url", body)
        await self._record(Call("response_url", body, None))
        return web.Response(text="ok")

    async def send_envelope(self, kind: str, payload: dict[str, Any], retry: int = 0) -> Envelope:
        """Push one Socket Mode envelope (``slash_commands``, ``events_api``, ``interactive``)."""
        return await self.socket.send(kind, payload, retry)

    @property
    def envelopes(self) -> dict[str, Envelope]:
        return self.socket.envelopes

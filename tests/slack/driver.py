"""A Slack user clicking and typing: signed HTTP requests or Socket Mode envelopes to the app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, Protocol

import aiohttp

from adapters.slack import values as v
from tests.slack import slack_requests as rq
from tests.slack.fake_slack import FakeSlack


class Transport(Protocol):
    async def send(self, kind: str, body: dict[str, Any]) -> tuple[int, str]:
        """Deliver ``body`` (``command``, ``interactive`` or ``event``); status and reply body."""
        ...


class HttpTransport:
    """Signed requests over loopback HTTP to ``/slack/events``."""

    def __init__(self, url: str, secret: str, session: aiohttp.ClientSession) -> None:
        self.url, self.secret, self.session = url, secret, session

    async def send(
        self, kind: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        raw = {"command": rq.form, "interactive": rq.interactive, "event": rq.event}[kind](body)
        return await self.post(raw, {**rq.signed_headers(self.secret, raw), **(headers or {})})

    async def post(self, raw: rq.Raw, headers: dict[str, str]) -> tuple[int, str]:
        async with self.session.post(self.url, data=raw.body, headers=headers) as resp:
            return resp.status, await resp.text()


class SocketTransport:
    """Envelopes pushed through the fake's Socket Mode websocket; waits for the app's ack."""

    KINDS: ClassVar[dict[str, str]] = {
        "command": "slash_commands",
        "interactive": "interactive",
        "event": "events_api",
    }

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake

    async def send(self, kind: str, body: dict[str, Any]) -> tuple[int, str]:
        envelope = await self.fake.send_envelope(self.KINDS[kind], body)
        await self.fake.wait_for(lambda: envelope.acked.is_set())
        return 200, json.dumps(envelope.payload or {})


def elements(msg: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element of a message or view."""
    for block in msg.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            yield block.get("block_id", ""), element
        if "accessory" in block:
            yield block.get("block_id", ""), block["accessory"]


def values_of(msg: dict[str, Any]) -> list[str]:
    """Every value a message's elements carry (buttons and options)."""
    out: list[str] = []
    for _, el in elements(msg):
        if "value" in el:
            out.append(el["value"])
        out.extend(o["value"] for o in el.get("options", []))
    return out


def kind_of(msg: dict[str, Any]) -> str:
    """``question``, ``review`` or ``verdict``."""
    ids = {el.get("action_id") for _, el in elements(msg)}
    if v.CONFIRM in ids:
        return "review"
    return "verdict" if v.SHARE in ids else "question"


def question_of(msg: dict[str, Any]) -> str:
    for value in values_of(msg):
        parsed = v.decode(value)
        if parsed is not None and parsed.tag in ("a", "c", "m", "t"):
            return parsed.question
    raise AssertionError(f"no question in {msg.get('text')!r}")


class SlackUser:
    """One person in one workspace, using écoute through ``transport``."""

    def __init__(self, fake: FakeSlack, transport: Transport, team: str, user: str) -> None:
        self.fake, self.transport, self.team, self.user = fake, transport, team, user
        self.dm = fake.dm_of(user)

    async def command(self, text: str = "", channel: str = "C0GENERAL") -> tuple[int, str]:
        body = rq.slash_command(self.team, self.user, text, channel, self.fake.response_url())
        return await self.transport.send("command", body)

    async def say(self, text: str, event_id: str | None = None) -> tuple[int, str]:
        message = rq.dm_message(self.user, self.dm, text)
        return await self.transport.send("event", rq.event_callback(self.team, message, event_id))

    def live(self) -> dict[str, Any] | None:
        return self.fake.live(self.dm)

    async def next_live(self, after: str = "") -> dict[str, Any]:
        """Wait for a live message newer than ``after`` (a ts) in the DM."""

        def newer() -> dict[str, Any] | None:
            msg = self.fake.live(self.dm)
            return msg if msg is not None and msg["ts"] > after else None

        return await self.fake.wait_for(newer)

    def action_for(self, msg: dict[str, Any], value: str) -> dict[str, Any]:
        """The block_actions ``action`` for the element (or option) carrying ``value``."""
        for block_id, el in elements(msg):
            if el.get("value") == value:
                return {**el, "block_id": block_id}
            for opt in el.get("options", []):
                if opt["value"] == value:
                    return {
                        "type": el["type"],
                        "action_id": el["action_id"],
                        "block_id": block_id,
                        "selected_option": opt,
                    }
        raise AssertionError(f"no element with value {value!r} in {msg.get('text')!r}")

    async def click(
        self,
        msg: dict[str, Any] | None,
        value: str,
        state: dict[str, Any] | None = None,
        *,
        ephemeral_url: str | None = None,
    ) -> tuple[int, str]:
        """Click the element carrying ``value`` (``msg`` None: the App Home start button)."""
        if msg is None:
            action = {"type": "button", "action_id": v.START, "value": "start", "block_id": "h"}
        else:
            action = self.action_for(msg, value)
        body = rq.block_actions(
            self.team,
            self.user,
            action,
            message=msg,
            channel=self.dm if msg is not None else None,
            response_url=ephemeral_url or self.fake.response_url(),
            state=state,
            ephemeral=ephemeral_url is not None,
        )
        return await self.transport.send("interactive", body)

    async def tick(self, msg: dict[str, Any], question: str, choices: list[str]) -> tuple[int, str]:
        """Tick ``choices`` in the checkboxes, then click the "done" button."""
        for block_id, el in elements(msg):
            if el.get("action_id") == v.TICK:
                wanted = {v.encode("c", question, c) for c in choices}
                picked = [o for o in el["options"] if o["value"] in wanted]
                state = {block_id: {v.TICK: {"type": el["type"], "selected_options": picked}}}
                return await self.click(msg, v.encode("m", question), state)
        raise AssertionError("no checkboxes")

    async def open_modal(self, msg: dict[str, Any], question: str) -> dict[str, Any]:
        opened = len(self.fake.calls_to("views.open"))
        await self.click(msg, v.encode("t", question))
        calls = await self.fake.wait_for(lambda: self.fake.calls_to("views.open")[opened:] or None)
        view: dict[str, Any] = calls[0].params["view"]
        return view

    async def submit(self, view: dict[str, Any], text: str) -> tuple[int, str]:
        kind = view["blocks"][-1]["element"]["type"]
        values = {v.ANSWER_BLOCK: {v.ANSWER_INPUT: {"type": kind, "value": text}}}
        body = rq.view_submission(self.team, self.user, view, values)
        return await self.transport.send("interactive", body)

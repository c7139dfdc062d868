"""Hostile bodies over real HTTP: unsigned or malformed requests get 401, 400 or an ignored 200
with one log line and no traceback, reach nothing, and the app answers the next request."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from adapters.slack import guard
from adapters.slack import values as v
from tests.slack import slack_requests as rq
from tests.slack.conftest import SECRET, TEAM, Harness

USER = "U0HOSTILE"
DM = "D0HOSTILE"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
DEEP = b"[" * 100_000
NOT_UTF8 = b'\xff\xfe{"type": "event_callback"}'
Headers = Callable[[bytes], dict[str, str]]


def sign(body: bytes, *, secret: str = SECRET, age: float = 0.0, ts: str = "") -> dict[str, str]:
    """Slack's signature of the raw bytes (slack_sdk's signer only takes UTF-8 text)."""
    stamp = ts or str(int(time.time() - age))
    mac = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + mac.hexdigest()}


def unsigned(_: bytes) -> dict[str, str]:
    return {}


def signed(body: bytes) -> dict[str, str]:
    return sign(body)


def headers(**given: str) -> Headers:
    return lambda body: {**sign(body), **given}


def click(action: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A click in the DM (a real action id, so Bolt would run écoute's listener), changed."""
    message = {"ts": "1700000000.000001", "text": "q", "blocks": []}
    body = rq.block_actions(
        TEAM, USER, action, message=message, channel=DM, response_url="http://127.0.0.1:9/r"
    )
    body.update(changes)
    return body


def typed(values: Any = None, **view: Any) -> dict[str, Any]:
    """The typed-answer modal submitted, its view changed by ``view``."""
    meta = v.ModalMeta("audience", DM, "1700000000.000001").dump()
    answer = {v.ANSWER_BLOCK: {v.ANSWER_INPUT: {"type": "plain_text_input", "value": "Bakers"}}}
    shown = {"type": "modal", "callback_id": v.TEXT_VIEW, "private_metadata": meta, **view}
    body = rq.view_submission(TEAM, USER, shown, answer)
    if values is not None:
        body["view"]["state"]["values"] = values
    return body


def event(**changes: Any) -> dict[str, Any]:
    body = rq.event_callback(TEAM, rq.dm_message(USER, DM, "Bakers in Lyon"))
    body.update(changes)
    return body


def dm(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = rq.dm_message(USER, DM, "Bakers in Lyon")
    message.update(changes)
    return rq.event_callback(TEAM, {k: x for k, x in message.items() if x is not None})


def command(**changes: str | None) -> bytes:
    body = rq.slash_command(TEAM, USER, "", "C0GENERAL", "http://127.0.0.1:9/r")
    body.update(changes)
    return urlencode({k: x for k, x in body.items() if x is not None}).encode()


def interactive(body: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(body)}).encode()


def events_api(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


MODAL = {"action_id": v.MODAL, "block_id": "b1", "type": "button", "value": "t:audience"}
ANSWER = {"action_id": v.ANSWER + ".0", "type": "button", "value": "a:business_model:b2b"}
no_trigger = click(MODAL)
del no_trigger["trigger_id"]


@dataclass(frozen=True)
class Hostile:
    name: str
    body: bytes
    content_type: str
    headers: Headers
    status: int


HOSTILE = [
    # Nothing is parsed before the signature is checked: 401.
    Hostile("truncated JSON", b'{"a":', JSON, unsigned, 401),
    Hostile("payload that is not JSON", b"payload=not-json", FORM, unsigned, 401),
    Hostile("100k-deep nesting", DEEP, JSON, unsigned, 401),
    Hostile("invalid UTF-8", NOT_UTF8, JSON, unsigned, 401),
    Hostile("timestamp abc", b"{}", JSON, headers(**{"X-Slack-Request-Timestamp": "abc"}), 401),
    Hostile("timestamp of 5000 digits", b"{}", JSON, lambda b: sign(b, ts="9" * 5000), 401),
    Hostile("signed six minutes ago", command(), FORM, lambda b: sign(b, age=360), 401),
    Hostile("another secret", command(), FORM, lambda b: sign(b, secret="guess"), 401),
    Hostile("non-ASCII signature", command(), FORM, headers(**{"X-Slack-Signature": "v0=é"}), 401),
    Hostile("no signature", command(), FORM, lambda b: {"X-Slack-Request-Timestamp": "1"}, 401),
    # Signed, but not a body Bolt can parse: 400.
    Hostile("signed truncated JSON", b'{"a":', JSON, signed, 400),
    Hostile("signed payload that is not JSON", b"payload=not-json", FORM, signed, 400),
    Hostile("signed 100k-deep nesting", DEEP, JSON, signed, 400),
    Hostile("signed invalid UTF-8", NOT_UTF8, JSON, signed, 400),
    Hostile("signed JSON list", b"[1, 2]", JSON, signed, 400),
    Hostile("signed latin-1", command(), FORM + "; charset=latin-1", signed, 400),
    # Signed and parsed, but not the shape Slack documents: 200, ignored (no retry).
    Hostile("empty actions", interactive(click(ANSWER, actions=[])), FORM, signed, 200),
    Hostile("a number as value", interactive(click({**MODAL, "value": 3})), FORM, signed, 200),
    Hostile("action_id 7", interactive(click({**ANSWER, "action_id": 7})), FORM, signed, 200),
    Hostile("click without trigger_id", interactive(no_trigger), FORM, signed, 200),
    Hostile("user as a string", interactive(click(ANSWER, user=USER)), FORM, signed, 200),
    Hostile("channel as a string", interactive(click(ANSWER, channel=DM)), FORM, signed, 200),
    Hostile("no team", interactive(click(ANSWER, team=None, user={"id": USER})), FORM, signed, 200),
    Hostile("state.values a list", interactive(typed(values=[])), FORM, signed, 200),
    Hostile("state.values of lists", interactive(typed(values={"a": []})), FORM, signed, 200),
    Hostile("view without type", interactive(typed(type=None)), FORM, signed, 200),
    Hostile("metadata a number", interactive(typed(private_metadata=5)), FORM, signed, 200),
    Hostile("no response_urls", interactive({**typed(), "response_urls": None}), FORM, signed, 200),
    Hostile("unknown payload type", interactive({**typed(), "type": "dialog"}), FORM, signed, 200),
    Hostile("event a list", events_api(event(event=[])), JSON, signed, 200),
    Hostile("event without type", events_api(event(event={"user": USER})), JSON, signed, 200),
    Hostile("message without user", events_api(dm(user=None)), JSON, signed, 200),
    Hostile("authorizations a string", events_api(event(authorizations="x")), JSON, signed, 200),
    Hostile("event without team_id", events_api(event(team_id=None)), JSON, signed, 200),
    Hostile("url_verification, no challenge", b'{"type": "url_verification"}', JSON, signed, 200),
    Hostile("command without user_id", command(user_id=None), FORM, signed, 200),
    Hostile("command without team_id", command(team_id=None), FORM, signed, 200),
    Hostile("empty body", b"", FORM, signed, 200),
]


async def post(h: Harness, body: bytes, content_type: str, extra: dict[str, str]) -> int:
    sent = {"Content-Type": content_type, **extra}
    data = io.BytesIO(body)  # aiohttp warns about large raw bytes
    async with h.session.post(h.served.events_url, data=data, headers=sent) as resp:
        await resp.read()
        return resp.status


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
async def test_a_hostile_body_is_refused_in_one_line_and_reaches_nothing(
    harness: Harness, caplog: pytest.LogCaptureFixture, case: Hostile
) -> None:
    caplog.set_level(logging.INFO)
    fake = harness.fake
    status = await post(harness, case.body, case.content_type, case.headers(case.body))
    assert status == case.status
    assert await harness.served.slack.tasks.drain(5)
    assert fake.calls == []
    lines = [r for r in caplog.records if r.name != "aiohttp.access"]
    assert [(r.name, r.exc_info) for r in lines] == [("adapters.slack.guard", None)]
    # The app still answers a signed request (signed by slack_sdk, not by this file).
    assert (await harness.user(USER).command("help"))[0] == 200
    await fake.wait_for(lambda: fake.calls_to("response_url"))
    assert "Traceback" not in caplog.text


async def test_ssl_check_and_url_verification_still_work(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ssl_check = b"ssl_check=1&token=legacy"
    assert await post(harness, ssl_check, FORM, {}) == 200  # Slack doesn't sign it
    assert await post(harness, ssl_check, FORM, sign(ssl_check)) == 200
    assert [r for r in caplog.records if r.name == "adapters.slack.guard"] == []
    challenge = events_api({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    sent = {"Content-Type": JSON, **sign(challenge)}
    async with harness.session.post(harness.served.events_url, data=challenge, headers=sent) as r:
        assert r.status == 200
        assert (await r.json())["challenge"] == "c-123"
    assert await post(harness, challenge, JSON, {}) == 401
    assert harness.fake.calls == []
    assert "Traceback" not in caplog.text


async def test_a_body_over_the_size_limit_is_refused(harness: Harness) -> None:
    big = b"x" * (1024**2 + 1)
    assert await post(harness, big, FORM, sign(big)) == 413
    assert (await harness.user(USER).command("help"))[0] == 200


async def test_a_body_that_never_finishes_is_let_go(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Headers, then 10 of the 1000 bytes announced, and the client neither sends the rest nor
    closes: 408 once the body's time is up, one line, and the connection freed."""
    monkeypatch.setattr(guard, "BODY_SECONDS", 0.2)
    host, port = urlsplit(harness.served.url).hostname, urlsplit(harness.served.url).port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n0123456789"
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 408"), status
    refused = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert refused == ["Slack request from 127.0.0.1 refused (408): body not received within 0.2 s"]
    assert "Traceback" not in caplog.text


async def test_what_no_listener_takes_is_acknowledged_not_retried(harness: Harness) -> None:
    """An event écoute is not subscribed to, another app's button: 200 (Bolt's 404 would
    make Slack retry the event, and show the user an error for the click). An older écoute's
    button gets a note instead (tests/slack/test_outdated_buttons.py)."""
    reaction = {"type": "reaction_added", "user": "U0000001", "reaction": "tada"}
    status, _ = await harness.http.send("event", rq.event_callback(TEAM, reaction))
    assert status == 200
    old = {"type": "button", "action_id": "another_app_answer", "value": "x", "block_id": "b"}
    click = rq.block_actions(TEAM, "U0000001", old, message=None, channel=None, response_url="")
    status, _ = await harness.http.send("interactive", click)
    assert status == 200
    assert await harness.served.slack.tasks.drain(5)
    assert [c.method for c in harness.fake.calls if c.method != "auth.test"] == []

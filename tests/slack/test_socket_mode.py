"""Socket Mode: the real runner connects to the fake's websocket (``apps.connections.open``),
acks each envelope, and carries a whole interview, retries of events included."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack.runner import build_slack, serve_socket
from bot.bootstrap import open_core
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, settings_for
from tests.slack.driver import SlackUser, SocketTransport, kind_of
from tests.slack.fake_slack import FakeSlack
from tests.slack.script import BURRITO, answer_all

APP_TOKEN = "xapp-1-test"
USER = "U0000007"


@pytest.fixture
async def socket_user(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[SlackUser]:
    settings = settings_for(
        tmp_path / "ecoute.db", fake, slack_app_token=APP_TOKEN, slack_signing_secret=""
    )
    core = await open_core(settings)
    slack = await build_slack(core, oauth=False)
    running = asyncio.create_task(serve_socket(slack, APP_TOKEN))
    try:
        fake.locales[USER] = "fr-FR"
        yield SlackUser(fake, SocketTransport(fake), TEAM, USER)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await slack.close(grace=5)
        await core.close()


async def test_a_whole_interview_over_socket_mode(socket_user: SlackUser) -> None:
    fake = socket_user.fake
    status, _ = await socket_user.command("start")
    assert status == 200
    opened = fake.calls_to("apps.connections.open")
    assert opened
    assert opened[0].token == APP_TOKEN
    first = await socket_user.next_live()
    assert "Qui achète" in str(first["blocks"])
    review, _ = await answer_all(socket_user, BURRITO, first)
    await socket_user.click(review, "confirm")
    verdict = await socket_user.next_live(after=review["ts"])
    assert kind_of(verdict) == "verdict"
    assert "Votre verdict" in str(verdict["blocks"])
    acks = fake.calls_to("socket_ack")
    assert len(acks) == len(fake.envelopes)
    assert len(acks) > 15


async def test_socket_mode_retries_and_modal_errors(socket_user: SlackUser) -> None:
    fake = socket_user.fake
    await socket_user.command()
    first = await socket_user.next_live()
    await socket_user.click(first, "a:business_model:b2b")
    second = await socket_user.next_live(after=first["ts"])
    await socket_user.click(second, "a:buyers:handful")
    audience = await socket_user.next_live(after=second["ts"])
    view = await socket_user.open_modal(audience, "audience")
    _, acked = await socket_user.submit(view, "x")
    assert json.loads(acked)["response_action"] == "errors"
    body = rq.event_callback(TEAM, rq.dm_message(USER, socket_user.dm, "Paint buyers"), "Ev0SOCK")
    for retry in (0, 1, 2):
        envelope = await fake.send_envelope("events_api", body, retry=retry)
        await asyncio.wait_for(envelope.acked.wait(), 10)
    await socket_user.next_live(after=audience["ts"])
    updates = [c for c in fake.calls_to("chat.update") if c.params["ts"] == audience["ts"]]
    assert len(updates) == 1
    assert "Paint buyers" in updates[0].params["text"]

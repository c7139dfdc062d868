"""Slack's Web API out of reach when the first request comes (Bolt's ``auth.test`` fails on
the network): 200 and one warning line, not a 500 with a traceback; the user is told, where
they typed, to try again."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness, serve, settings_for
from tests.slack.fake_slack import FakeSlack

USER = "U0UNREACH"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def cut_off(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    api = f"http://127.0.0.1:{closed_port()}/api/"
    served = await serve(settings_for(tmp_path / "ecoute.db", fake, slack_api_url=api))
    async with aiohttp.ClientSession() as session:
        try:
            yield Harness(fake, served, session)
        finally:
            await served.stop()


async def test_a_command_while_slack_is_out_of_reach(
    cut_off: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake = cut_off.fake
    command = rq.slash_command(TEAM, USER, "", "C0GENERAL", fake.response_url())
    status, _ = await cut_off.http.send("command", command)
    assert status == 200
    await fake.wait_for(lambda: fake.calls_to("response_url") or None)
    assert await cut_off.served.slack.tasks.drain(5)
    (note,) = [str(c.params.get("text")) for c in fake.calls_to("response_url")]
    assert note.startswith("I can’t reach Slack just now")
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in problems] == [logging.WARNING]  # one line, no ERROR
    assert not any(r.exc_info for r in caplog.records)


async def test_a_command_when_slack_refuses_the_token(
    tmp_path: Path, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = settings_for(tmp_path / "ecoute.db", fake, slack_bot_token="xoxb-not-this-one")
    served = await serve(settings)
    try:
        async with aiohttp.ClientSession() as session:
            h = Harness(fake, served, session)
            command = rq.slash_command(TEAM, USER, "", "C0GENERAL", fake.response_url())
            assert (await h.http.send("command", command))[0] == 200
            await fake.wait_for(lambda: fake.calls_to("response_url") or None)
            assert await served.slack.tasks.drain(5)
    finally:
        await served.stop()
    (note,) = [str(c.params.get("text")) for c in fake.calls_to("response_url")]
    assert note.startswith("Slack refuses écoute’s token in this workspace")
    assert "apologize" not in note
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["Slack refuses SLACK_BOT_TOKEN (invalid_auth): request not handled"]
    assert "xoxb-not-this-one" not in caplog.text

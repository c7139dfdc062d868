"""Installs in many workspaces: a request from a workspace where écoute is not installed gets,
in the user's language, "écoute isn't installed in this workspace" and one warning line,
instead of Bolt's English apology and an error line per request."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.slack import values as v
from bot.events import ConversationKey, Start
from tests.slack import slack_requests as rq
from tests.slack.conftest import Harness, oauth_served
from tests.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

NOWHERE = "T0NOTINST"
USER = "U0NOTINST"


@pytest.fixture
async def oauth(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Harness]:
    async with oauth_served(tmp_path / "ecoute.db", fake) as served:
        yield served


async def said(h: Harness, count: int = 1) -> list[str]:
    """What the user read (once ``count`` notes came)."""
    calls = h.fake.calls_to
    await h.fake.wait_for(lambda: len(calls("response_url")) >= count or None)
    assert await h.served.slack.tasks.drain(5)
    return [str(c.params.get("text")) for c in calls("response_url")]


async def test_a_command_and_a_click_from_a_workspace_without_ecoute(
    oauth: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake = oauth.fake
    status, body = await oauth.http.send(
        "command", rq.slash_command(NOWHERE, USER, "", "C0GENERAL", fake.response_url())
    )
    assert status == 200
    action = {"type": "button", "action_id": v.numbered(v.ANSWER, 0), "block_id": "b"}
    action["value"] = v.encode("a", "business_model", "b2c")
    click = rq.block_actions(
        NOWHERE,
        USER,
        action,
        message={"ts": "1.1", "blocks": []},
        channel="D0NOTINST",
        response_url=fake.response_url(),
    )
    assert (await oauth.http.send("interactive", click))[0] == 200
    dm = rq.event_callback(NOWHERE, rq.dm_message(USER, "D0NOTINST", "hello"))
    assert (await oauth.http.send("event", dm))[0] == 200
    text = "écoute isn’t installed in this workspace."
    assert [t[: len(text)] for t in await said(oauth, 2)] == [text, text]
    assert "apologize" not in str(fake.calls) + body
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in warnings] == [logging.WARNING] * 3  # one line each, no ERROR
    assert all("not installed" in r.getMessage() for r in warnings)


async def test_the_note_is_in_the_users_language_when_écoute_knows_it(oauth: Harness) -> None:
    key = ConversationKey("slack", NOWHERE, USER)
    await oauth.served.slack.dialogue.service.handle(key, Start(), locale="fr-FR")  # before
    fake = oauth.fake
    body = rq.slash_command(NOWHERE, USER, "help", "C0GENERAL", fake.response_url())
    await oauth.http.send("command", body)
    assert (await said(oauth))[0].startswith(
        "écoute n’est pas installée dans cet espace de travail."
    )

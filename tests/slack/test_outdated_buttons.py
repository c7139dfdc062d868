"""A button of an older écoute, whose action id or value this version can't read, is never
dead: a private note says it is out of date, with the current question. Another app's buttons
stay ignored."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import values as v
from adapters.slack.team import JOIN
from bot.events import ConversationKey
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import SlackUser

USER = "U0OUTDATE"

OLD = [
    {"action_id": "ecoute_answer", "value": v.encode("a", "business_model", "b2c")},
    {"action_id": v.numbered(v.ANSWER, 0), "value": "business_model=b2c"},
    {"action_id": v.numbered(v.ANSWER, 0), "value": "a:business_model:b2c:v2"},
    {"action_id": v.numbered(v.ANSWER, 0), "value": "a:business_model"},
    {"action_id": v.MANY, "value": "done"},
    {"action_id": v.MODAL, "value": ""},
    {"action_id": v.numbered(v.EDIT, 0), "value": "edit"},
    {"action_id": "ecoute.v1.restart", "value": "restart"},
    {"action_id": JOIN, "value": "²"},
]


async def clicked(h: Harness, user: SlackUser, message: dict[str, Any], element: Any) -> None:
    action = {"type": "button", "block_id": "b1", **element}
    body = rq.block_actions(
        TEAM, user.user, action, message=message, channel=user.dm, response_url=""
    )
    status, _ = await h.http.send("interactive", body)
    assert status == 200


@pytest.mark.parametrize("element", OLD, ids=[e["action_id"] + " " + e["value"] for e in OLD])
async def test_an_old_button_gets_a_note_and_the_current_question(
    harness: Harness, element: dict[str, str]
) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    first = await user.next_live()
    await clicked(harness, user, first, element)
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    note = notes[0].params
    assert note["channel"] == user.dm
    assert note["user"] == USER
    assert "older version of écoute" in str(note["blocks"])
    assert v.encode("a", "business_model", "b2c") in str(note["blocks"])  # the question now
    assert await harness.served.slack.tasks.drain(5)
    conv = await harness.store.load(ConversationKey("slack", TEAM, USER), fresh=True)
    assert conv is not None
    assert conv.answers == {}


async def test_the_note_is_in_the_users_language(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER, "fr-FR")
    await user.command()
    first = await user.next_live()
    await clicked(harness, user, first, OLD[0])
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert "ancienne version d’écoute" in str(notes[0].params["blocks"])


async def test_an_old_button_in_a_channel_gets_the_note_there(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    message = {"ts": "1700000000.000900", "text": "round", "blocks": []}
    action = {"type": "button", "block_id": "b", "action_id": JOIN, "value": "round-7"}
    body = rq.block_actions(
        TEAM, USER, action, message=message, channel="C0GENERAL", response_url=""
    )
    await harness.http.send("interactive", body)
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert notes[0].params["channel"] == "C0GENERAL"
    assert "older version of écoute" in notes[0].params["text"]
    assert user.live() is None  # no interview started for it


async def test_another_apps_button_is_still_ignored(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    first = await user.next_live()
    assert await harness.served.slack.tasks.drain(5)
    calls = len(harness.fake.calls)
    await clicked(harness, user, first, {"action_id": "polly_vote", "value": "a:b:c:d"})
    assert await harness.served.slack.tasks.drain(5)
    assert [c.method for c in harness.fake.calls[calls:] if c.method != "auth.test"] == []

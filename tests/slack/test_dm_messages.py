"""DM messages that answer: a file sent with words answers with its words; a file alone gets
a note and the question stays; an edit changes nothing. An org-wide (Enterprise Grid)
install's DM answer reaches the interview its commands and clicks made."""

from __future__ import annotations

from typing import Any

from adapters.slack import values as v
from bot.events import ConversationKey
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import SlackUser, question_of

USER = "U0DMFILES"
KEY = ConversationKey("slack", TEAM, USER)
ENTERPRISE = "E0GRID001"


async def at_audience(user: SlackUser) -> dict[str, Any]:
    await user.command()
    first = await user.next_live()
    await user.click(first, v.encode("a", "business_model", "b2c"))
    second = await user.next_live(after=first["ts"])
    await user.click(second, v.encode("a", "buyers", "mass"))
    third = await user.next_live(after=second["ts"])
    assert question_of(third) == "audience"
    return third


def shared_file(user: SlackUser, text: str) -> dict[str, Any]:
    message = {**rq.dm_message(user.user, user.dm, text), "subtype": "file_share"}
    message.update(files=[{"id": "F0001", "name": "brief.pdf"}], upload=False)
    return rq.event_callback(TEAM, message)


async def test_a_file_sent_with_words_answers_with_the_words(harness: Harness) -> None:
    user = harness.user(USER)
    audience = await at_audience(user)
    status, _ = await harness.http.send("event", shared_file(user, "Bakers in Lyon, see brief"))
    assert status == 200
    nxt = await user.next_live(after=audience["ts"])
    assert question_of(nxt) == "platforms"
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert conv.answers["audience"] == "Bakers in Lyon, see brief"


async def test_a_file_alone_gets_a_note_and_the_question_stays(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER, "fr-FR")
    audience = await at_audience(user)
    assert await harness.served.slack.tasks.drain(5)
    posted = len(fake.calls_to("chat.postMessage"))
    body = shared_file(user, "")
    await harness.http.send("event", body)
    await harness.http.send("event", body, {"X-Slack-Retry-Num": "1"})  # said once
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert await harness.served.slack.tasks.drain(5)
    assert [n.params["text"] for n in fake.calls_to("chat.postEphemeral")] == [
        "Je ne lis que le texte : écrivez votre réponse, s’il vous plaît."
    ]
    assert notes[0].params["channel"] == user.dm
    assert len(fake.calls_to("chat.postMessage")) == posted
    assert user.live() == audience
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert conv.cursor == "audience"


async def test_an_edited_message_is_still_ignored(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    await at_audience(user)
    assert await harness.served.slack.tasks.drain(5)
    calls = len(fake.calls)
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel_type": "im",
        "channel": user.dm,
        "message": {"type": "message", "user": USER, "text": "Bakers", "ts": "1.1"},
        "ts": "1.2",
    }
    assert (await harness.http.send("event", rq.event_callback(TEAM, edited)))[0] == 200
    assert await harness.served.slack.tasks.drain(5)
    assert [c.method for c in fake.calls[calls:] if c.method != "auth.test"] == []


def org_wide(body: dict[str, Any]) -> dict[str, Any]:
    """A click as an org-wide install receives it: the enterprise, no team."""
    return {**body, "enterprise": {"id": ENTERPRISE, "name": "Grid"}, "team": None} | {
        "is_enterprise_install": True
    }


async def test_an_org_wide_dm_answer_reaches_the_interview_its_clicks_made(
    harness: Harness,
) -> None:
    fake, user = harness.fake, harness.user(USER)
    command = rq.slash_command(TEAM, USER, "", "C0GENERAL", fake.response_url())
    command.update(enterprise_id=ENTERPRISE, is_enterprise_install="true")
    await harness.http.send("command", command)
    first = await user.next_live()
    action = user.action_for(first, v.encode("a", "business_model", "b2c"))
    click = rq.block_actions(
        TEAM, USER, action, message=first, channel=user.dm, response_url=fake.response_url()
    )
    await harness.http.send("interactive", org_wide(click))
    second = await user.next_live(after=first["ts"])
    action = user.action_for(second, v.encode("a", "buyers", "mass"))
    click = rq.block_actions(
        TEAM, USER, action, message=second, channel=user.dm, response_url=fake.response_url()
    )
    await harness.http.send("interactive", org_wide(click))
    third = await user.next_live(after=second["ts"])
    message = {**rq.dm_message(USER, user.dm, "Bakers downtown, to sell flour"), "team": TEAM}
    event = rq.event_callback(TEAM, message)
    event.update(enterprise_id=ENTERPRISE, is_ext_shared_channel=False)
    event["authorizations"] = [
        {"enterprise_id": ENTERPRISE, "team_id": None, "user_id": "UBOT", "is_bot": True}
        | {"is_enterprise_install": True}
    ]
    await harness.http.send("event", event)
    fourth = await user.next_live(after=third["ts"])
    assert question_of(fourth) == "platforms"
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert conv.answers["audience"] == "Bakers downtown, to sell flour"
    assert await harness.store.load(ConversationKey("slack", ENTERPRISE, USER)) is None

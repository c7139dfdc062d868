"""`/ecoute` subcommands, the Messages tab fallback, the answer modal, App Home and sharing."""

from __future__ import annotations

import asyncio
import json

from adapters.slack import values as v
from adapters.slack.blocks import is_live
from bot.events import ConversationKey
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import Failure
from tests.slack.script import BURRITO, answer_all
from tests.slack.test_reliability import at_audience

USER = "U0000001"
KEY = ConversationKey("slack", TEAM, USER)


async def responses(h: Harness, count: int) -> list[str]:
    await h.fake.wait_for(lambda: h.fake.calls_to("response_url")[count - 1 :] or None)
    return [str(c.params["text"]) for c in h.fake.calls_to("response_url")]


async def test_help_and_unknown_subcommands_answer_privately(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command("help")
    said = await responses(harness, 1)
    assert "/ecoute restart" in said[0]
    assert "/ecoute forget" in said[0]
    await user.command("<!channel>")
    said = await responses(harness, 2)
    assert "“&lt;!channel&gt;”" in said[1]
    assert "<!channel>" not in said[1]
    assert harness.fake.calls_to("chat.postMessage") == []  # nothing posted in any channel


async def test_lang_switches_the_interview_language(harness: Harness) -> None:
    user = harness.user(USER, "en-US")
    await user.command()
    first = await user.next_live()
    assert "Who buys" in str(first["blocks"])
    await user.command("lang fr")
    french = await user.next_live(after=first["ts"])
    assert "Qui achète" in str(french["blocks"])
    assert not is_live(harness.fake.messages[user.dm][0]["blocks"])
    await user.command("lang")
    said = await responses(harness, 3)
    assert "en, fr" in said[-1]
    await user.command("lang xx")
    said = await responses(harness, 4)
    assert said[-1] == said[-2]
    assert "Dites-moi quelle langue" in said[-1]


async def test_forget_deletes_everything(harness: Harness) -> None:
    user = harness.user(USER)
    await at_audience(user)
    await user.command("forget")
    said = await responses(harness, 2)
    assert "deleted" in said[-1]
    assert await harness.store.load(KEY) is None
    assert harness.fake.live(user.dm) is None  # the open question lost its buttons


async def test_without_direct_messages_it_says_how_to_turn_them_on(harness: Harness) -> None:
    harness.fake.refused_dms.add(USER)
    user = harness.user(USER)
    await user.command()
    said = await responses(harness, 1)
    assert "Messages Tab" in said[0]


async def test_the_modal_refuses_an_invalid_answer_in_place(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    audience = await at_audience(user)
    view = await user.open_modal(audience, "audience")
    assert view["blocks"][-1]["element"]["type"] == "plain_text_input"
    status, body = await user.submit(view, "ab")
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert "at least 3 characters" in answer["errors"][v.ANSWER_BLOCK]
    updates = len(fake.calls_to("chat.update"))
    status, body = await user.submit(view, "<!here> & bakers")
    assert status == 200
    assert "errors" not in body
    await user.next_live(after=str(audience["ts"]))
    record = [c for c in fake.calls_to("chat.update")[updates:] if c.params["ts"] == audience["ts"]]
    assert "&lt;!here&gt; &amp; bakers" in record[0].params["text"]
    assert "<!here>" not in str(record[0].params)


async def test_an_invalid_typed_answer_shows_the_question_again(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    audience = await at_audience(user)
    await user.say("no")
    again = await user.next_live(after=str(audience["ts"]))
    assert "at least 3 characters" in str(again["blocks"])
    assert [m["ts"] for m in fake.messages[user.dm] if is_live(m["blocks"])] == [again["ts"]]


async def test_app_home_shows_the_latest_verdict_and_starts(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    opened = rq.event_callback(TEAM, {"type": "app_home_opened", "user": USER, "tab": "home"})
    await harness.http.send("event", opened)
    homes = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    assert homes[0].params["user_id"] == USER
    assert "No verdict yet" in str(homes[0].params["view"])
    await user.click(None, "start")  # the Home tab's button
    first = await user.next_live()
    review, _ = await answer_all(user, BURRITO, first)
    await user.click(review, "confirm")
    await user.next_live(after=review["ts"])
    await harness.http.send("event", rq.event_callback(TEAM, opened["event"]))
    homes = await fake.wait_for(lambda: fake.calls_to("views.publish")[2:] or None)
    assert "Your latest verdict" in str(homes[-1].params["view"])


async def test_share_posts_the_verdict_in_the_picked_channel(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    await user.click(review, "confirm")
    verdict = await user.next_live(after=review["ts"])
    modals = len(fake.calls_to("views.open"))
    await user.click(verdict, "share")
    opened = await fake.wait_for(lambda: fake.calls_to("views.open")[modals:] or None)
    picker = opened[0].params["view"]
    assert picker["callback_id"] == v.SHARE_VIEW
    await share(user, picker, "C0SHARE")
    shared = await fake.wait_for(lambda: fake.messages.get("C0SHARE"))
    assert not is_live(shared[0]["blocks"])
    assert f"<@{USER}>" in str(shared[0]["blocks"])
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert "<#C0SHARE>" in notes[0].params["text"]
    fake.closed_channels.add("C0PRIVATE")
    await share(user, picker, "C0PRIVATE")
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral")[1:] or None)
    assert "/invite" in notes[0].params["text"]


async def share(user: SlackUser, picker: dict[str, object], channel: str) -> None:
    values = {
        v.CHANNEL_BLOCK: {
            v.CHANNEL_INPUT: {"type": "conversations_select", "selected_conversation": channel}
        }
    }
    status, _ = await user.transport.send(
        "interactive", rq.view_submission(user.team, user.user, dict(picker), values)
    )
    assert status == 200


async def test_a_burst_of_first_events_asks_slack_for_the_locale_once(harness: Harness) -> None:
    fake = harness.fake
    opened = {"type": "app_home_opened", "user": USER, "tab": "home"}
    sent = [harness.http.send("event", rq.event_callback(TEAM, dict(opened))) for _ in range(5)]
    assert [status for status, _ in await asyncio.gather(*sent)] == [200] * 5
    await fake.wait_for(lambda: len(fake.calls_to("views.publish")) >= 5 or None)
    assert len(fake.calls_to("users.info")) == 1


async def test_an_expired_trigger_says_to_reply_in_the_dm(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    audience = await at_audience(user)
    fake.fail("views.open", Failure(status=200, error="expired_trigger_id"))
    await user.click(audience, v.encode("t", "audience"))
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert "Reply right here" in notes[0].params["text"]


async def test_a_form_sent_while_the_database_is_down_says_so_in_the_form(
    harness: Harness,
) -> None:
    user = harness.user(USER)
    audience = await at_audience(user)
    view = await user.open_modal(audience, "audience")
    harness.store.down = True
    status, body = await user.submit(view, "Bakers in Lyon")
    assert status == 200
    assert "couldn’t save" in json.loads(body)["errors"][v.ANSWER_BLOCK]
    harness.store.down = False
    status, body = await user.submit(view, "Bakers in Lyon")
    assert "errors" not in body
    await user.next_live(after=str(audience["ts"]))
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers["audience"] == "Bakers in Lyon"

"""Never a broken exchange: retries, double clicks, stale clicks, a database that is down or
hanging, a Web API that rate-limits, fails or times out, and a restart mid-interview."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from adapters.slack import client as slack_client
from adapters.slack import values as v
from adapters.slack.blocks import is_live
from bot.events import ConversationKey
from tests.fakes import GatedStore
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness, serve
from tests.slack.driver import SlackUser
from tests.slack.fake_slack import Failure

USER = "U0000001"
KEY = ConversationKey("slack", TEAM, USER)


async def at_audience(user: SlackUser) -> dict[str, object]:
    """Answer the first two questions; the live message then asks for the audience (text)."""
    await user.command()
    first = await user.next_live()
    await user.click(first, v.encode("a", "business_model", "b2b"))
    second = await user.next_live(after=first["ts"])
    await user.click(second, v.encode("a", "buyers", "niche"))
    return await user.next_live(after=second["ts"])


async def test_a_slack_retry_of_the_same_event_is_answered_once(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    audience = await at_audience(user)
    message = rq.dm_message(USER, user.dm, "Engineers who buy paint")
    body = rq.event_callback(TEAM, message, "Ev0RETRY")
    first = await harness.http.send("event", body)
    retries = await asyncio.gather(
        *(harness.http.send("event", body, {"X-Slack-Retry-Num": str(n)}) for n in (1, 2, 3))
    )
    assert first[0] == 200
    assert all(status == 200 for status, _ in retries)
    await user.next_live(after=str(audience["ts"]))
    assert await harness.served.slack.tasks.drain(5)
    records = [c for c in fake.calls_to("chat.update") if c.params["ts"] == audience["ts"]]
    assert len(records) == 1
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers["audience"] == "Engineers who buy paint"
    assert conv.cursor == "platforms"
    assert conv.version == 8  # created, then three answers: each turn and where it shows


async def test_twenty_concurrent_clicks_store_one_answer_and_one_update(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    first = await user.next_live()
    clicks = [user.click(first, v.encode("a", "business_model", "b2c")) for _ in range(20)]
    assert [status for status, _ in await asyncio.gather(*clicks)] == [200] * 20
    await user.next_live(after=first["ts"])
    assert await harness.served.slack.tasks.drain(5)
    assert len(fake.calls_to("chat.update")) == 1
    assert len([c for c in fake.calls_to("chat.postMessage") if "buyers" in str(c.params)]) == 1
    assert fake.calls_to("chat.postEphemeral") == []  # a double click gets no scolding
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {"business_model": "b2c"}
    assert conv.version == 4  # created, one answer: each turn and where it shows


async def test_clicks_spread_over_two_processes_store_one_answer(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    other = await serve(harness.served.core.settings)
    harness.extra.append(other)
    await user.command()
    first = await user.next_live()
    there = SlackUser(
        fake, harness.http.__class__(other.events_url, rq_secret(), harness.session), TEAM, USER
    )
    clicks = [u.click(first, v.encode("a", "business_model", "both")) for u in (user, there) * 5]
    await asyncio.gather(*clicks)
    await user.next_live(after=first["ts"])
    assert await harness.served.slack.tasks.drain(5)
    assert await other.slack.tasks.drain(5)
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {"business_model": "both"}
    assert conv.version == 4  # created, one answer: each turn and where it shows
    assert len(fake.calls_to("chat.update")) == 1
    # At most a private note from the other process: never a second live question.
    assert len(fake.calls_to("chat.postEphemeral")) <= 1
    assert len([m for m in fake.messages[user.dm] if is_live(m["blocks"])]) == 1


def rq_secret() -> str:
    from tests.slack.conftest import SECRET

    return SECRET


async def test_a_click_on_an_old_live_message_gets_a_note_and_the_current_question(
    harness: Harness,
) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    first = await user.next_live()
    fake.fail("chat.update", Failure(status=200, error="cant_update_message"))
    await user.click(first, v.encode("a", "business_model", "b2b"))
    second = await user.next_live(after=first["ts"])
    assert is_live(fake.messages[user.dm][0]["blocks"])  # Slack refused to update it
    posted = len(fake.calls_to("chat.postMessage"))
    await user.click(first, v.encode("a", "business_model", "b2c"))  # much later, on the old one
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    note = notes[0].params
    assert "already answered" in note["text"] or "already answered" in str(note["blocks"])
    assert v.encode("a", "buyers", "niche") in str(note["blocks"])  # the current question
    assert len(fake.calls_to("chat.postMessage")) == posted  # nothing else moved
    # Answering from the note records the real question message and removes the note.
    url = fake.response_url()
    await user.click(
        {**note, "ts": "1700000000.999999"}, v.encode("a", "buyers", "niche"), ephemeral_url=url
    )
    third = await user.next_live(after=second["ts"])
    assert "audience" in str(third["blocks"])
    assert not is_live(fake.messages[user.dm][1]["blocks"])
    deleted = await fake.wait_for(
        lambda: (
            fake.calls_to("response_url")
            and [c for c in fake.calls_to("response_url") if c.params.get("delete_original")]
        )
    )
    assert deleted
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {"business_model": "b2b", "buyers": "niche"}


@pytest.mark.parametrize("when", ["forged", "unsigned", "six minutes old"])
async def test_requests_not_from_slack_get_401(harness: Harness, when: str) -> None:
    raw = rq.form(rq.slash_command(TEAM, USER, "", "C1", harness.fake.response_url()))
    headers = rq.signed_headers(rq_secret(), raw, age=360 if when == "six minutes old" else 0)
    if when == "forged":
        headers = rq.signed_headers("not-the-secret", raw)
    if when == "unsigned":
        headers = {"Content-Type": raw.content_type}
    status, _ = await harness.http.post(raw, headers)
    assert status == 401
    assert harness.fake.calls_to("conversations.open") == []


async def test_url_verification_and_ssl_check_are_answered(harness: Harness) -> None:
    challenge = {"type": "url_verification", "token": "legacy", "challenge": "c-123"}
    status, body = await harness.http.send("event", challenge)
    assert status == 200
    assert json.loads(body)["challenge"] == "c-123"
    raw = rq.form({"ssl_check": "1", "token": "legacy"})
    status, _ = await harness.http.post(raw, {"Content-Type": raw.content_type})
    assert status == 200


async def test_database_down_tells_the_user_and_loses_nothing(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    first = await user.next_live()
    harness.store.down = True
    status, _ = await user.click(first, v.encode("a", "business_model", "b2c"))
    assert status == 200
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert "couldn’t save" in notes[0].params["text"]
    assert fake.calls_to("chat.update") == []
    harness.store.down = False
    await user.click(first, v.encode("a", "business_model", "b2c"))
    await user.next_live(after=first["ts"])
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {"business_model": "b2c"}


async def test_a_hanging_database_does_not_delay_the_ack(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    first = await user.next_live()
    harness.store.hold()
    started = time.monotonic()
    click = await user.click(first, v.encode("a", "business_model", "b2c"))
    said = await user.say("hello")  # an event: its de-duplication is checked after the ack
    assert click[0] == 200
    assert said[0] == 200
    assert time.monotonic() - started < 2.5
    deadline = time.monotonic() + 10  # the click's turn and the event's check both wait for it
    while harness.store.held < 2:  # (no fake Slack call to wake a fake.wait_for meanwhile)
        assert time.monotonic() < deadline, f"only {harness.store.held} call(s) reached the store"
        await asyncio.sleep(0.01)
    harness.store.release()
    await user.next_live(after=first["ts"])  # once the database answers, the turn completes


async def test_rate_limits_server_errors_and_timeouts_are_retried(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, user = harness.fake, harness.user(USER)
    fake.fail("chat.postMessage", Failure(status=429, error="ratelimited", retry_after=0))
    fake.fail("conversations.open", Failure(status=503, error="service_unavailable"))
    await user.command()
    first = await user.next_live()
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert len(fake.calls_to("conversations.open")) == 2
    monkeypatch.setattr(slack_client, "TIMEOUT_SECONDS", 1)
    fake.fail("chat.update", Failure(status=502, error="bad_gateway", delay=1.5))
    fake.fail("chat.update", Failure(status=502, error="bad_gateway"))
    await user.click(first, v.encode("a", "business_model", "b2c"))
    await user.next_live(after=first["ts"])
    assert not is_live(fake.messages[user.dm][0]["blocks"])  # third try updated it


async def test_slack_failing_for_good_gets_a_clear_message_and_resume_works(
    harness: Harness,
) -> None:
    fake, user = harness.fake, harness.user(USER)
    await user.command()
    first = await user.next_live()
    fake.fail("chat.postMessage", *(Failure(status=500) for _ in range(3)))
    await user.click(first, v.encode("a", "business_model", "b2c"))
    notes = await fake.wait_for(lambda: fake.calls_to("chat.postEphemeral") or None)
    assert "/ecoute resume" in notes[0].params["text"]
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {"business_model": "b2c"}  # nothing lost
    await user.command("resume")
    resumed = await user.next_live(after=first["ts"])
    assert "buyers" in str(resumed["blocks"])


async def test_a_new_process_on_the_same_database_continues(harness: Harness) -> None:
    fake, user = harness.fake, harness.user(USER)
    audience = await at_audience(user)
    settings = harness.served.core.settings
    await harness.served.stop()
    harness.served = await serve(settings, GatedStore)
    user.transport = harness.http
    await user.say("Bakers in Lyon, to sell them flour")
    platforms = await user.next_live(after=str(audience["ts"]))
    assert "platforms" in str(platforms["blocks"])
    # The new process found the old live message in the DM and turned it into a record.
    updated = [c.params["ts"] for c in fake.calls_to("chat.update")]
    assert audience["ts"] in updated
    conv = await harness.store.load(KEY)
    assert conv is not None
    assert conv.answers == {
        "business_model": "b2b",
        "buyers": "niche",
        "audience": "Bakers in Lyon, to sell them flour",
    }

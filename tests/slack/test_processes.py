"""Any process may take any click: two apps on one database, payloads that lie about whose
message they come from, and an acknowledged DM answer whose process stopped before its turn."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import aiohttp

from adapters.slack import values as v
from adapters.slack.blocks import is_live
from bot.events import ConversationKey
from tests.fakes import GatedStore, dead_claimant
from tests.fault.slack_users import answers_of, record_texts
from tests.slack import slack_requests as rq
from tests.slack.conftest import SECRET, TEAM, Harness, Served, serve
from tests.slack.driver import HttpTransport, kind_of
from tests.slack.script import BURRITO, answer, answer_all

USER = "U0000001"
KEY = ConversationKey("slack", TEAM, USER)


class Alternating(HttpTransport):
    """Each request to the next app in turn, as a load balancer without affinity sends them."""

    def __init__(self, apps: list[Served], session: aiohttp.ClientSession) -> None:
        super().__init__("", SECRET, session)
        self.urls = itertools.cycle([app.events_url for app in apps])

    async def post(self, raw: rq.Raw, headers: dict[str, str]) -> tuple[int, str]:
        async with self.session.post(next(self.urls), data=raw.body, headers=headers) as resp:
            return resp.status, await resp.text()


async def test_alternating_processes_keep_every_answer_and_a_right_transcript(
    harness: Harness,
) -> None:
    """/ecoute on A, question 1 on B, question 2 on A...: nothing lost, no record wrong."""
    other = await serve(harness.served.core.settings)
    harness.extra.append(other)
    fake = harness.fake
    user = harness.user(USER, via=Alternating([harness.served, other], harness.session))
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    await user.click(review, "confirm")
    verdict = await user.next_live(after=review["ts"])
    assert kind_of(verdict) == "verdict"
    answers = answers_of({k: (how, value) for k, (how, value) in BURRITO.items()})
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert conv.answers == answers
    texts = Counter(str(m.get("text")) for m in fake.messages[user.dm])
    for text, (question, _) in record_texts(
        harness.served.core.schema, harness.served.core.catalog, answers
    ).items():
        assert texts[text] == 1, (question, texts[text])
    live = [m for m in fake.messages[user.dm] if is_live(m["blocks"])]
    assert [kind_of(m) for m in live] == ["verdict"]


async def test_a_click_that_names_no_user_changes_nothing(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.calls)
    action = {"type": "button", "action_id": v.START, "value": "start", "block_id": "h"}
    body = rq.block_actions(TEAM, USER, action, message=None, channel=None, response_url="")
    del body["user"]
    status, _ = await harness.http.send("interactive", body)
    assert status == 200
    assert await harness.served.slack.tasks.drain(5)
    assert await harness.store.load(ConversationKey("slack", TEAM, ""), fresh=True) is None
    assert [c.method for c in fake.calls[before:]] == []


async def test_a_click_carrying_another_users_message_edits_nothing_of_theirs(
    harness: Harness,
) -> None:
    fake = harness.fake
    alice, mallory = harness.user("U0000001"), harness.user("U0000666")
    await alice.command()
    alices = await alice.next_live()
    await mallory.command()
    mine = await mallory.next_live()
    touched = len(fake.calls)
    # Mallory's own answer, in a payload that says it was clicked on Alice's message.
    action = mallory.action_for(mine, v.encode("a", "business_model", "b2b"))
    body = rq.block_actions(
        TEAM,
        mallory.user,
        action,
        message=alices,
        channel=alice.dm,
        response_url=fake.response_url(),
    )
    assert (await harness.http.send("interactive", body))[0] == 200
    await mallory.next_live(after=mine["ts"])
    assert await harness.served.slack.tasks.drain(5)
    into_alices = [c.method for c in fake.calls[touched:] if c.params.get("channel") == alice.dm]
    assert into_alices == []
    assert fake.messages[alice.dm][0]["blocks"] == alices["blocks"]  # still live, untouched
    assert not is_live(fake.messages[mallory.dm][0]["blocks"])  # her record, in her DM


async def test_an_acknowledged_dm_answer_is_replayed_when_its_process_stopped(
    harness: Harness,
) -> None:
    """The DM answer is acked (200), then the process stops before its turn is stored: Slack
    will never send it again, and the next process runs it from the inbox."""
    user = harness.user(USER)
    await user.command()
    first = await user.next_live()
    await answer(user, first, "choose", "b2b")
    second = await user.next_live(after=first["ts"])
    await answer(user, second, "choose", "niche")
    audience = await user.next_live(after=second["ts"])
    harness.served.slack.jobs.inbox.claimant = dead_claimant()  # as if this process died...
    harness.store.hold("save")  # ...after the ack, before the turn was stored
    status, _ = await user.say("Bakers in Lyon, to sell them flour")
    assert status == 200
    await asyncio.wait_for(harness.store.blocked.wait(), 10)
    settings = harness.served.core.settings
    await harness.served.slack.tasks.cancel()  # dies: nothing of the turn survives in memory
    await harness.served.stop()
    harness.served = await serve(settings, GatedStore)  # the next process sweeps at start
    platforms = await user.next_live(after=str(audience["ts"]))
    assert "platforms" in str(platforms["blocks"])
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert conv.answers["audience"] == "Bakers in Lyon, to sell them flour"
    assert await harness.store.inbox_claimants() == set()  # done, and removed

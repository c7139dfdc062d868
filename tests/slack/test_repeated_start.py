"""Restart and Start clicked twice, and ``/ecoute`` typed twice, in one process or spread over
two: the question is posted once. Restart's button names the view it was on, so a second
click is stale; a Start that changes nothing points to the live question when it is still the
latest message of the DM (as Slack says, whichever process posted it) instead of posting it
again."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.slack import values as v
from adapters.slack.blocks import is_live
from tests.slack.conftest import SECRET, TEAM, Harness, serve
from tests.slack.driver import HttpTransport, SlackUser, kind_of
from tests.slack.script import BURRITO, answer_all

USER = "U0REPEAT1"


async def two_of(h: Harness) -> tuple[SlackUser, SlackUser]:
    """The same person, as seen by this process and by a second one on the same database."""
    other = await serve(h.served.core.settings)
    h.extra.append(other)
    here = h.user(USER)
    there = SlackUser(h.fake, HttpTransport(other.events_url, SECRET, h.session), TEAM, USER)
    return here, there


async def settled(h: Harness) -> None:
    for served in (h.served, *h.extra):
        assert await served.slack.tasks.drain(5)


def posted(h: Harness, since: int) -> list[str]:
    return [str(c.params["text"]) for c in h.fake.calls_to("chat.postMessage")[since:]]


def live(h: Harness, user: SlackUser) -> list[dict[str, Any]]:
    return [m for m in h.fake.messages[user.dm] if is_live(m["blocks"])]


async def test_restart_clicked_twice_on_the_verdict_starts_again_once(harness: Harness) -> None:
    here, there = await two_of(harness)
    await here.command()
    review, _ = await answer_all(here, BURRITO, await here.next_live())
    await here.click(review, "confirm")
    verdict = await here.next_live(after=review["ts"])
    assert kind_of(verdict) == "verdict"
    await settled(harness)
    before = len(harness.fake.calls_to("chat.postMessage"))
    restart = v.encode(v.RESTART_TAG, "verdict")
    await asyncio.gather(here.click(verdict, restart), there.click(verdict, restart))
    await here.next_live(after=verdict["ts"])
    await settled(harness)
    assert [t for t in posted(harness, before) if "Question 1 of" in t] == [posted(harness, 0)[-1]]
    assert len(live(harness, here)) == 1


async def test_restart_clicked_twice_in_one_process_starts_again_once(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    before = len(harness.fake.calls_to("chat.postMessage"))
    restart = v.encode(v.RESTART_TAG, "review")
    await asyncio.gather(user.click(review, restart), user.click(review, restart))
    await user.next_live(after=review["ts"])
    await settled(harness)
    assert len([t for t in posted(harness, before) if "Question 1 of" in t]) == 1


async def at_second_question(h: Harness, user: SlackUser) -> dict[str, Any]:
    await user.command()
    first = await user.next_live()
    await user.click(first, v.encode("a", "business_model", "b2c"))
    second = await user.next_live(after=first["ts"])
    await settled(h)
    return second


async def test_start_clicked_twice_in_app_home_posts_nothing_again(harness: Harness) -> None:
    here, there = await two_of(harness)
    second = await at_second_question(harness, here)
    before, homes = (
        len(harness.fake.calls_to("chat.postMessage")),
        len(harness.fake.calls_to("views.publish")),
    )
    await asyncio.gather(here.click(None, "start"), there.click(None, "start"))
    await settled(harness)
    assert posted(harness, before) == []
    assert live(harness, here) == [second]  # still the one live question
    published = [str(c.params["view"]) for c in harness.fake.calls_to("views.publish")[homes:]]
    assert len(published) == 2
    assert all("waiting for you in our direct messages" in view for view in published)


async def test_ecoute_typed_twice_points_to_the_question(harness: Harness) -> None:
    here, there = await two_of(harness)
    second = await at_second_question(harness, here)
    before = len(harness.fake.calls_to("chat.postMessage"))
    answered = len(harness.fake.calls_to("response_url"))
    await asyncio.gather(here.command(), there.command("resume"))
    await settled(harness)
    assert posted(harness, before) == []
    assert live(harness, here) == [second]
    notes = [str(c.params["text"]) for c in harness.fake.calls_to("response_url")[answered:]]
    waiting = "Your interview is waiting for you in our direct messages, at the bottom of"
    assert notes == [f"{waiting} <#{here.dm}>."] * 2


async def test_ecoute_posts_the_question_again_when_it_is_no_longer_the_latest(
    harness: Harness,
) -> None:
    user = harness.user(USER, "fr-FR")
    second = await at_second_question(harness, user)
    said = {"type": "message", "user": USER, "ts": "1700000000.999999", "text": "re", "blocks": []}
    harness.fake.messages[user.dm].append(said)  # the user wrote below it
    before = len(harness.fake.calls_to("chat.postMessage"))
    await user.command()
    again = await user.next_live(after=second["ts"])
    await settled(harness)
    assert len(posted(harness, before)) == 1
    assert live(harness, user) == [again]  # the old copy lost its buttons
    await user.command()  # now it is the latest again
    await settled(harness)
    assert len(posted(harness, before)) == 1
    last = harness.fake.calls_to("response_url")[-1]
    assert "Votre entretien vous attend" in str(last.params["text"])

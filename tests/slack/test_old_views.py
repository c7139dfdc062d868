"""The review's and the verdict's buttons name the view they are on: clicked from a copy that
is no longer the live view (twice, or after a restart), they change nothing."""

from __future__ import annotations

import copy

from adapters.slack import values as v
from bot.conversation import Phase
from bot.events import ConversationKey
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import kind_of
from tests.slack.script import BURRITO, answer_all

USER = "U0OLDVIEW1"
KEY = ConversationKey("slack", TEAM, USER)


async def test_an_old_reviews_change_after_a_restart_changes_nothing(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    review = copy.deepcopy(review)  # as the user's screen showed it (the DM's copy changes)
    assert kind_of(review) == "review"
    await user.command("restart")
    first = await user.next_live(after=review["ts"])
    assert kind_of(first) == "question"
    await user.click(review, v.encode("e", "honesty", "review"))  # the copy kept before
    assert await harness.served.slack.tasks.drain(5)
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert (conv.phase, conv.cursor, conv.answers) == (Phase.ASKING, "business_model", {})


async def test_the_reviews_change_applies_once_from_the_review(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    review = copy.deepcopy(review)  # as the user's screen showed it (the DM's copy changes)
    change = v.encode("e", "honesty", "review")
    await user.click(review, change)
    asked = await user.next_live(after=review["ts"])
    assert kind_of(asked) == "question"
    await user.click(review, change)  # the same button again: already changing that answer
    assert await harness.served.slack.tasks.drain(5)
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert (conv.phase, conv.cursor, conv.return_to) == (Phase.ASKING, "honesty", Phase.REVIEW)


async def test_the_reviews_back_clicked_twice_goes_back_once(harness: Harness) -> None:
    user = harness.user(USER)
    await user.command()
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    review = copy.deepcopy(review)  # as the user's screen showed it (the DM's copy changes)
    back = v.encode("b", "review")
    await user.click(review, back)
    await user.next_live(after=review["ts"])
    await user.click(review, back)
    assert await harness.served.slack.tasks.drain(5)
    conv = await harness.store.load(KEY, fresh=True)
    assert conv is not None
    assert (conv.phase, conv.cursor) == (Phase.ASKING, "honesty")

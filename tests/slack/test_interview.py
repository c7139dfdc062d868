"""The whole interview over real loopback HTTP: slash command -> DM -> every kind of answer ->
review -> verdict, in English and in French, with the real Bolt app and a real SQLite file."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import values as v
from adapters.slack.blocks import is_live
from bot.conversation import Phase
from bot.events import ConversationKey
from tests.slack.conftest import TEAM, Harness
from tests.slack.driver import kind_of, values_of
from tests.slack.script import BURRITO, HOSTILE, answer_all

USER = "U0000001"
WORDS = {
    "en-US": ("Question 1 of", "I’ve sent you a direct message", "Your verdict", "Engage"),
    "fr-FR": ("Question 1 sur", "Je vous ai écrit en message direct", "Votre verdict", "S’engager"),
}


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
async def test_slash_command_to_verdict_with_every_kind_of_answer(
    harness: Harness, locale: str
) -> None:
    fake = harness.fake
    user = harness.user(USER, locale)
    first_words, dm_sent, verdict_title, engage = WORDS[locale]

    status, _ = await user.command("", channel="C0GENERAL")
    assert status == 200
    first = await user.next_live()
    assert first_words in str(first["blocks"])
    said = await fake.wait_for(lambda: fake.calls_to("response_url") or None)
    assert dm_sent in said[0].params["text"]
    assert f"<#{user.dm}>" in said[0].params["text"]
    assert said[0].params["response_type"] == "ephemeral"

    review, asked = await answer_all(user, BURRITO, first)
    assert kind_of(review) == "review"
    assert "presence.instagram" in asked
    assert "presence.facebook" in asked
    posted = [c.params for c in fake.calls_to("chat.postMessage")]
    kinds = {el["type"] for p in posted for b in p["blocks"] for el in b.get("elements", [])}
    assert {"button", "static_select", "checkboxes"} <= kinds
    modal = fake.calls_to("views.open")[0].params["view"]
    assert modal["blocks"][-1]["element"]["type"] == "number_input"
    escaped = "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x|y&gt;"
    assert escaped in str(review["blocks"])

    await user.click(review, "confirm")
    verdict = await user.next_live(after=review["ts"])
    assert kind_of(verdict) == "verdict"
    text = str(verdict["blocks"])
    assert verdict_title in text
    assert engage in text
    assert "Instagram" in text
    assert "TikTok" in text
    assert "Facebook" in text

    # Every earlier message became a record or lost its buttons: only the verdict is live.
    live = [m for m in fake.messages[user.dm] if is_live(m["blocks"])]
    assert [m["ts"] for m in live] == [verdict["ts"]]
    # Nothing anywhere pings: the hostile answer only ever went out escaped.
    for call in fake.calls:
        assert HOSTILE not in str(call.params)
        assert "<!channel>" not in str(call.params)

    key = ConversationKey("slack", TEAM, USER)
    conv = await harness.served.core.store.load(key)
    assert conv is not None
    assert conv.phase is Phase.VERDICT
    assert conv.answers["audience"] == HOSTILE
    assert conv.answers["effort_hours"] == 15
    assert conv.answers["platforms"] == ("facebook", "instagram", "tiktok")
    assert conv.lang == locale[:2]
    # App Home follows the verdict.
    homes = await fake.wait_for(lambda: fake.calls_to("views.publish") or None)
    assert verdict_title in str(homes[-1].params["view"])


async def test_each_question_message_becomes_a_short_record(harness: Harness) -> None:
    fake = harness.fake
    user = harness.user(USER)
    await user.command()
    first = await user.next_live()
    await user.click(first, v.encode("a", "business_model", "b2b"))
    second = await user.next_live(after=first["ts"])
    updated = await fake.wait_for(lambda: fake.calls_to("chat.update") or None)
    assert updated[0].params["ts"] == first["ts"]
    record = fake.messages[user.dm][0]
    assert not is_live(record["blocks"])
    assert "Who buys" in record["text"]
    assert "Other businesses (B2B)" in record["text"]
    assert question_ids(second) == {"buyers"}


async def test_review_edit_then_verdict_edit_and_restart(harness: Harness) -> None:
    fake = harness.fake
    user = harness.user(USER)
    await user.command("start")
    review, _ = await answer_all(user, BURRITO, await user.next_live())
    # Change one answer from the review: its question comes back, then the review again.
    await user.click(review, v.encode("e", "bought_growth", "review"))
    question = await user.next_live(after=review["ts"])
    assert question_ids(question) == {"bought_growth"}
    assert not is_live(fake.messages[user.dm][-2]["blocks"])  # the old review lost its buttons
    await user.click(question, v.encode("a", "bought_growth", "yes"))
    review = await user.next_live(after=question["ts"])
    assert kind_of(review) == "review"
    await user.click(review, "confirm")
    verdict = await user.next_live(after=review["ts"])
    warnings = str(verdict["blocks"])
    assert "paid for followers" in warnings
    # From the verdict: the "change an answer" select edits, and the verdict comes back.
    await user.click(verdict, v.encode("e", "bought_growth", "verdict"))
    question = await user.next_live(after=verdict["ts"])
    await user.click(question, v.encode("a", "bought_growth", "no"))
    again = await user.next_live(after=question["ts"])
    assert kind_of(again) == "verdict"
    assert "paid for followers" not in str(again["blocks"])
    # Start again: the first question, with the notice.
    await user.click(again, v.encode(v.RESTART_TAG, "verdict"))
    first = await user.next_live(after=again["ts"])
    assert question_ids(first) == {"business_model"}
    assert "Starting again" in str(first["blocks"])


def question_ids(msg: dict[str, Any]) -> set[str]:
    ids = set()
    for value in values_of(msg):
        parsed = v.decode(value)
        if parsed is not None and parsed.tag in ("a", "c", "m", "t"):
            ids.add(parsed.question)
    return ids

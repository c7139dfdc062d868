"""Back, Change and Start again belong to the view they are on; older buttons are out of date.

A member's interview can be shown in several private messages at once (an older message, a
double click, a new ``/ecoute restart``): only a click from the live view moves it. Buttons of
an older version of écoute, or of no shape this one knows, get "this button is out of date"
and where the member is. After ``/ecoute forget`` an old message says the answers are gone,
and its click creates no conversation.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.bootstrap import Core
from bot.conversation import Phase
from bot.events import ConversationKey
from tests.cases import BURRITO
from tests.discord.driver import answer_all, current_question
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import MODAL_SUBMIT, Member, custom_ids, find

KEY = ConversationKey("discord", "910000000000000001", "111")
CHANNEL_MESSAGE, UPDATE_MESSAGE, EPHEMERAL = 4, 7, 64
STALE = "That button is from an earlier step: nothing changed. Here is where you are now."
OUTDATED = "This button is out of date. Here is where you are now."
OUTDATED_FR = "Ce bouton n’est plus à jour. Voici où vous en êtes."
OUTDATED_ELSEWHERE = "This button is out of date. Type /ecoute resume to see where you are."
GONE = (
    "Your answers were deleted, so this message no longer works. Type /ecoute start to begin again."
)
GONE_FR = (
    "Vos réponses ont été effacées : ce message ne fonctionne plus. "
    "Tapez /écoute commencer pour recommencer."
)


async def review_of(alice: Member) -> int:
    """Alice answers the whole interview: the id of her message, showing the review."""
    started = await alice.slash("start")
    assert started.original is not None
    await answer_all(alice, started.original, BURRITO)
    assert current_question(alice.fake, started.original) is None
    return started.original


def content(data: dict[str, Any]) -> str:
    return str(data.get("content") or "")


def title(message: dict[str, Any]) -> str:
    embeds = message.get("embeds") or []
    return str(embeds[0].get("title")) if embeds else ""


def renamed(message: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A copy of ``message`` whose component ``old`` has the custom_id ``new`` (a message
    an older version of écoute sent)."""
    text = json.dumps(message).replace(json.dumps(old), json.dumps(new))
    copied: dict[str, Any] = json.loads(text)
    return copied


async def test_the_reviews_back_clicked_twice_goes_back_once(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        message_id = await review_of(alice)
        review = copy.deepcopy(fake.messages[message_id])
        back = find(review, "ec:b:")["custom_id"]
        assert back == "ec:b:en:111:review:"
        payloads = [alice.click_payload(message_id, back, seen=review) for _ in range(2)]
        first, second = [await fake.send_interaction(p) for p in payloads]  # a double click
        for record in (first, second):
            await alice.settle(record)
        texts = [content(r.responses[0][1]) for r in (first, second)]
        assert sum(STALE in t for t in texts) == 1
        assert current_question(fake, message_id) == "honesty"  # the last question, once
    stored = await core.store.load(KEY)
    assert stored is not None
    assert (stored.phase, stored.cursor) == (Phase.ASKING, "honesty")


async def test_an_old_reviews_back_leaves_the_verdict(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        message_id = await review_of(alice)
        review = copy.deepcopy(fake.messages[message_id])
        await alice.click(message_id, find(review, "ec:k:")["custom_id"])
        assert title(fake.messages[message_id]) == "Your verdict"
        payload = alice.click_payload(message_id, find(review, "ec:b:")["custom_id"], seen=review)
        stale = await alice.settle(await fake.send_interaction(payload))
        assert stale.first_type == UPDATE_MESSAGE
        assert STALE in content(stale.responses[0][1])
        assert title(fake.messages[message_id]) == "Your verdict"
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.phase is Phase.VERDICT


async def test_an_old_reviews_change_after_a_restart_changes_nothing(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        message_id = await review_of(alice)
        review = copy.deepcopy(fake.messages[message_id])
        restarted = await alice.slash("restart")  # a new message: question 1, no answers
        assert current_question(fake, restarted.original or 0) == "business_model"
        change = find(review, "ec:e:")["custom_id"]
        assert change == "ec:e:en:111:review:"
        payload = alice.choose_payload(message_id, change, ["honesty"], seen=review)
        stale = await alice.settle(await fake.send_interaction(payload))
        assert STALE in content(stale.responses[0][1])
        assert current_question(fake, message_id) == "business_model"
    stored = await core.store.load(KEY)
    assert stored is not None
    assert (stored.cursor, stored.answers, stored.return_to) == ("business_model", {}, None)


async def test_the_verdicts_start_again_clicked_twice_clears_once(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        message_id = await review_of(alice)
        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        verdict = copy.deepcopy(fake.messages[message_id])
        again = find(verdict, "ec:r:")["custom_id"]
        assert again == "ec:r:en:111:verdict:"
        await alice.settle(
            await fake.send_interaction(alice.click_payload(message_id, again, seen=verdict))
        )
        await alice.click(message_id, "ec:a:en:111:business_model:b2c")  # answers anew
        late = alice.click_payload(message_id, again, seen=verdict)  # the old verdict's again
        stale = await alice.settle(await fake.send_interaction(late))
        assert STALE in content(stale.responses[0][1])
        assert current_question(fake, message_id) == "buyers"
    stored = await core.store.load(KEY)
    assert stored is not None
    assert stored.answers == {"business_model": "b2c"}


async def test_buttons_of_an_older_version_are_out_of_date(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        message_id = await review_of(alice)
        review = copy.deepcopy(fake.messages[message_id])
        before = await core.store.load(KEY)
        for now, old in (
            ("ec:b:en:111:review:", "ec:b:en:111::"),  # Back, from before it named its view
            ("ec:k:en:111:review:", "ec:z:en:111:review:"),  # an action no longer known
            ("ec:b:en:111:review:", "ec:b:en"),  # cut short
            ("ec:b:en:111:review:", "ec:b:en:111:review::extra"),  # one field too many
        ):
            shown = renamed(review, now, old)
            payload = alice.click_payload(message_id, old, seen=shown)
            record = await alice.settle(await fake.send_interaction(payload))
            kind, data, _ = record.responses[0]
            assert kind == UPDATE_MESSAGE, old
            assert content(data) == f"> {OUTDATED}", old
            assert title(data) == title(review)  # where she is: the review, live again
            assert "ec:b:en:111:review:" in custom_ids(data)
        shown = renamed(review, "ec:e:en:111:review:", "ec:e:en:111::")  # Change, as it was
        payload = alice.choose_payload(message_id, "ec:e:en:111::", ["honesty"], seen=shown)
        record = await alice.settle(await fake.send_interaction(payload))
        assert content(record.responses[0][1]) == f"> {OUTDATED}"
    assert await core.store.load(KEY) == before


async def test_an_out_of_date_button_speaks_its_language(core: Core, fake: FakeDiscord) -> None:
    marie = Member(fake, 333, "marie", locale="fr")
    async with running(core, fake):
        started = await marie.slash("start")
        message_id = started.original or 0
        old = "ec:q:fr:333:business_model:b2b"
        shown = renamed(
            copy.deepcopy(fake.messages[message_id]), "ec:a:fr:333:business_model:b2b", old
        )
        record = await marie.settle(
            await fake.send_interaction(marie.click_payload(message_id, old, seen=shown))
        )
        assert content(record.responses[0][1]).startswith(f"> {OUTDATED_FR}")
        assert current_question(fake, message_id) == "business_model"


async def test_an_out_of_date_button_on_a_public_message_gets_a_private_note(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob = Member(fake, 111, "alice"), Member(fake, 222, "bob")
    async with running(core, fake):
        message_id = await review_of(alice)
        await alice.click(message_id, find(fake.messages[message_id], "ec:k:")["custom_id"])
        shared = await alice.click(
            message_id, find(fake.messages[message_id], "ec:s:")["custom_id"]
        )
        public = fake.messages[shared.original or 0]
        assert not int(public["flags"]) & EPHEMERAL
        old = "ec:own:en:0"
        shown = renamed(copy.deepcopy(public), "ec:o:en:0::", old)
        record = await bob.settle(
            await fake.send_interaction(bob.click_payload(int(public["id"]), old, seen=shown))
        )
        kind, data, _ = record.responses[0]
        assert (kind, data["flags"] & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
        assert content(data) == OUTDATED_ELSEWHERE
    assert await core.store.load(ConversationKey("discord", KEY.workspace, "222")) is None


async def test_a_form_of_an_older_version_is_out_of_date(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original or 0
        await answer_all(alice, message_id, BURRITO, stop_at="audience")
        data = {
            "custom_id": "ec:form:audience",
            "components": [
                {"type": 1, "components": [{"type": 4, "custom_id": "x", "value": "Plates"}]}
            ],
        }
        payload = alice.payload(MODAL_SUBMIT, data, message=fake.messages[message_id])
        record = await alice.settle(await fake.send_interaction(payload))
        assert content(record.responses[0][1]).startswith(f"> {OUTDATED}")
        assert current_question(fake, message_id) == "audience"


async def test_after_forget_an_old_message_says_the_answers_are_gone(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        started = await alice.slash("start")
        message_id = started.original or 0
        await answer_all(alice, message_id, BURRITO, stop_at="audience")
        opened = await alice.click(
            message_id, find(fake.messages[message_id], "ec:t:")["custom_id"]
        )
        kept = copy.deepcopy(fake.messages[message_id])
        await alice.slash("forget")
        assert await core.store.load(KEY) is None

        picked = await alice.click(message_id, find(kept, "ec:b:")["custom_id"])
        kind, data, _ = picked.responses[0]
        assert (kind, content(data), data.get("components")) == (UPDATE_MESSAGE, GONE, [])
        assert fake.messages[message_id]["components"] == []  # no control left to click
        typed = await alice.submit(opened, "Plate makers")  # a form opened before forget
        assert content(typed.responses[0][1]) == GONE
        assert await core.store.load(KEY) is None  # no conversation made by those clicks

        again = await alice.slash("start")  # and she can start anew
        assert current_question(fake, again.original or 0) == "business_model"


async def test_after_forget_the_note_speaks_the_messages_language(
    core: Core, fake: FakeDiscord
) -> None:
    marie = Member(fake, 333, "marie", locale="fr")
    async with running(core, fake):
        started = await marie.slash("start")
        message_id = started.original or 0
        kept = copy.deepcopy(fake.messages[message_id])
        await marie.slash("forget")
        payload = marie.click_payload(message_id, "ec:a:fr:333:business_model:b2b", seen=kept)
        record = await marie.settle(await fake.send_interaction(payload))
        assert content(record.responses[0][1]) == GONE_FR
    assert await core.store.load(ConversationKey("discord", KEY.workspace, "333")) is None

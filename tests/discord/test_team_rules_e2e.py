"""Team rounds' edges: another guild, a channel the bot can't post in, closed DMs, options."""

from __future__ import annotations

import dataclasses

from bot.bootstrap import Core
from tests.discord import wire
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member
from tests.discord.teams import (
    GatedRounds,
    action_ids,
    button,
    click_as_seen,
    description,
    give_verdict,
    live_messages,
    open_round,
    private_text,
    reports,
)

ALICE, BOB, CAROL, EVE = 111, 222, 333, 555
DEFERRED_MESSAGE, DEFERRED_UPDATE = 5, 6
OTHER_GUILD = 919999999999999999


async def test_a_member_of_another_guild_finds_nothing(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    eve = Member(fake, EVE, "eve", guild_id=OTHER_GUILD, permissions=1 << 5)
    async with running(core, fake, sweep_every=None):
        live = await open_round(alice, people=f"<@{BOB}>")
        live_id = int(live["id"])
        await fake.until(lambda: bool(fake.dm_messages(BOB)))
        (invite,) = fake.dm_messages(BOB)
        for action in ("j", "c"):
            clicked = await eve.click(live_id, button(live, action))
            assert (
                private_text(clicked) == "I can’t find that team round: it may have been deleted."
            )
        # the invitation's button names bob's guild, but only bob may use it, in his DM
        clicked = await eve.in_dm().click(int(invite["id"]), button(invite, "x"))
        assert "can’t find that team round" in private_text(clicked)
        assert "0 of 1 have answered" in description(fake.messages[live_id])
        assert action_ids(fake.messages[live_id]) == ["j", "c"]
    assert reports(fake) == []


async def test_a_channel_the_bot_cannot_post_in_opens_nothing(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, ALICE, "alice")
    fake.forbidden_channels.add(wire.CHANNEL_ID)
    async with running(core, fake, sweep_every=None) as client:
        refused = await alice.slash("team", people=f"<@{BOB}>")
        assert "I can’t post in this channel" in private_text(refused)
        assert fake.dm_messages(BOB) == []  # nobody is invited to a round nobody can see
        assert await client.rounds.sweep() == 0
    (round_,) = await core.rounds.rounds("discord", str(wire.GUILD_ID))
    assert not round_.open
    assert round_.report_message == ""


async def test_someone_who_takes_no_dms_is_skipped_and_can_still_take_part(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, BOB, "bob")
    fake.closed_dms.add(BOB)
    await give_verdict(core, CAROL)
    async with running(core, fake, sweep_every=None):
        live = await open_round(alice, people=f"<@{BOB}> <@{CAROL}>")
        await fake.until(lambda: bool(fake.dm_messages(CAROL)))
        assert fake.dm_messages(BOB) == []
        joined = await bob.click(int(live["id"]), button(live, "j"))
        assert "Question 1 of 12" in private_text(joined)
        outsider = await Member(fake, EVE, "eve").click(int(live["id"]), button(live, "j"))
        assert private_text(outsider) == f"This round is for the people <@{ALICE}> invited."


async def test_options_the_core_does_not_understand_are_explained_privately(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, ALICE, "alice")
    async with running(core, fake, sweep_every=None):
        typed = await alice.slash("team", people="bob")
        assert "I didn’t understand “bob”" in private_text(typed)
        at = await alice.slash("team", people="@sam")
        assert "Mention the people to ask with @" in private_text(at)
        dm = await Member(fake, ALICE, "alice", in_guild=False).slash("team")
        assert "Open a team round from a channel" in private_text(dm)
        french = await Member(fake, BOB, "bob", locale="fr").slash("team", days=2)
        assert private_text(french) == "Votre tour d’équipe est ouvert dans ce canal."
    assert live_messages(fake) == []  # the one round opened is in French
    (posted,) = fake.channel_messages(wire.CHANNEL_ID)
    assert posted["embeds"][0]["title"] == "Tour d’équipe : quelqu’un écoute-t-il ?"
    assert [c["label"] for c in posted["components"][0]["components"]] == [
        "Participer",
        "Clore et publier le rapport",
    ]


async def test_a_slow_or_absent_database_never_leaves_a_click_unanswered(
    core: Core, fake: FakeDiscord
) -> None:
    gated = GatedRounds(core.rounds)
    slow = dataclasses.replace(core, rounds=gated.store())
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, BOB, "bob")
    async with running(slow, fake, sweep_every=None, budget=0.05):
        live = await open_round(alice)
        live_id = int(live["id"])

        gated.hold()
        join = await fake.send_interaction(bob.click_payload(live_id, button(live, "j")))
        close = await fake.send_interaction(alice.click_payload(live_id, button(live, "c")))
        await fake.until(lambda: join.first_type is not None and close.first_type is not None)
        assert (join.first_type, close.first_type) == (DEFERRED_MESSAGE, DEFERRED_UPDATE)
        gated.release()
        await bob.settle(join)
        await alice.settle(close)
        await fake.until(lambda: len(reports(fake)) == 1)
        assert action_ids(fake.messages[live_id]) == []

        gated.down = True
        again = await click_as_seen(bob, live, button(live, "j"))
        assert "couldn’t save that just now" in private_text(again)
        opened = await alice.slash("team")
        assert "couldn’t save that just now" in private_text(opened)

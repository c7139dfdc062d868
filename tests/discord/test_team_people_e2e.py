"""``/ecoute team people:…`` asks people only: bots are left out.

A round can't close before its deadline while someone invited can never answer (a bot); the
confirmation says who was left out, and a round with nobody left to ask is not opened. The
owner may name themselves, to answer too.
"""

from __future__ import annotations

from typing import Any

from bot.bootstrap import Core
from tests.discord import wire
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member
from tests.discord.teams import description, live_messages, private_text

ALICE, BOB, CAROL, HELPER_BOT = 111, 222, 333, 555


def team_payload(owner: Member, people: str, *, bots: tuple[int, ...] = ()) -> dict[str, Any]:
    """``/ecoute team people:<people>``, its mentions resolved as Discord does (``bot`` true
    on bots)."""
    payload = owner.slash_payload("team", people=people)
    users = {
        str(u): wire.user(u, f"user{u}", bot=u in bots or u == wire.APP_ID)
        for u in (wire.APP_ID, ALICE, BOB, CAROL, HELPER_BOT)
        if f"{u}>" in people
    }
    payload["data"]["resolved"] = {"users": users}
    return payload


async def test_bots_are_left_out_and_the_owner_is_told(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    people = f"<@{wire.APP_ID}> <@{BOB}> <@{ALICE}> <@!{HELPER_BOT}> <@{CAROL}>"
    async with running(core, fake, sweep_every=None):
        payload = team_payload(alice, people, bots=(HELPER_BOT,))
        opened = await alice.settle(await fake.send_interaction(payload))
        assert private_text(opened) == (
            "Your team round is open in this channel.\n"
            f"I left out <@{wire.APP_ID}>, <@{HELPER_BOT}>: a bot can’t answer a team round."
        )
        await fake.until(lambda: bool(live_messages(fake)))
        (live,) = live_messages(fake)
        text = description(live)
        assert f"Invited: <@{BOB}>, <@{ALICE}>, <@{CAROL}>" in text  # the owner answers too
        assert text.endswith("**0 of 3 have answered**")
        await fake.until(lambda: all(fake.dm_messages(u) for u in (BOB, ALICE, CAROL)))
    assert sorted(set(fake.dm_channels.values())) == [ALICE, BOB, CAROL]  # no DM to a bot


async def test_the_bot_is_left_out_even_unresolved(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    async with running(core, fake, sweep_every=None):
        opened = await alice.slash("team", people=f"<@{BOB}> <@!{wire.APP_ID}>")
        assert f"I left out <@{wire.APP_ID}>:" in private_text(opened)
        await fake.until(lambda: bool(live_messages(fake)))
        text = description(live_messages(fake)[0])
        assert f"Invited: <@{BOB}>\n" in text
        assert text.endswith("**0 of 1 have answered**")


async def test_nobody_left_to_ask_opens_no_round(core: Core, fake: FakeDiscord) -> None:
    alice, marie = Member(fake, ALICE, "alice"), Member(fake, CAROL, "marie", locale="fr")
    async with running(core, fake, sweep_every=None):
        payload = team_payload(alice, f"<@{wire.APP_ID}>")
        refused = await alice.settle(await fake.send_interaction(payload))
        assert private_text(refused) == (
            "There is nobody left to ask: a bot can’t answer a team round "
            f"(<@{wire.APP_ID}>). Mention the people to ask, for example "
            "`/ecoute team people:@alex @sam`."
        )
        payload = team_payload(marie, f"<@{HELPER_BOT}>", bots=(HELPER_BOT,))
        refused = await marie.settle(await fake.send_interaction(payload))
        assert private_text(refused).startswith("Il ne reste personne à interroger : ")
    assert live_messages(fake) == []
    assert await core.rounds.rounds("discord", str(wire.GUILD_ID)) == []
    assert fake.dm_channels == {}

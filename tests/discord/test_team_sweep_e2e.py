"""The sweep: rounds past their deadline are reported once; a report a dead process left
unposted is posted by another. The clock is the core's, moved by the test: nothing sleeps."""

from __future__ import annotations

import dataclasses

from adapters.discord.team_views import REFS
from bot.bootstrap import Core
from bot.team.rounds import Closing
from tests.clock import Clock
from tests.discord import wire
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member
from tests.discord.teams import (
    action_ids,
    button,
    click_as_seen,
    description,
    give_verdict,
    key_of,
    open_round,
    private_text,
    report_requests,
    reports,
)

ALICE, BOB = 111, 222
DAY = 86_400.0


async def test_the_deadline_closes_the_round_and_one_sweep_reports_it(
    core: Core, fake: FakeDiscord
) -> None:
    clock = Clock()
    timed = dataclasses.replace(core, clock=clock)
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, BOB, "bob")
    await give_verdict(core, BOB)
    async with running(timed, fake, sweep_every=None) as client:
        live = await open_round(alice, days=2)
        live_id = int(live["id"])
        assert f"<t:{int(clock.now + 2 * DAY)}:D>" in description(live)
        joined = await bob.click(live_id, button(live, "j"))
        choice = fake.messages[joined.original or 0]
        await bob.click(int(choice["id"]), button(choice, "u"))

        assert await client.rounds.sweep() == 0  # not due yet
        clock.now += 2 * DAY + 1
        assert await client.rounds.sweep() == 1
        assert await client.rounds.sweep() == 0
        assert len(reports(fake)) == 1
        assert action_ids(fake.messages[live_id]) == []
        assert "the report is below" in description(fake.messages[live_id])

        late = await click_as_seen(bob, live, button(live, "j"))  # a client not refreshed yet
        assert private_text(late) == "This team round is closed already."
    assert len(report_requests(fake)) == 1
    (round_,) = await core.rounds.rounds("discord", str(wire.GUILD_ID))
    assert round_.closed_by is Closing.DEADLINE
    assert round_.report_message == reports(fake)[0]["id"]


async def test_a_report_left_unposted_by_a_dead_process_is_posted_by_the_sweep(
    core: Core, fake: FakeDiscord
) -> None:
    clock = Clock()
    timed = dataclasses.replace(core, clock=clock)
    alice = Member(fake, ALICE, "alice")
    await give_verdict(core, BOB)
    async with running(timed, fake, sweep_every=None) as client:
        live = await open_round(alice)
        (found,) = await core.rounds.rounds("discord", str(wire.GUILD_ID))
        await client.team.join(key_of(BOB), found.id, REFS)
        await client.team.use_verdict(key_of(BOB), found.id, REFS)
        # another process closed it and claimed the report, then died
        closed = await core.rounds.close(found.id, Closing.OWNER, clock.now)
        assert closed is not None
        assert await client.team.claim_report(closed, "elsewhere:1")
        assert await client.rounds.sweep() == 0  # its claim still holds
        clock.now += 61  # past the claim's lease
        assert await client.rounds.sweep() == 1
        assert await client.rounds.sweep() == 0
        assert action_ids(fake.messages[int(live["id"])]) == []
    (report,) = reports(fake)
    assert report["embeds"][0]["description"].startswith("1 of 1 answered.")


async def test_the_client_sweeps_by_itself(core: Core, fake: FakeDiscord) -> None:
    clock = Clock()
    timed = dataclasses.replace(core, clock=clock)
    alice = Member(fake, ALICE, "alice")
    async with running(timed, fake, sweep_every=0.01):
        await open_round(alice, days=1)
        clock.now += DAY + 1
        await fake.until(lambda: len(reports(fake)) == 1)
    assert len(report_requests(fake)) == 1

"""Team rounds end to end: /ecoute team, invitations in DMs, the live message, the report."""

from __future__ import annotations

import json

from bot.bootstrap import Core
from tests.cases import LICENCE_PLATE
from tests.discord import wire
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import Member, components
from tests.discord.teams import (
    MANAGE_GUILD,
    PNG,
    REPORT_TITLE,
    UPDATE_MESSAGE,
    action_ids,
    button,
    click_as_seen,
    description,
    give_verdict,
    mentions_anyone,
    open_round,
    private_text,
    progress_seen,
    report_requests,
    reports,
    shown,
    take_part_and_answer,
)

ALICE, BOB, CAROL, DAVE = 111, 222, 333, 444


async def test_an_invited_round_from_the_invitations_to_one_report(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob, carol, dave = (
        Member(fake, ALICE, "alice"),
        Member(fake, BOB, "bob"),
        Member(fake, CAROL, "carol"),
        Member(fake, DAVE, "dave"),
    )
    await give_verdict(core, BOB)
    async with running(core, fake, sweep_every=None):
        live = await open_round(alice, people=f"<@{BOB}> <@{CAROL}>,<@!{DAVE}>")
        live_id = int(live["id"])
        text = description(live)
        assert f"<@{ALICE}> asks the team" in text
        assert f"Invited: <@{BOB}>, <@{CAROL}>, <@{DAVE}>" in text
        assert "The report is anonymous" in text
        assert "<t:" in text  # the deadline, in each reader's own time zone
        assert text.endswith("**0 of 3 have answered**")
        assert action_ids(live) == ["j", "c"]

        # each invited person gets a DM; bob, who has a verdict, may use it from there
        await fake.until(lambda: all(fake.dm_messages(u) for u in (BOB, CAROL, DAVE)))
        (to_bob,) = fake.dm_messages(BOB)
        (to_carol,) = fake.dm_messages(CAROL)
        assert "invites you to a team round in <#" in to_bob["content"]
        assert "You already have a verdict" in to_bob["content"]
        assert "You already have a verdict" not in to_carol["content"]
        assert action_ids(to_bob) == ["u", "x"]
        assert action_ids(to_carol) == ["x"]
        links = [c for c in components(to_carol) if c.get("url")]
        assert [c["label"] for c in links] == ["Start"]
        assert links[0]["url"].endswith(f"/{wire.GUILD_ID}/{wire.CHANNEL_ID}/{live_id}")

        used = await bob.in_dm().click(int(to_bob["id"]), button(to_bob, "u"))
        assert used.first_type == UPDATE_MESSAGE
        assert "your verdict counts" in fake.messages[int(to_bob["id"])]["content"]
        assert action_ids(fake.messages[int(to_bob["id"])]) == []
        await fake.until(lambda: "1 of 3" in description(fake.messages[live_id]))

        declined = await carol.in_dm().click(int(to_carol["id"]), button(to_carol, "x"))
        assert "you are out of this round" in declined.responses[0][1]["content"]
        await fake.until(lambda: "1 declined" in description(fake.messages[live_id]))

        confirmed = await take_part_and_answer(dave, live, LICENCE_PLATE)
        assert confirmed.first_type == UPDATE_MESSAGE
        await fake.until(lambda: len(reports(fake)) == 1)
        await fake.until(lambda: action_ids(fake.messages[live_id]) == [])
        assert any(
            "your verdict counts" in fake.messages[m]["content"] for m in confirmed.followups
        )

        # the owner's Close on the message as it was before: closed already, no second report
        late = await click_as_seen(alice, live, button(live, "c"))
        assert "closed already" in private_text(late)

    (report,) = reports(fake)
    assert len(report_requests(fake)) == 1
    embed = report["embeds"][0]
    assert embed["title"] == REPORT_TITLE
    assert embed["description"].startswith("2 of 2 answered.")
    assert "Anonymous: counts only." in embed["description"]
    assert [f["name"] for f in embed["fields"]][:2] == [
        "Network by network",
        "Where you don’t agree",
    ]
    assert embed["image"]["url"] == "attachment://team-report.png"
    assert [a["filename"] for a in report["attachments"]] == ["team-report.png"]
    (chart,) = fake.uploads[int(report["id"])]
    assert chart.data.startswith(PNG)
    (posted,) = report_requests(fake)
    sent = json.dumps(posted.body, ensure_ascii=False)
    assert not mentions_anyone(sent, ALICE, BOB, CAROL, DAVE)

    final = fake.messages[live_id]
    assert description(final).startswith("This round is closed: the report is below.")
    assert final["components"] == []
    assert progress_seen(fake, live_id) == [
        "1 of 3 have answered",
        "1 of 2 have answered · 1 declined",
        "2 of 2 have answered · 1 declined",
    ]
    assert posted.body["attachments"][0]["description"].startswith("Verdicts per network")


async def test_a_named_round_closed_by_two_clicks_at_once_reports_once(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob, carol = (
        Member(fake, ALICE, "alice"),
        Member(fake, BOB, "bob"),
        Member(fake, CAROL, "carol"),
    )
    await give_verdict(core, BOB)
    async with running(core, fake, sweep_every=None):
        live = await open_round(alice, named=True, days=3)
        live_id = int(live["id"])
        assert "The report is named" in description(live)
        assert description(live).endswith("**Nobody has joined yet**")

        # bob has a verdict: taking part asks whether to use it
        joined = await bob.click(live_id, button(live, "j"))
        assert "Use it for this round, or answer again?" in private_text(joined)
        choice = fake.messages[joined.original or 0]
        assert action_ids(choice) == ["u", "g"]
        used = await bob.click(int(choice["id"]), button(choice, "u"))
        assert used.first_type == UPDATE_MESSAGE
        assert "your verdict counts" in fake.messages[int(choice["id"])]["content"]
        await fake.until(lambda: "1 of 1" in description(fake.messages[live_id]))

        await take_part_and_answer(carol, live, LICENCE_PLATE)
        await fake.until(lambda: "2 of 2" in description(fake.messages[live_id]))
        assert action_ids(fake.messages[live_id]) == ["j", "c"]  # open rounds wait for the owner

        close = button(live, "c")
        clicks = [
            await fake.send_interaction(alice.click_payload(live_id, close)) for _ in range(2)
        ]
        for click in clicks:
            await alice.settle(click)
        await fake.until(lambda: len(reports(fake)) == 1)
        await fake.until(lambda: action_ids(fake.messages[live_id]) == [])
        kinds = sorted(c.first_type or 0 for c in clicks)
        assert kinds == [4, UPDATE_MESSAGE]  # one closed it (the message), one was told so
        told = next(c for c in clicks if c.first_type == 4)
        assert "closed already" in private_text(told)

    assert len(report_requests(fake)) == 1
    (report,) = reports(fake)
    text = shown(report)
    assert f"<@{BOB}>" in text
    assert f"<@{CAROL}>" in text
    assert "Anonymous" not in text
    assert "This round is closed: the report is below." in description(fake.messages[live_id])


async def test_only_the_owner_or_an_admin_closes(core: Core, fake: FakeDiscord) -> None:
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, BOB, "bob")
    admin = Member(fake, CAROL, "carol", permissions=MANAGE_GUILD)
    async with running(core, fake, sweep_every=None):
        live = await open_round(alice)
        live_id = int(live["id"])
        refused = await bob.click(live_id, button(live, "c"))
        assert private_text(refused) == f"Only <@{ALICE}> can close this round."
        closed = await admin.click(live_id, button(live, "c"))
        assert closed.first_type == UPDATE_MESSAGE
        assert action_ids(fake.messages[live_id]) == []
        assert "Nobody answered" in description(fake.messages[live_id])
        await fake.until(lambda: len(reports(fake)) == 1)
    (report,) = reports(fake)
    assert "Nobody answered before the round closed" in description(report)
    assert "image" not in report["embeds"][0]
    assert report["attachments"] == []

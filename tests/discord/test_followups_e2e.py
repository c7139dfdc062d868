"""Asking the audience and following up, end to end on the fake Discord: a poll posted, six
respondents (one changes its mind, one clicks twice), closed by its owner, and the
marketer's verdict moves as the poll says and cites it; a poll closed at its time, once; a
poll posted from under the verdict; a check-in and a reminder, each once, at the test's
time. The clock is the test's: nothing sleeps."""

from __future__ import annotations

import asyncio
import copy

from bot.bootstrap import Core
from bot.events import ConversationKey
from bot.schedule import CHECKIN, key_ref
from tests.cases import BURRITO
from tests.clock import Clock
from tests.discord import wire
from tests.discord.driver import answer_one
from tests.discord.fake_discord import FakeDiscord
from tests.discord.followups import (
    DAY,
    POLL_QUESTION,
    UNSURE,
    actions,
    cid,
    everything,
    followup_texts,
    followups,
    poll_text,
    polls_in,
    remind_off,
    said,
    verdict_of,
    vote,
)
from tests.discord.harness import running
from tests.discord.members import Member, components, find
from tests.discord.teams import click_as_seen, give_verdict, key_of

ALICE = 111
PEOPLE = [501, 502, 503, 504, 505, 506]
AUDIENCE = 920000000000000042
"""Another channel of the test server, where the audience is."""
UPDATE_MESSAGE = 7


async def test_a_poll_of_six_moves_the_verdict_and_is_cited(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    people = [Member(fake, p, f"person{p}") for p in PEOPLE]
    async with running(core, fake, sweep_every=None):
        verdict_id = await verdict_of(alice, UNSURE)
        verdict = copy.deepcopy(fake.messages[verdict_id])
        assert "Facebook: Test" in everything(verdict)
        assert "Instagram: Test" in everything(verdict)
        assert sorted(actions(verdict)) == ["e", "r", "s", "w", "y", "y", "y"]
        weeks = [
            c["label"] for c in components(verdict) if str(c.get("custom_id")).startswith("ec:y:")
        ]
        assert weeks == ["In 2 weeks", "In 4 weeks", "In 8 weeks"]
        assert "Shall I check in with you" in everything(verdict)

        opened = await alice.slash("poll", days=3)
        assert said(fake, opened) == (
            "Your poll is posted. When it closes, its answers become evidence in your verdict."
        )
        (poll,) = polls_in(fake)
        poll = copy.deepcopy(poll)  # as first posted: clients see it so until they refresh
        poll_id = int(poll["id"])
        text = poll_text(poll)
        assert text.startswith(f"**<@{ALICE}> {POLL_QUESTION}**")
        assert "Your answer is anonymous" in text
        assert "0 answers so far" in text
        assert "<t:" in text  # the closing date, in each reader's time zone
        select = find(poll, "ec:p:")
        assert [o["value"] for o in select["options"]] == [
            "facebook",
            "instagram",
            "tiktok",
            "email",
            "in_person",
            "nowhere",
        ]
        assert (select["min_values"], select["max_values"]) == (0, 6)
        assert actions(poll) == ["p", "l"]

        for person in people[:4]:
            voted = await vote(person, poll, "instagram", "tiktok")
            assert said(fake, voted).startswith("Thank you: your answer is Instagram, TikTok.")
        await vote(people[4], poll, "facebook")
        changed = await vote(people[4], poll, "instagram", "email")  # changes its mind
        assert "your answer is Instagram, By email" in said(fake, changed)
        twice = [await vote(people[5], poll, "tiktok", send_only=True) for _ in range(2)]
        for click in twice:
            await people[5].settle(click)
        await fake.until(lambda: "6 answers so far" in poll_text(fake.messages[poll_id]))
        assert " of 6" not in poll_text(fake.messages[poll_id])  # no results while open
        assert actions(fake.messages[poll_id]) == ["p", "l"]

        # a respondent may not close it; its owner does
        refused = await people[0].click(poll_id, cid(poll, "l"))
        assert said(fake, refused) == "Only the person who posted this poll can close it."
        closed = await alice.click(poll_id, cid(poll, "l"))
        assert closed.first_type == UPDATE_MESSAGE
        final = fake.messages[poll_id]
        assert final["components"] == []
        results = poll_text(final)
        assert "This poll is closed. 6 people answered." in results
        assert "• Instagram: 5 of 6" in results
        assert "• TikTok: 5 of 6" in results
        assert "• Facebook: 0 of 6" in results
        assert "• By email: 1 of 6" in results

        # the owner is told, and sees the verdict the answers changed (privately)
        await fake.until(lambda: len(closed.followups) == 2)
        told, shown = followup_texts(fake, closed)
        assert "Your poll is closed: 6 people answered." in told
        assert "5 of the 6 people who answered your poll" in shown
        assert "Instagram: Engage" in shown
        assert "Facebook: Drop" in shown
        resumed = await alice.slash("resume")  # the same as /ecoute resume shows it
        assert "Instagram: Engage" in everything(fake.messages[resumed.original or 0])

        late = await vote(Member(fake, 599, "late"), poll, "email")
        assert said(fake, late) == "This poll is closed: thank you all the same."
        again = await click_as_seen(alice, poll, cid(poll, "l"))  # a client not refreshed
        assert said(fake, again) == "This poll is closed: thank you all the same."
    assert len(polls_in(fake)) == 1


async def test_a_poll_closes_at_its_time_once(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    await give_verdict(core, ALICE, UNSURE)
    clock = Clock()
    async with running(core, fake, sweep_every=None) as client:
        due = followups(client, clock)
        await alice.slash("poll", days=2)
        (poll,) = polls_in(fake)
        poll_id = int(poll["id"])
        for n, person in enumerate(PEOPLE[:5]):
            choices = ("instagram", "email") if n < 2 else ("email",)
            await vote(Member(fake, person, f"person{person}"), poll, *choices)
        await fake.until(lambda: "5 answers so far" in poll_text(fake.messages[poll_id]))

        assert await due.sweep_once() == 0  # not due yet
        clock.now += 2 * DAY + 1
        ran = await asyncio.gather(due.sweep_once(), due.sweep_once())
        assert sorted(ran) == [0, 1]
        assert await due.sweep_once() == 0
        final = fake.messages[poll_id]
        assert final["components"] == []
        assert "This poll is closed. 5 people answered." in poll_text(final)
        assert "• Instagram: 2 of 5" in poll_text(final)

        # its owner is told in a DM, once, with the verdict the answers changed
        (dm,) = fake.dm_messages(ALICE)
        text = everything(dm)
        assert dm["content"].startswith("Your poll is closed: 5 people answered.")
        assert "/ecoute resume in the server" in dm["content"]
        assert "2 of the 5 people who answered your poll" in text
        assert "Instagram: Test" in text
        assert "TikTok: Drop" in text
        # the interview's own buttons would not know the server there: only the check-in's
        assert actions(dm) == ["y", "y", "y"]
        booking = cid(dm, "y", ":2")
        assert f":{wire.GUILD_ID}:" in booking
        booked = await alice.in_dm().click(int(dm["id"]), booking)
        assert said(fake, booked).startswith("Done: I’ll ask you on <t:")
        job = await core.jobs.find(CHECKIN, key_ref(key_of(ALICE)))
        assert job is not None
        assert job.payload["first"] == {"instagram": "test"}
    assert "This poll is closed" in str(fake.edits_of(poll_id)[-1])


async def test_a_poll_from_under_the_verdict_and_where_it_cannot_go(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, ALICE, "alice")
    async with running(core, fake, sweep_every=None):
        in_dm = await alice.in_dm().slash("poll")
        assert said(fake, in_dm).startswith("Post the poll from a channel where your audience is")

        verdict_id = await verdict_of(alice, BURRITO)
        asked = await alice.click(verdict_id, cid(fake.messages[verdict_id], "w"))
        picker_id = asked.original
        assert picker_id is not None
        picker = fake.messages[picker_id]
        assert "Pick a channel of this server" in str(picker["content"])
        select = find(picker, "ec:i:")
        assert (select["type"], select["channel_types"]) == (8, [0, 5])

        fake.forbidden_channels.add(AUDIENCE + 1)
        refused = await alice.pick_channel(picker_id, select["custom_id"], AUDIENCE + 1)
        assert said(fake, refused).startswith("I can’t post in this channel.")
        assert find(fake.messages[picker_id], "ec:i:")  # the picker stays: try another channel

        posted = await alice.pick_channel(picker_id, select["custom_id"], AUDIENCE)
        assert posted.first_type == UPDATE_MESSAGE
        assert fake.messages[picker_id]["content"].startswith("Your poll is posted.")
        assert actions(fake.messages[picker_id]) == []
        (poll,) = polls_in(fake, AUDIENCE)
        assert "answers so far" in poll_text(poll)
        assert polls_in(fake, AUDIENCE + 1) == []

        fake.forbidden_channels.add(wire.CHANNEL_ID)
        here = await alice.slash("poll")
        assert said(fake, here).startswith("I can’t post in this channel.")
    made = [await core.polls.get_by_id(n) for n in range(1, 10)]
    unseen = [poll for poll in made if poll is not None and poll.message is None]
    assert unseen  # the polls nobody could see are closed at once...
    assert not any(poll.open for poll in unseen)
    # ...and are nobody's evidence
    assert await core.polls.latest_closed("discord", str(wire.GUILD_ID), str(ALICE)) is None


async def test_a_checkin_asks_once_at_its_date_and_recomputes(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, ALICE, "alice")
    clock = Clock()
    async with running(core, fake, sweep_every=None) as client:
        due = followups(client, clock)
        verdict_id = await verdict_of(alice, UNSURE)
        booked = await alice.click(verdict_id, cid(fake.messages[verdict_id], "y", ":2"))
        when = int(clock.now + 14 * DAY)
        assert said(fake, booked) == f"Done: I’ll ask you on <t:{when}:D>."
        assert actions(fake.messages[verdict_id])  # the verdict stays as it was

        clock.now += 13 * DAY
        assert await due.sweep_once() == 0
        assert fake.dm_messages(ALICE) == []
        clock.now += DAY + 60
        ran = await asyncio.gather(due.sweep_once(), due.sweep_once())
        assert sorted(ran) == [0, 1]
        assert await due.sweep_once() == 0
        asked = fake.dm_messages(ALICE)
        assert len(asked) == 3  # one per tested network, once
        assert all("how many real conversations" in m["content"] for m in asked)
        tiktok = next(m for m in asked if "TikTok" in m["content"])
        labels = [c["label"] for c in components(tiktok) if c["type"] == 2]
        assert labels == ["None", "1 to 4", "5 or more"]

        answered = await alice.in_dm().click(int(tiktok["id"]), cid(tiktok, "f", "goal_tiktok"))
        assert answered.first_type == UPDATE_MESSAGE
        done = fake.messages[int(tiktok["id"])]
        assert done["content"].startswith("TikTok: Test then → now Engage")
        assert "The test worked" in done["content"]
        assert done["components"] == []

        # someone else's check-in buttons are not theirs
        facebook = next(m for m in asked if "Facebook" in m["content"])
        other = Member(fake, 999, "mallory").in_dm()
        refused = await other.click(int(facebook["id"]), cid(facebook, "f", "none_facebook"))
        assert "belong to someone else" in said(fake, refused)


async def test_one_reminder_for_a_half_done_interview_and_none_when_off(
    core: Core, fake: FakeDiscord
) -> None:
    half, off, _ = (Member(fake, u, f"user{u}") for u in (601, 602, 603))
    private = Member(fake, 604, "user604").in_dm()  # an interview in the bot's DMs
    await give_verdict(core, 603)
    clock = Clock()
    async with running(core, fake, sweep_every=None) as client:
        due = followups(client, clock)
        for member in (half, off, private):
            started = await member.slash("start")
            await answer_one(member, started.original or 0, "b2c")
        stopped = await remind_off(off)
        assert said(fake, stopped) == "Done: I won’t send you reminders."

        for _ in range(2):
            clock.now += DAY + 60
            due.upkeep_now()
            await asyncio.gather(due.sweep_once(), due.sweep_once())

        (reminder,) = fake.dm_messages(601)
        assert reminder["content"].startswith("You stopped the interview halfway.")
        assert "Type /ecoute resume in **Test server**" in reminder["content"]
        (link,) = [c for c in components(reminder) if c["type"] == 2]
        assert (link["label"], link["url"]) == (
            "Resume",
            f"https://discord.com/channels/{wire.GUILD_ID}",
        )
        assert fake.dm_messages(602) == []
        assert fake.dm_messages(603) == []

        # in the bot's DMs, the reminder's button picks the interview up where it was
        (dm_reminder,) = fake.dm_messages(604)
        assert "/ecoute resume" not in dm_reminder["content"]
        resumed = await private.click(int(dm_reminder["id"]), cid(dm_reminder, "o"))
        assert "Question 2 of 12" in said(fake, resumed)
    stored = await core.store.load(ConversationKey("discord", "dm", "604"))
    assert stored is not None
    assert stored.answers == {"business_model": "b2c"}


async def test_a_poll_closed_at_its_time_before_the_verdict_says_where_to_go_on(
    core: Core, fake: FakeDiscord
) -> None:
    alice, bob = Member(fake, ALICE, "alice"), Member(fake, 222, "bob")
    fake.closed_dms.add(222)  # bob takes no direct messages from the bot
    clock = Clock()
    async with running(core, fake, sweep_every=None) as client:
        due = followups(client, clock)
        await alice.slash("poll", days=1)
        await bob.slash("poll", days=1)
        first, second = polls_in(fake)
        await vote(Member(fake, PEOPLE[0], "person"), first, "nowhere")
        clock.now += DAY + 1
        assert await due.sweep_once() == 2  # bob's is closed too, though he can't be told
        for poll in (first, second):
            assert fake.messages[int(poll["id"])]["components"] == []
        (dm,) = fake.dm_messages(ALICE)
        assert dm["content"].startswith("Your poll is closed: 1 person answered.")
        assert "Type /ecoute resume in **Test server** to pick up" in dm["content"]
        assert dm["embeds"] == []
        assert dm["components"] == []
        assert fake.dm_messages(222) == []
        assert await due.sweep_once() == 0


async def test_the_client_sweeps_what_is_due_by_itself(core: Core, fake: FakeDiscord) -> None:
    alice = Member(fake, ALICE, "alice")
    clock = Clock()
    async with running(core, fake, sweep_every=0.01) as client:
        followups(client, clock)
        await alice.slash("poll", days=1)
        (poll,) = polls_in(fake)
        clock.now += DAY + 1
        await fake.until(lambda: fake.messages[int(poll["id"])]["components"] == [])
        await fake.until(lambda: len(fake.dm_messages(ALICE)) == 1)


async def test_nowhere_with_other_choices_is_left_out_and_the_voter_told_why(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, ALICE, "alice")
    person, personne = Member(fake, PEOPLE[0], "person"), Member(fake, PEOPLE[1], "p", locale="fr")
    async with running(core, fake, sweep_every=None):
        await alice.slash("poll")
        (poll,) = polls_in(fake)
        voted = await vote(person, poll, "instagram", "nowhere")
        assert said(fake, voted) == (
            "Thank you: your answer is Instagram. You can change it until the poll closes.\n"
            "“Nowhere, thanks” can’t go with other choices, so I kept the others."
        )
        voted = await vote(personne, poll, "email", "nowhere")
        assert said(fake, voted).endswith(
            "« Nulle part, merci » ne peut pas aller avec d’autres choix : j’ai gardé les autres."
        )
        alone = await vote(person, poll, "nowhere")  # on its own, it is an answer like another
        assert said(fake, alone) == (
            "Thank you: your answer is Nowhere, thanks. You can change it until the poll closes."
        )

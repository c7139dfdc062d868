"""Team rounds on real SQLite and PostgreSQL, through :class:`TeamService`: two stores stand
for two processes on one database (nothing about a round lives in one process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import pytest

from adapters.discord.team_views import DiscordRefs as Refs
from bot.catalog import load_catalog
from bot.events import Answer, Confirm, ConversationKey
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import SqlStore, open_store
from bot.team.rounds import Closing, OptionError, Taking
from bot.team.service import REPORT_LEASE, Joined, TeamService
from bot.views import QuestionView, VerdictView
from tests.cases import BURRITO, LICENCE_PLATE
from tests.clock import Clock

SCHEMA = load_schema()
CATALOG = load_catalog()
OWNER = ConversationKey("slack", "T1", "U0")


REFS = Refs()


@dataclass
class Process:
    store: SqlStore
    conversations: ConversationService
    team: TeamService


@pytest.fixture
def clock() -> Clock:
    return Clock(1_800_000_000.0)


@pytest.fixture
async def two(db_url: str, clock: Clock) -> AsyncIterator[tuple[Process, Process]]:
    made = []
    for _ in range(2):
        store = await open_store(db_url, cache_size=64)
        conversations = ConversationService(store, SCHEMA, CATALOG)
        made.append(Process(store, conversations, TeamService(store.rounds, conversations,
                                                              clock=clock)))  # fmt: skip
    try:
        yield made[0], made[1]
    finally:
        for process in made:
            await process.store.close()


def mention(word: str) -> str | None:
    return word[2:-1] if word.startswith("<@") and word.endswith(">") else None


async def finish(p: Process, key: ConversationKey, answers: Mapping[str, object]) -> None:
    reply = await p.conversations.current(key, locale="en")
    while isinstance(reply.view, QuestionView):
        value = answers[reply.view.question_id]
        assert isinstance(value, str | tuple)
        reply = await p.conversations.handle(key, Answer(value, reply.view.question_id))
    reply = await p.conversations.handle(key, Confirm())
    assert isinstance(reply.view, VerdictView)


def user(name: str, workspace: str = "T1") -> ConversationKey:
    return ConversationKey("slack", workspace, name)


async def test_a_three_person_round_across_two_processes(two: tuple[Process, Process]) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", ["<@U1>", "<@U2>", "<@U3>"], "en", mention)
    assert not isinstance(opened, OptionError)
    round_ = opened.round
    assert opened.invited == ("U1", "U2", "U3")
    assert round_.invited_only
    view = await b.team.live(round_, REFS)
    assert view.progress == "0 of 3 have answered"
    assert "Invited: <@U1>, <@U2>, <@U3>" in view.lines

    # U1 joins on A, answers the interview on B: the verdict counts, wherever it was reached.
    joined = await a.team.join(user("U1"), round_.id, REFS)
    assert joined.joined is Joined.INTERVIEW
    await finish(b, user("U1"), BURRITO)
    outcomes = await b.team.finished(user("U1"))
    assert [o.round.id for o in outcomes if o.round] == [round_.id]
    assert (await a.team.live(round_, REFS)).progress == "1 of 3 have answered"

    # U2 already has a verdict: asked to reuse it, does so on the other process.
    await finish(a, user("U2"), LICENCE_PLATE)
    assert (await b.team.join(user("U2"), round_.id, REFS)).joined is Joined.CHOOSE
    used = await a.team.use_verdict(user("U2"), round_.id, REFS)
    assert used.joined is Joined.COUNTED
    assert used.closed is None

    # U3 drops out: everybody it waited for is done, so this closes the round, once.
    declined = await b.team.decline(user("U3"), round_.id, REFS)
    assert declined.closed is not None
    assert declined.closed.closed_by is Closing.ALL_ANSWERED
    live = await a.team.live(round_, REFS)
    assert not live.open
    assert live.progress == "2 of 2 have answered · 1 declined"
    again = await a.team.close(OWNER, round_.id, REFS)
    assert again.closed is None
    assert again.notice == "This round was closed already; the report is in the channel."

    report = await b.team.report(declined.closed)
    assert (report.answered, report.expected) == (2, 2)
    chosen = {*BURRITO["platforms"], *LICENCE_PLATE["platforms"]}
    assert {n.platform for n in report.networks} == chosen


async def test_only_invited_people_take_part_and_nobody_outside_the_workspace(
    two: tuple[Process, Process],
) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", ["<@U1>"], "en", mention)
    assert not isinstance(opened, OptionError)
    stranger = await b.team.join(user("U9"), opened.round.id, REFS)
    assert stranger.joined is Joined.REFUSED
    assert stranger.notice == "This round is for the people <@U0> invited."
    other = await b.team.join(user("U1", workspace="T2"), opened.round.id, REFS)
    assert other.joined is Joined.REFUSED
    assert other.notice == "I can’t find that team round: it may have been deleted."
    assert await b.store.rounds.rounds("slack", "T2") == []
    closing = await b.team.close(user("U0", workspace="T2"), opened.round.id, REFS)
    assert closing.closed is None
    assert (await a.team.find("slack", "T1", opened.round.id)) is not None


async def test_only_the_owner_or_an_admin_closes(two: tuple[Process, Process]) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", [], "en", mention)
    assert not isinstance(opened, OptionError)
    refused = await b.team.close(user("U1"), opened.round.id, REFS)
    assert refused.closed is None
    assert refused.notice == "Only <@U0> can close this round."
    admin = await b.team.close(user("U1"), opened.round.id, REFS, admin=True)
    assert admin.closed is not None
    assert admin.closed.closed_by is Closing.OWNER


async def test_two_closes_at_once_close_it_once(two: tuple[Process, Process]) -> None:
    a, b = two
    for _ in range(5):
        opened = await a.team.open(OWNER, "C1", [], "en", mention)
        assert not isinstance(opened, OptionError)
        results = await asyncio.gather(
            *(p.team.close(OWNER, opened.round.id, REFS) for p in (a, b, a, b))
        )
        assert sum(r.closed is not None for r in results) == 1


async def test_answers_after_the_close_are_not_counted(two: tuple[Process, Process]) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", [], "en", mention)
    assert not isinstance(opened, OptionError)
    await a.team.join(user("U1"), opened.round.id, REFS)
    await a.team.close(OWNER, opened.round.id, REFS)
    await finish(b, user("U1"), BURRITO)
    assert await b.team.finished(user("U1")) == []
    late = await b.team.join(user("U2"), opened.round.id, REFS)
    assert late.notice == "This team round is closed already."
    (only,) = await a.store.rounds.participants(opened.round.id)
    assert only.taking is Taking.JOINED
    assert only.answers is None


async def test_deadline_and_report_claims_follow_the_clock(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", ["2d"], "en", mention)
    assert not isinstance(opened, OptionError)
    assert opened.round.deadline == clock.now + 2 * 86_400
    clock.now += 2 * 86_400 - 1
    assert await a.team.close_due("slack") == []
    clock.now += 1
    closed = await asyncio.gather(a.team.close_due("slack"), b.team.close_due("slack"))
    assert sum(len(c) for c in closed) == 1
    (round_,) = [r for c in closed for r in c]
    assert round_.closed_by is Closing.DEADLINE
    assert [r.id for r in await b.team.unreported("slack")] == [round_.id]
    claims = await asyncio.gather(
        a.team.claim_report(round_, "A"), b.team.claim_report(round_, "B")
    )
    assert sorted(claims) == [False, True]
    assert await a.team.unreported("slack") == []  # someone is posting it
    clock.now += REPORT_LEASE + 1  # ...who died: the next sweep takes it over
    assert [r.id for r in await b.team.unreported("slack")] == [round_.id]
    assert await b.team.claim_report(round_, "B2")
    await b.team.report_posted(round_, "1234.5")
    clock.now += REPORT_LEASE * 10
    assert await a.team.unreported("slack") == []


async def test_forget_removes_participation_and_the_owners_name(
    two: tuple[Process, Process],
) -> None:
    a, b = two
    opened = await a.team.open(OWNER, "C1", ["<@U1>", "named"], "en", mention)
    assert not isinstance(opened, OptionError)
    await a.team.join(user("U1"), opened.round.id, REFS)
    await finish(a, user("U1"), BURRITO)
    await a.team.finished(user("U1"))
    await b.conversations.forget(user("U1"))
    assert await a.store.rounds.participants(opened.round.id) == []
    await b.conversations.forget(OWNER)
    found = await a.team.find("slack", "T1", opened.round.id)
    assert found is not None
    assert found.owner == ""


async def test_options_errors(two: tuple[Process, Process]) -> None:
    a, _ = two
    assert await a.team.open(OWNER, "C1", ["soon"], "en", mention) == OptionError("soon")
    assert await a.store.rounds.rounds("slack", "T1") == []


async def test_each_platform_sweeps_its_own_rounds(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    guild = ConversationKey("discord", "G1", "42")
    opened = await a.team.open(guild, "C9", ["1d"], "en", mention)
    assert not isinstance(opened, OptionError)
    clock.now += 2 * 86_400
    assert await b.team.close_due("slack") == []
    (closed,) = await b.team.close_due("discord")
    assert await a.team.unreported("slack") == []
    assert [r.id for r in await a.team.unreported("discord")] == [closed.id]
    await a.team.abandon(closed)  # already closed: left as it is
    assert [r.id for r in await a.team.unreported("discord")] == [closed.id]


async def test_a_verdict_never_counted_is_caught_up_at_the_close(
    two: tuple[Process, Process],
) -> None:
    """The turn's process stopped right after the verdict, before counting it."""
    a, b = two
    opened = await a.team.open(OWNER, "C1", [], "en", mention)
    assert not isinstance(opened, OptionError)
    await a.team.join(user("U1"), opened.round.id, REFS)
    await a.team.join(user("U2"), opened.round.id, REFS)
    await finish(b, user("U1"), BURRITO)  # finished() never called
    closed = await b.team.close(OWNER, opened.round.id, REFS)
    assert closed.closed is not None
    report = await a.team.report(closed.closed)
    assert (report.answered, report.expected) == (1, 2)

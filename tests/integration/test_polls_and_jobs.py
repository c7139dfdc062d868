"""Polls, scheduled jobs, reminders and retention on real SQLite and PostgreSQL; two stores
stand for two processes on one database, and the clock is the test's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass

import pytest

from adapters.discord.team_views import DiscordRefs as Refs
from bot.catalog import load_catalog, plain
from bot.checkin import CheckinService, Question, Result
from bot.events import Answer, Confirm, ConversationKey
from bot.poll import ANNOUNCE_AFTER, Poll, PollService, normalise, poll_evidence
from bot.schedule import CHECKIN, LEASE, POLL_CLOSE, REMIND, Job, Scheduler, key_ref, poll_ref
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import SqlStore, open_store
from bot.verdict.evidence import Evidence
from bot.views import PlatformView, QuestionView, VerdictView
from tests.cases import BURRITO, LICENCE_PLATE
from tests.clock import Clock

SCHEMA = load_schema()
CATALOG = load_catalog()
MARKETER = ConversationKey("slack", "T1", "U0")


@dataclass
class Process:
    store: SqlStore
    conversations: ConversationService
    polls: PollService
    scheduler: Scheduler


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def process(url: str, clock: Clock) -> Process:
    store = await open_store(url, cache_size=64)
    polls_store = store.polls

    async def evidence(key: ConversationKey) -> Evidence | None:
        return await poll_evidence(polls_store, key)

    conversations = ConversationService(store, SCHEMA, CATALOG, evidence=evidence)
    scheduler = Scheduler(store.jobs, clock=clock)
    polls = PollService(store.polls, store, SCHEMA, CATALOG, scheduler, escape=plain, clock=clock)
    return Process(store, conversations, polls, scheduler)


@pytest.fixture
async def two(db_url: str, clock: Clock) -> AsyncIterator[tuple[Process, Process]]:
    a, b = await process(db_url, clock), await process(db_url, clock)
    try:
        yield a, b
    finally:
        await a.store.close()
        await b.store.close()


async def finish(p: Process, key: ConversationKey, answers: Mapping[str, object]) -> VerdictView:
    reply = await p.conversations.current(key, locale="en")
    while isinstance(reply.view, QuestionView):
        value = answers[reply.view.question_id]
        assert isinstance(value, str | tuple)
        reply = await p.conversations.handle(key, Answer(value, reply.view.question_id))
    reply = await p.conversations.handle(key, Confirm())
    assert isinstance(reply.view, VerdictView)
    return reply.view


async def posted(p: Process, days: int) -> Poll:
    """The marketer's poll, posted (a poll nobody saw is no evidence)."""
    poll = await p.polls.open(MARKETER, "C1", days, "en")
    assert await p.store.polls.set_message(poll.id, f"m{poll.id}")
    return poll


def calls(view: VerdictView) -> dict[str, str]:
    return {p.platform: p.verdict for p in view.platforms}


def voter(n: int) -> ConversationKey:
    return ConversationKey("slack", "T1", f"V{n}")


async def test_a_poll_changes_the_verdict_it_feeds(two: tuple[Process, Process]) -> None:
    """The licence-plate marketer's audience wants email; 6 answer, one changes its mind,
    one clicks twice; closed, the verdict cites the poll."""
    a, b = two
    before = await finish(a, MARKETER, LICENCE_PLATE)
    poll = await posted(a, 3)
    assert poll.choices == ("facebook", "email", "in_person", "nowhere")
    votes = [
        ("email",),
        ("email", "in_person"),
        ("nowhere",),
        ("email",),
        ("facebook",),
        ("email",),
    ]
    for n, choice in enumerate(votes):
        voted = await (a if n % 2 else b).polls.vote(voter(n), poll.id, choice, "en")
        assert voted.ok
    assert (await a.polls.vote(voter(4), poll.id, ("nowhere",), "en")).ok  # changed its mind
    await asyncio.gather(*(p.polls.vote(voter(5), poll.id, ("email",), "en") for p in (a, b)))
    view = await b.polls.view(poll, Refs())
    assert view.count.startswith("6 answers so far")
    assert view.results == ()  # nothing shown while open
    due = Job(0, POLL_CLOSE, poll_ref("slack", poll.id), poll.closes_at, {})
    closes = await asyncio.gather(a.polls.close(MARKETER, poll.id), b.polls.due(due))
    assert sum(c is not None for c in closes) == 1
    assert not (await a.polls.vote(voter(9), poll.id, ("email",), "en")).ok
    view = await a.polls.view(poll, Refs())
    assert "Facebook: 0 of 6" in view.results
    assert "By email: 4 of 6" in view.results
    after = await b.conversations.latest_verdict(MARKETER)
    assert after is not None
    assert calls(after) == {"facebook": "drop"} == calls(before)
    (reason,) = after.platforms[0].reasons
    assert reason.startswith("None of the 6 people who answered your poll wants to hear from you")
    assert after.alternatives[0].text.startswith("4 of the 6 people who answered your poll")
    assert after.flips[0].text.startswith("Facebook: 2 more answers to your poll")
    assert "6 people answered your poll" in after.headline
    assert "poll" not in before.headline


async def test_the_poll_can_move_a_test_to_engage(two: tuple[Process, Process]) -> None:
    a, b = two
    answers = dict(BURRITO)
    answers["presence.tiktok"] = "unknown"
    before = await finish(a, MARKETER, answers)
    assert calls(before)["tiktok"] == "test"
    poll = await posted(a, 1)
    for n in range(9):
        choice = ("tiktok", "instagram") if n < 7 else ("email",)
        assert (await b.polls.vote(voter(n), poll.id, choice, "en")).ok
    assert await a.polls.close(MARKETER, poll.id) is not None
    after = await b.conversations.latest_verdict(MARKETER)
    assert after is not None
    assert calls(after)["tiktok"] == "engage"


async def test_only_the_owner_closes_and_no_other_workspace_sees_it(
    two: tuple[Process, Process],
) -> None:
    a, b = two
    poll = await posted(a, 1)
    assert await b.polls.close(voter(1), poll.id) is None
    stranger = ConversationKey("slack", "T2", "V1")
    voted = await b.polls.vote(stranger, poll.id, ("email",), "en")
    assert not voted.ok
    assert voted.text == "I can’t find that poll: it may have been deleted."
    assert await b.polls.find(stranger, poll.id) is None


def test_nowhere_only_alone_and_unknown_choices_dropped() -> None:
    allowed = ("instagram", "email", "in_person", "nowhere")
    assert normalise(["nowhere", "email"], allowed) == ("email",)
    assert normalise(["nowhere"], allowed) == ("nowhere",)
    assert normalise(["email", "tiktok", "instagram"], allowed) == ("instagram", "email")


async def test_a_due_job_runs_once_across_processes_and_a_restart(
    two: tuple[Process, Process], clock: Clock, db_url: str
) -> None:
    a, b = two
    poll = await posted(a, 2)
    assert await a.scheduler.claim("slack", "A") == []  # not due yet
    clock.now += 2 * 86_400 + 1
    assert await a.scheduler.claim("discord", "A") == []  # another platform's processes
    claimed = await asyncio.gather(a.scheduler.claim("slack", "A"), b.scheduler.claim("slack", "B"))
    jobs = [j for c in claimed for j in c]
    assert [(j.kind, j.ref) for j in jobs] == [(POLL_CLOSE, f"slack:{poll.id}")]
    holder = "A" if claimed[0] else "B"
    # The holder "dies" before finishing: after the lease another process takes it over...
    assert await b.scheduler.claim("slack", "B") == []
    clock.now += 121
    restarted = await process(db_url, clock)
    try:
        (again,) = await restarted.scheduler.claim("slack", "C")
        assert again.id == jobs[0].id
        assert not await a.scheduler.done(jobs[0], holder)  # the old holder lost it
        assert await restarted.scheduler.done(again, "C")
        clock.now += 10_000
        assert await restarted.scheduler.claim("slack", "C") == []
        assert await a.scheduler.claim("slack", "A") == []
    finally:
        await restarted.store.close()


async def test_reminders_once_and_never_when_turned_off(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    half = ConversationKey("slack", "T1", "UHALF")
    off = ConversationKey("slack", "T1", "UOFF")
    for key in (half, off):
        reply = await a.conversations.current(key, locale="en")
        assert isinstance(reply.view, QuestionView)
        await a.conversations.handle(key, Answer("b2c", "business_model"))
    await finish(a, MARKETER, BURRITO)  # finished: never reminded
    await b.scheduler.off(REMIND, key_ref(off))
    assert await a.scheduler.upkeep(remind_after=86_400, retention_days=0) == (0, 0)
    clock.now += 86_401
    counts = await asyncio.gather(
        a.scheduler.upkeep(remind_after=86_400, retention_days=0),
        b.scheduler.upkeep(remind_after=86_400, retention_days=0),
    )
    assert sum(c[0] for c in counts) == 1
    jobs = [*await a.scheduler.claim("slack", "A"), *await b.scheduler.claim("slack", "B")]
    assert [(j.kind, j.ref) for j in jobs] == [(REMIND, key_ref(half))]
    assert await a.scheduler.done(jobs[0], "A") or await b.scheduler.done(jobs[0], "B")
    clock.now += 10 * 86_400
    await a.scheduler.upkeep(remind_after=86_400, retention_days=0)
    assert await a.scheduler.claim("slack", "A") == []  # never twice


async def test_retention_deletes_what_was_untouched(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    await finish(a, MARKETER, BURRITO)
    poll = await posted(a, 1)
    await a.polls.close(MARKETER, poll.id)
    clock.now += 29 * 86_400
    assert (await b.scheduler.upkeep(remind_after=0, retention_days=30))[1] == 0
    clock.now += 2 * 86_400
    _, purged = await b.scheduler.upkeep(remind_after=0, retention_days=30)
    assert purged >= 2
    assert await a.store.load(MARKETER, fresh=True) is None
    assert await a.polls.find(MARKETER, poll.id) is None


async def test_a_checkin_recomputes_each_tested_network(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    answers = dict(BURRITO)
    answers["presence.tiktok"] = "unknown"
    answers["presence.facebook"] = "unknown"
    view = await finish(a, MARKETER, answers)
    checkins = CheckinService(a.scheduler, CATALOG, escape=plain, clock=clock)
    offer = checkins.offer(view.platforms, "en")
    assert offer is not None
    assert [w for w, _ in offer.weeks] == [2, 4, 8]
    said = await checkins.schedule(MARKETER, view.platforms, 4, "en", Refs())
    assert said.startswith("Done: I’ll ask you on <t:")
    assert checkins.offer([PlatformView("x", "X", "engage", "Engage", ())], "en") is None
    clock.now += 4 * 7 * 86_400 + 1
    (job,) = await b.scheduler.claim("slack", "B")
    assert job.kind == CHECKIN
    questions = checkins.questions(job)
    assert {q.platform for q in questions} == {"tiktok", "facebook"}
    assert [c for c, _ in questions[0].choices] == ["none", "some", "goal"]
    assert await b.scheduler.done(job, "B")
    reached = await checkins.answer(MARKETER, "tiktok", "goal")
    assert isinstance(reached, Result)
    assert reached.now == "engage"
    assert reached.text.startswith("TikTok: Test then → now Engage")
    dropped = await checkins.answer(MARKETER, "facebook", "none")
    assert isinstance(dropped, Result)
    assert dropped.now == "drop"
    assert (
        await checkins.answer(MARKETER, "instagram", "none") == "This check-in is no longer there."
    )


async def test_forget_removes_votes_polls_and_jobs(two: tuple[Process, Process]) -> None:
    a, b = two
    poll = await posted(a, 1)
    await b.polls.vote(voter(1), poll.id, ("email",), "en")
    await b.conversations.forget(voter(1))
    assert await a.store.polls.selections(poll.id) == []
    await a.scheduler.after(REMIND, key_ref(MARKETER), 10)
    await b.conversations.forget(MARKETER)
    assert await a.polls.find(MARKETER, poll.id) is None
    assert await a.scheduler.find(REMIND, key_ref(MARKETER)) is None


async def test_a_poll_nobody_saw_is_no_evidence(two: tuple[Process, Process]) -> None:
    a, b = two
    await finish(a, MARKETER, LICENCE_PLATE)
    seen = await posted(a, 1)
    for n in range(5):
        await b.polls.vote(voter(n), seen.id, ("email",), "en")
    await a.polls.close(MARKETER, seen.id)
    unseen = await a.polls.open(MARKETER, "C2", 1, "en")  # its channel refused it
    await a.polls.close(MARKETER, unseen.id)
    evidence = await poll_evidence(a.store.polls, MARKETER)
    assert evidence is not None
    assert evidence.respondents == 5


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_results_note_says_where_the_answers_went(
    two: tuple[Process, Process], lang: str
) -> None:
    """Closed, the owner hears how many answered, and that the verdict takes them in, or
    that it will once their interview (started again meanwhile) is finished."""
    a, b = two
    await finish(a, MARKETER, LICENCE_PLATE)
    poll = await posted(a, 3)
    for n, choice in enumerate([("email",), (), ("nowhere",)]):  # one cleared its answer
        assert (await b.polls.vote(voter(n), poll.id, choice, lang)).ok
    closed = await a.polls.close(MARKETER, poll.id)
    assert closed is not None
    done = await a.polls.results_note(closed, lang, finished=True)
    later = await b.polls.results_note(closed, lang, finished=False)
    verdict_words = {"en": "Here is your verdict", "fr": "Voici votre verdict"}[lang]
    finish_words = {"en": "Finish your interview", "fr": "Terminez votre entretien"}[lang]
    for note in (done, later):
        assert ("2 people answered" if lang == "en" else "2 personnes ont répondu") in note
    assert verdict_words in done
    assert finish_words not in done
    assert finish_words in later
    assert verdict_words not in later


async def test_a_checkin_cut_off_half_way_asks_only_the_rest(
    two: tuple[Process, Process], clock: Clock
) -> None:
    """The platform fails on the second question: after the lease, another process asks
    that one only; the first is never asked twice."""
    a, b = two
    answers = dict(BURRITO)
    answers["presence.tiktok"] = "unknown"
    answers["presence.facebook"] = "unknown"
    view = await finish(a, MARKETER, answers)
    checkins = {
        who: CheckinService(p.scheduler, CATALOG, escape=plain, clock=clock)
        for who, p in (("A", a), ("B", b))
    }
    await checkins["A"].schedule(MARKETER, view.platforms, 2, "en", Refs())
    clock.now += 2 * 7 * 86_400 + 1
    sent: list[tuple[str, str]] = []

    def asking(who: str, fail_after: int | None) -> Callable[[Job], Awaitable[None]]:
        async def handler(job: Job) -> None:
            async def send(question: Question) -> bool:
                if fail_after is not None and len(sent) >= fail_after:
                    raise ConnectionError("the platform failed")
                sent.append((who, question.platform))
                return True

            await checkins[who].ask(job, send)

        return handler

    assert await a.scheduler.run_due("slack", "A", {CHECKIN: asking("A", 1)}) == 0
    first = sent[0][1]
    assert await b.scheduler.run_due("slack", "B", {CHECKIN: asking("B", None)}) == 0  # leased
    clock.now += LEASE + 1
    assert await b.scheduler.run_due("slack", "B", {CHECKIN: asking("B", None)}) == 1
    assert sorted(platform for _, platform in sent) == ["facebook", "tiktok"]
    assert sent[1] == ("B", ({"facebook", "tiktok"} - {first}).pop())
    assert await a.scheduler.run_due("slack", "A", {CHECKIN: asking("A", None)}) == 0  # done
    assert len(sent) == 2
    still = await checkins["B"].answer(MARKETER, first, "goal")  # the answer reads the same job
    assert isinstance(still, Result)


async def test_a_close_whose_process_stopped_is_announced_by_another(
    two: tuple[Process, Process], clock: Clock
) -> None:
    """The owner closes two polls in process A; A announces the first and stops before
    announcing the second. A minute later B's sweep announces the second only, once."""
    a, b = two
    told, untold = await posted(a, 3), await posted(a, 3)
    never_seen = await a.polls.open(MARKETER, "C2", 3, "en")  # its post failed: no message
    for poll in (told, untold, never_seen):
        assert await a.polls.close(MARKETER, poll.id) is not None
    await a.polls.announced(told)  # and A stops here
    announced: list[int] = []

    async def announce(job: Job) -> None:
        poll = await b.polls.due(job)
        if poll is not None:
            announced.append(poll.id)

    assert await b.scheduler.run_due("slack", "B", {POLL_CLOSE: announce}) == 0  # not yet
    clock.now += ANNOUNCE_AFTER + 1
    assert await b.scheduler.run_due("slack", "B", {POLL_CLOSE: announce}) == 2
    assert announced == [untold.id]
    clock.now += 3 * 86_400  # the polls' own closing time: nothing left to do
    assert await a.scheduler.run_due("slack", "A", {POLL_CLOSE: announce}) == 0
    assert announced == [untold.id]


async def test_a_poll_closing_at_its_time_is_announced_once(
    two: tuple[Process, Process], clock: Clock
) -> None:
    a, b = two
    poll = await posted(a, 1)
    clock.now += 86_400 + 1
    announced: list[tuple[str, int]] = []

    def announcing(who: str, p: Process) -> Callable[[Job], Awaitable[None]]:
        async def announce(job: Job) -> None:
            closed = await p.polls.due(job)
            if closed is not None:
                announced.append((who, closed.id))

        return announce

    ran = await asyncio.gather(
        a.scheduler.run_due("slack", "A", {POLL_CLOSE: announcing("A", a)}),
        b.scheduler.run_due("slack", "B", {POLL_CLOSE: announcing("B", b)}),
    )
    assert sorted(ran) == [0, 1]
    assert [poll_id for _, poll_id in announced] == [poll.id]
    assert await a.polls.close(MARKETER, poll.id) is None  # the owner's late click: closed

"""The listening poll: the marketer asks their audience where it wants to hear from them.

One message in a channel the marketer picks, with the networks they chose plus ``email``,
``in_person`` and ``nowhere``. Each respondent picks one or several (their whole selection
each time, so a double click or a retry changes nothing), may change it while the poll is
open, and stays anonymous: only counts leave the database, and while it is open the message
shows only how many answered, so early answers don't steer later ones. It closes once (a
compare-and-set) on the marketer's click or at its time (a ``poll.close`` job); its counts then
become :class:`bot.verdict.evidence.Evidence` for the marketer's verdict.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.catalog import Catalog, Escape
from bot.events import ConversationKey
from bot.refs import Refs, Safe
from bot.schedule import POLL_CLOSE, Job, Scheduler, poll_ref
from bot.schema import Schema
from bot.store import Store
from bot.verdict.evidence import CHANNELS, Evidence

DEFAULT_DAYS, MAX_DAYS = 7, 14
NOWHERE = "nowhere"
ANNOUNCE_AFTER = 60.0
"""Seconds after its owner closed a poll when its closing job announces the results in any
process, unless the process that closed it said it did (:meth:`PollService.announced`)."""


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    platform: str
    workspace: str
    owner: str
    channel: str
    message: str | None
    lang: str
    choices: tuple[str, ...]
    open: bool
    closes_at: float
    created_at: float
    closed_at: float | None


class PollStore(Protocol):
    async def create(
        self,
        key: ConversationKey,
        channel: str,
        lang: str,
        choices: Sequence[str],
        closes_at: float,
        now: float,
    ) -> Poll: ...
    async def get(self, platform: str, workspace: str, poll_id: int) -> Poll | None: ...
    async def get_by_id(self, poll_id: int) -> Poll | None: ...
    async def set_message(self, poll_id: int, message: str) -> bool: ...
    async def vote(self, poll_id: int, voter: str, choices: Sequence[str], now: float) -> bool:
        """Set ``voter``'s whole selection, if the poll is open."""

    async def selections(self, poll_id: int) -> list[tuple[str, ...]]:
        """Every respondent's selection, in no particular order and without who."""

    async def close(self, poll_id: int, now: float) -> Poll | None:
        """Close an open poll (compare-and-set): the closed poll for exactly one caller."""

    async def latest_closed(self, platform: str, workspace: str, owner: str) -> Poll | None: ...
    async def forget_user(self, platform: str, workspace: str, user: str) -> int: ...


@dataclass(frozen=True, slots=True)
class PollView:
    poll_id: int
    question: str
    intro: str
    choices: tuple[tuple[str, str], ...]
    """(choice id, label), in the poll's order."""
    count: str
    """"12 answers so far" while open; the results once closed."""
    results: tuple[str, ...]
    open: bool
    placeholder: str
    close: str


@dataclass(frozen=True, slots=True)
class Voted:
    ok: bool
    text: str
    """What the respondent is told privately."""


def evidence_of(poll: Poll, selections: Sequence[tuple[str, ...]]) -> Evidence:
    """The counts of a poll as evidence: who picked something, and how many picked each."""
    answered = [s for s in selections if s]
    counts: Counter[str] = Counter(c for s in answered for c in set(s))
    return Evidence(len(answered), {c: counts[c] for c in poll.choices})


async def poll_evidence(polls: PollStore, key: ConversationKey) -> Evidence | None:
    """The evidence of ``key``'s latest closed poll, if anyone answered it."""
    poll = await polls.latest_closed(key.platform, key.workspace, key.user)
    if poll is None:
        return None
    found = evidence_of(poll, await polls.selections(poll.id))
    return found if found.respondents else None


def normalise(choices: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """The selection in the poll's order, unknown ids dropped; "nowhere" only when alone."""
    picked = [c for c in allowed if c in set(choices)]
    if len(picked) > 1 and NOWHERE in picked:
        picked.remove(NOWHERE)
    return tuple(picked)


class PollService:
    """Polls for any adapter; every decision reads the database."""

    def __init__(
        self,
        polls: PollStore,
        store: Store,
        schema: Schema,
        catalog: Catalog,
        scheduler: Scheduler,
        *,
        escape: Escape,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.polls, self.store, self.schema, self.catalog = polls, store, schema, catalog
        self.scheduler, self.escape, self.clock = scheduler, escape, clock

    def text(self, lang: str, key: str, /, **values: object) -> str:
        return self.catalog.text(lang, f"poll.{key}", self.escape, **values)

    async def language(self, key: ConversationKey, fallback: str) -> str:
        conv = await self.store.load(key, fresh=True)
        return conv.lang if conv is not None else fallback

    async def open(self, key: ConversationKey, channel: str, days: int, lang: str) -> Poll:
        """Post-ready poll for ``key`` in ``channel``, closing in ``days`` (1 to 14)."""
        days = min(max(days, 1), MAX_DAYS)
        conv = await self.store.load(key, fresh=True)
        chosen = conv.answers.get("platforms") if conv is not None else None
        platforms = self.schema.question("platforms")
        every = tuple(platforms.choices) if platforms is not None else ()
        networks = tuple(chosen) if isinstance(chosen, tuple) and chosen else every
        now = self.clock()
        poll = await self.polls.create(
            key, channel, lang, (*networks, *CHANNELS), now + days * 86_400.0, now
        )
        await self.scheduler.at(POLL_CLOSE, poll_ref(key.platform, poll.id), poll.closes_at)
        return poll

    async def vote(
        self, key: ConversationKey, poll_id: int, choices: Sequence[str], lang: str
    ) -> Voted:
        poll = await self.polls.get(key.platform, key.workspace, poll_id)
        if poll is None:
            return Voted(False, self.text(lang, "notice.not_found"))
        picked = normalise(choices, poll.choices)
        if not poll.open or not await self.polls.vote(poll_id, key.user, picked, self.clock()):
            return Voted(False, self.text(lang, "notice.closed"))
        if not picked:
            return Voted(True, self.text(lang, "notice.cleared"))
        labels = ", ".join(self.label(poll.lang if lang is None else lang, c) for c in picked)
        return Voted(True, self.text(lang, "notice.voted", choices=labels))

    async def posted(self, poll: Poll, message: str) -> None:
        """Where ``poll`` was posted: the message kept up to date, and its results announced."""
        await self.polls.set_message(poll.id, message)

    async def withdraw(self, poll: Poll) -> None:
        """``poll`` could not be posted: closed, with nothing to announce (nobody saw it)."""
        await self.polls.close(poll.id, self.clock())
        await self.scheduler.off(POLL_CLOSE, poll_ref(poll.platform, poll.id))

    async def close(self, key: ConversationKey, poll_id: int) -> Poll | None:
        """Close on the owner's click; the closed poll when this call closed it. Its closing
        job is brought forward to :data:`ANNOUNCE_AFTER` from now, first: should this process
        stop before it announces the results, another one does."""
        poll = await self.polls.get(key.platform, key.workspace, poll_id)
        if poll is None or poll.owner != key.user:
            return None
        ref = poll_ref(poll.platform, poll.id)
        await self.scheduler.at(POLL_CLOSE, ref, self.clock() + ANNOUNCE_AFTER)
        return await self.polls.close(poll.id, self.clock())

    async def announced(self, poll: Poll) -> None:
        """The results of closed ``poll`` are shown and its owner told: its job is done."""
        await self.scheduler.off(POLL_CLOSE, poll_ref(poll.platform, poll.id))

    async def due(self, job: Job) -> Poll | None:
        """The poll whose closing job is due, if its results are this job's to announce: the
        poll was still open (closed here, now), or its owner closed it at least
        :data:`ANNOUNCE_AFTER` ago and the process that did never said it announced them.
        ``None`` otherwise: gone, never posted (nobody saw it), or just closed by a click
        whose process announces it."""
        poll_id = job.ref.partition(":")[2]
        poll = await self.polls.get_by_id(int(poll_id)) if poll_id.isdigit() else None
        if poll is None or not poll.message:
            return None
        now = self.clock()
        if poll.open:
            return await self.polls.close(poll.id, now)
        left = poll.closed_at is not None and poll.closed_at + ANNOUNCE_AFTER <= now
        return poll if left else None

    async def results_note(self, poll: Poll, lang: str, *, finished: bool) -> str:
        """What the owner of a closed poll is told: how many answered, and that their verdict
        now reads the answers (``finished``) or will once the interview is done."""
        answered = sum(1 for s in await self.polls.selections(poll.id) if s)
        key = "notice.results" if finished else "notice.results_unfinished"
        return self.text(lang, key, n=answered)

    async def find(self, key: ConversationKey, poll_id: int) -> Poll | None:
        return await self.polls.get(key.platform, key.workspace, poll_id)

    async def evidence(self, key: ConversationKey) -> Evidence | None:
        return await poll_evidence(self.polls, key)

    def label(self, lang: str, choice: str) -> str:
        if choice in CHANNELS:
            return self.catalog.text(lang, f"poll.choice.{choice}")
        return self.catalog.text(lang, f"interview.question.platforms.choice.{choice}")

    async def view(self, poll: Poll, refs: Refs) -> PollView:
        """The poll's message as it should read now (a fresh read of it and its count)."""
        fresh = await self.polls.get_by_id(poll.id) or poll
        selections = await self.polls.selections(fresh.id)
        lang = fresh.lang
        answered = sum(1 for s in selections if s)
        owner = Safe(refs.user(fresh.owner)) if fresh.owner else Safe("—")
        results: tuple[str, ...] = ()
        if fresh.open:
            count = self.text(lang, "count", n=answered, date=Safe(refs.date(fresh.closes_at)))
        else:
            count = self.text(lang, "closed", n=answered)
            evidence = evidence_of(fresh, selections)
            results = tuple(
                self.text(
                    lang,
                    "result",
                    choice=self.label(lang, c),
                    n=evidence.wants.get(c, 0),
                    total=answered,
                )
                for c in fresh.choices
            )
        return PollView(
            fresh.id,
            self.text(lang, "question", owner=owner),
            self.text(lang, "intro"),
            tuple((c, self.label(lang, c)) for c in fresh.choices),
            count,
            results,
            fresh.open,
            self.text(lang, "placeholder"),
            self.text(lang, "close"),
        )

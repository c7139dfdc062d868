"""The follow-up of a ``test`` verdict: a time-boxed experiment, checked at its date.

A verdict with tests offers a check-in in 2, 4 or 8 weeks with a goal in conversations (not
followers). The check-in is a ``checkin`` job (:mod:`bot.schedule`) whose payload keeps the
tested networks, the goal and the first verdict; at its date the adapter asks privately how
many real conversations each tested network brought, and :func:`recheck` turns the answer
into engage, keep testing or drop, shown beside the first verdict. An answer is a pure
function of the job's payload and the click, so a double click or a retry shows the same.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.catalog import Catalog, Escape
from bot.events import ConversationKey
from bot.refs import Refs, Safe
from bot.schedule import CHECKIN, Job, Scheduler, key_ref
from bot.verdict import DROP, ENGAGE, TEST

WEEKS = (2, 4, 8)
GOAL = 5
"""Real conversations a tested network should bring by the check-in."""
NONE, SOME, REACHED = "none", "some", "goal"
BUCKETS = (NONE, SOME, REACHED)


class Call(Protocol):
    """A network's call: :class:`bot.verdict.PlatformVerdict` or :class:`bot.views.PlatformView`."""

    @property
    def platform(self) -> str: ...
    @property
    def verdict(self) -> str: ...


def tested(calls: Sequence[Call]) -> tuple[str, ...]:
    return tuple(c.platform for c in calls if c.verdict == TEST)


def recheck(bucket: str) -> str:
    """The goal reached: engage; some conversations: keep testing; none: drop."""
    return {REACHED: ENGAGE, SOME: TEST, NONE: DROP}[bucket]


@dataclass(frozen=True, slots=True)
class Offer:
    text: str
    weeks: tuple[tuple[int, str], ...]
    """(weeks, button label)."""


@dataclass(frozen=True, slots=True)
class Question:
    platform: str
    text: str
    choices: tuple[tuple[str, str], ...]
    """(bucket, label)."""


@dataclass(frozen=True, slots=True)
class Result:
    platform: str
    first: str
    now: str
    text: str
    """The line "TikTok: Test then → now Engage" and its advice."""


class CheckinService:
    def __init__(
        self,
        scheduler: Scheduler,
        catalog: Catalog,
        *,
        escape: Escape,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.scheduler, self.catalog, self.escape, self.clock = scheduler, catalog, escape, clock

    def text(self, lang: str, key: str, /, **values: object) -> str:
        return self.catalog.text(lang, f"poll.checkin.{key}", self.escape, **values)

    def offer(self, calls: Sequence[Call], lang: str) -> Offer | None:
        """The check-in offer under a verdict with tests (``None``: nothing tested)."""
        if not tested(calls):
            return None
        weeks = tuple((w, self.text(lang, "weeks", weeks=w)) for w in WEEKS)
        return Offer(self.text(lang, "offer", goal=GOAL), weeks)

    async def schedule(
        self, key: ConversationKey, calls: Sequence[Call], weeks: int, lang: str, refs: Refs
    ) -> str:
        """Book the check-in of the tested networks among ``calls``; what to tell the user."""
        weeks = weeks if weeks in WEEKS else WEEKS[0]
        first = {c.platform: c.verdict for c in calls if c.verdict == TEST}
        due = self.clock() + weeks * 7 * 86_400.0
        await self.scheduler.at(
            CHECKIN, key_ref(key), due, goal=GOAL, weeks=weeks, first=first, lang=lang
        )
        return self.text(lang, "scheduled", date=Safe(refs.date(due)))

    def questions(self, job: Job) -> list[Question]:
        """What to ask at the check-in's date, one question per tested network."""
        lang, goal = str(job.payload.get("lang", "en")), int(job.payload.get("goal", GOAL))
        first = job.payload.get("first") or {}
        return [
            Question(
                platform,
                self.text(lang, "ask", platform=self.network(lang, platform), goal=goal),
                (
                    (NONE, self.text(lang, "none")),
                    (SOME, self.text(lang, "some", below=goal - 1)),
                    (REACHED, self.text(lang, "goal", goal=goal)),
                ),
            )
            for platform in first
        ]

    async def ask(self, job: Job, send: Callable[[Question], Awaitable[bool]]) -> None:
        """Send each question of ``job`` not sent yet, noting each in the job once sent: a
        check-in cut off half-way (its process stopped, the platform failed) asks only the
        rest when it is retried. ``send`` answers ``False`` when the user takes no message:
        nothing more is sent."""
        asked = [str(p) for p in job.payload.get("asked") or ()]
        for question in self.questions(job):
            if question.platform in asked:
                continue
            if not await send(question):
                return
            asked.append(question.platform)
            await self.scheduler.at(CHECKIN, job.ref, job.due_at, **{**job.payload, "asked": asked})

    async def answer(self, key: ConversationKey, platform: str, bucket: str) -> Result | str:
        """The recomputed call for one tested network, or what to say instead."""
        job = await self.scheduler.find(CHECKIN, key_ref(key))
        first = (job.payload.get("first") or {}) if job is not None else {}
        lang = str(job.payload.get("lang", "en")) if job is not None else "en"
        if job is None or platform not in first or bucket not in BUCKETS:
            return self.text(lang, "gone")
        now = recheck(bucket)
        label = {v: self.catalog.text(lang, f"verdict.label.{v}") for v in (ENGAGE, TEST, DROP)}
        line = self.text(
            lang,
            "result",
            platform=self.network(lang, platform),
            first=label[str(first[platform])],
            now=label[now],
        )
        return Result(platform, str(first[platform]), now, f"{line}\n{self.text(lang, now)}")

    def network(self, lang: str, platform: str) -> str:
        return self.catalog.text(lang, f"interview.question.platforms.choice.{platform}")

"""Everything that must happen at a time, kept in the database: jobs.

A job is one row per (kind, ref) — ``poll.close`` of poll 12, ``checkin`` of a user,
``remind`` of a user — with the time it is due; a ref starts with its platform
(``slack:12``, ``discord:G1:U1``), so each platform's processes take only their own jobs.
Every process sweeps: :meth:`Scheduler.claim` takes the due jobs nobody holds (or whose
holder's lease ran out: its process died) with a compare-and-set, the adapter does what the
kind says, then :meth:`Scheduler.done` marks it so it never runs again. Nothing is kept in
memory: a restart loses nothing, and of several processes only one runs a given job. Time
comes from a clock the caller passes, so tests set it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.events import ConversationKey

LEASE = 120.0
"""Seconds a claimed job is held before another process may take it over."""

POLL_CLOSE, CHECKIN, REMIND = "poll.close", "checkin", "remind"

Clock = Callable[[], float]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    ref: str
    due_at: float
    payload: Mapping[str, Any]


Handler = Callable[[Job], Awaitable[object]]


class JobStore(Protocol):
    async def schedule(self, kind: str, ref: str, due_at: float, payload: str | None) -> bool:
        """Add a job, or move a job not run yet to ``due_at``; ``False`` if it already ran."""

    async def off(self, kind: str, ref: str, now: float) -> None:
        """Mark a job as done without running it (added done if it did not exist)."""

    async def find(self, kind: str, ref: str) -> Job | None: ...

    async def claim(
        self, platform: str, claimant: str, now: float, lease: float, limit: int
    ) -> list[Job]:
        """Due jobs of ``platform`` (their ref starts with it), claimed for ``claimant`` by
        compare-and-set: not done, and unclaimed or claimed before ``now - lease``."""

    async def done(self, job_id: int, claimant: str, now: float) -> bool:
        """Mark the job done, if ``claimant`` still holds it."""

    async def materialise_reminders(self, stale_before: Any, due_at: float) -> int:
        """Add a ``remind`` job for each interview not finished and untouched since
        ``stale_before`` (a database timestamp) that has none yet; how many were added."""

    async def purge(self, before: float, stamp_before: Any) -> int:
        """Delete conversations, polls, rounds and finished jobs untouched since then."""

    def stamp(self, epoch: float) -> Any:
        """An epoch as the database's conversation timestamps compare."""


def key_ref(key: ConversationKey) -> str:
    """A user's jobs' ref: ``slack:T1:U1``."""
    return f"{key.platform}:{key.workspace}:{key.user}"


def poll_ref(platform: str, poll_id: int) -> str:
    """A poll's closing job's ref: ``slack:12``."""
    return f"{platform}:{poll_id}"


def ref_key(ref: str) -> ConversationKey | None:
    platform, _, rest = ref.partition(":")
    workspace, _, user = rest.partition(":")
    return ConversationKey(platform, workspace, user) if platform and workspace and user else None


class Scheduler:
    """Jobs through a :class:`JobStore`, on ``clock``'s time."""

    def __init__(self, store: JobStore, *, clock: Clock = time.time) -> None:
        self.store = store
        self.clock = clock

    async def at(self, kind: str, ref: str, due_at: float, **payload: Any) -> bool:
        return await self.store.schedule(
            kind, ref, due_at, json.dumps(payload) if payload else None
        )

    async def after(self, kind: str, ref: str, seconds: float, **payload: Any) -> bool:
        return await self.at(kind, ref, self.clock() + seconds, **payload)

    async def off(self, kind: str, ref: str) -> None:
        await self.store.off(kind, ref, self.clock())

    async def find(self, kind: str, ref: str) -> Job | None:
        return await self.store.find(kind, ref)

    async def claim(
        self, platform: str, claimant: str, *, limit: int = 50, lease: float = LEASE
    ) -> list[Job]:
        return await self.store.claim(platform, claimant, self.clock(), lease, limit)

    async def done(self, job: Job, claimant: str) -> bool:
        return await self.store.done(job.id, claimant, self.clock())

    async def run_due(self, platform: str, claimant: str, handlers: Mapping[str, Handler]) -> int:
        """Claim the due jobs and run each with its kind's handler, then mark it done; a
        handler that raises leaves its job claimed, to be taken over after the lease. A kind
        with no handler here is left to the processes that have one. How many ran."""
        ran = 0
        for job in await self.claim(platform, claimant):
            handler = handlers.get(job.kind)
            if handler is None:
                continue
            try:
                await handler(job)
            except Exception:
                log.exception("job %s %s failed; retried after its lease", job.kind, job.ref)
                continue
            await self.done(job, claimant)
            ran += 1
        return ran

    async def upkeep(self, *, remind_after: float, retention_days: int) -> tuple[int, int]:
        """Reminders due for interviews left half-done, and the retention purge: how many
        reminders were scheduled and rows deleted."""
        now = self.clock()
        reminders = 0
        if remind_after > 0:
            stale = self.store.stamp(now - remind_after)
            reminders = await self.store.materialise_reminders(stale, now)
        purged = 0
        if retention_days > 0:
            before = now - retention_days * 86_400.0
            purged = await self.store.purge(before, self.store.stamp(before))
        return reminders, purged


def load_payload(text: str | None) -> Mapping[str, Any]:
    if not text:
        return {}
    data = json.loads(text)
    return data if isinstance(data, dict) else {}

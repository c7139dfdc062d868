# ruff: noqa: S608 - the statements are put together from this module's constants only;
# every value is a placeholder.
"""Scheduled jobs in SQL (:class:`bot.schedule.JobStore`), the same statements on SQLite and
PostgreSQL.

A claim is one ``UPDATE ... WHERE`` that repeats its condition (not done, unclaimed or past
the lease, due): of two processes claiming at once, the second finds the row already taken —
on PostgreSQL the condition is checked again on the row the first one left — so a job runs in
one process at a time, and ``done`` is accepted only from the process holding it.
"""

from __future__ import annotations

from typing import Any

from bot.schedule import Job, load_payload
from bot.storage.rows import Backend

FREE = "done_at IS NULL AND due_at <= ? AND (claimed_by IS NULL OR claimed_at < ?) AND ref LIKE ?"
SCHEDULE = """
INSERT INTO jobs (kind, ref, due_at, payload) VALUES (?, ?, ?, ?)
ON CONFLICT (kind, ref) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload
WHERE jobs.done_at IS NULL"""
OFF = """
INSERT INTO jobs (kind, ref, due_at, done_at) VALUES (?, ?, ?, ?)
ON CONFLICT (kind, ref) DO UPDATE SET done_at = excluded.done_at WHERE jobs.done_at IS NULL"""
FIND = "SELECT id, kind, ref, due_at, payload FROM jobs WHERE kind = ? AND ref = ?"
CLAIM = f"""
UPDATE jobs SET claimed_by = ?, claimed_at = ?
WHERE id IN (SELECT id FROM jobs WHERE {FREE} ORDER BY due_at LIMIT ?) AND {FREE}
RETURNING id, kind, ref, due_at, payload"""
ANY_DUE = f"SELECT 1 FROM jobs WHERE {FREE} LIMIT 1"
DONE = "UPDATE jobs SET done_at = ? WHERE id = ? AND claimed_by = ? AND done_at IS NULL"
STALE = """
SELECT 1 FROM conversations AS c WHERE c.phase <> 'verdict' AND c.updated_at < ?
  AND NOT EXISTS (SELECT 1 FROM jobs AS j WHERE j.kind = 'remind'
                  AND j.ref = c.platform || ':' || c.workspace || ':' || c.user_id)
LIMIT 1"""
REMINDERS = """
INSERT INTO jobs (kind, ref, due_at)
SELECT 'remind', platform || ':' || workspace || ':' || user_id, CAST(? AS FLOAT)
FROM conversations WHERE phase <> 'verdict' AND updated_at < ?
ON CONFLICT (kind, ref) DO NOTHING"""
PURGE = (
    "DELETE FROM conversations WHERE updated_at < ? RETURNING id",
    "DELETE FROM rounds WHERE status = 'closed' AND closed_at < ? RETURNING id",
    "DELETE FROM polls WHERE status = 'closed' AND closed_at < ? RETURNING id",
    "DELETE FROM jobs WHERE done_at < ? RETURNING id",
)


def to_job(row: tuple[Any, ...]) -> Job:
    return Job(int(row[0]), str(row[1]), str(row[2]), float(row[3]), load_payload(row[4]))


class SqlJobs:
    """The jobs of the database behind ``backend``."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def stamp(self, epoch: float) -> Any:
        return self.backend.stamp(epoch)

    async def schedule(self, kind: str, ref: str, due_at: float, payload: str | None) -> bool:
        return await self.backend.count(SCHEDULE, (kind, ref, due_at, payload)) > 0

    async def off(self, kind: str, ref: str, now: float) -> None:
        await self.backend.count(OFF, (kind, ref, now, now))

    async def find(self, kind: str, ref: str) -> Job | None:
        rows = await self.backend.rows(FIND, (kind, ref), write=False)
        return to_job(rows[0]) if rows else None

    async def claim(
        self, platform: str, claimant: str, now: float, lease: float, limit: int
    ) -> list[Job]:
        free = (now, now - lease, f"{platform}:%")
        # Read first: a sweep that finds nothing due takes no write lock (on SQLite, a write
        # lock every few seconds in every process would stall the others' turns).
        if not await self.backend.rows(ANY_DUE, free, write=False):
            return []
        rows = await self.backend.rows(CLAIM, (claimant, now, *free, limit, *free))
        return sorted((to_job(r) for r in rows), key=lambda job: (job.due_at, job.id))

    async def done(self, job_id: int, claimant: str, now: float) -> bool:
        return await self.backend.count(DONE, (now, job_id, claimant)) > 0

    async def materialise_reminders(self, stale_before: Any, due_at: float) -> int:
        if not await self.backend.rows(STALE, (stale_before,), write=False):
            return 0  # nothing to add: no write lock taken
        return await self.backend.count(REMINDERS, (due_at, stale_before))

    async def purge(self, before: float, stamp_before: Any) -> int:
        steps = [(PURGE[0], (stamp_before,)), *((sql, (before,)) for sql in PURGE[1:])]
        return sum(len(rows) for rows in await self.backend.script(steps))

    async def forget_user(self, ref: str) -> int:
        """Remove a user's jobs (check-ins, reminders): nothing of theirs is kept."""
        return await self.backend.count("DELETE FROM jobs WHERE ref = ?", (ref,))

"""A process that sweeps the jobs once at a given time: ``python -m tests.fault.sweeper URL NOW
NAME [hang]``. It prints ``claimed <kind> <ref>`` when a handler starts and ``ran <kind> <ref>``
when it ends, then ``swept <n>``; with ``hang`` a handler never ends (the test kills it)."""

from __future__ import annotations

import asyncio
import sys

from bot.schedule import CHECKIN, POLL_CLOSE, REMIND, Job, Scheduler
from bot.storage import open_store


async def sweep(url: str, now: float, name: str, hang: bool) -> None:
    store = await open_store(url)
    scheduler = Scheduler(store.jobs, clock=lambda: now)

    async def handle(job: Job) -> None:
        print(f"claimed {job.kind} {job.ref}", flush=True)
        if hang:
            await asyncio.Event().wait()
        print(f"ran {job.kind} {job.ref}", flush=True)

    try:
        await scheduler.upkeep(remind_after=86_400.0, retention_days=0)
        handlers = {kind: handle for kind in (CHECKIN, REMIND, POLL_CLOSE)}
        ran = await scheduler.run_due("slack", name, handlers)
        print(f"swept {ran}", flush=True)
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(sweep(sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:] == ["hang"]))

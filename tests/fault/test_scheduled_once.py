"""A check-in and a reminder fire once across two real processes and a restart, at the time
the test sets (each process is given its clock), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import sys
import time

from bot.catalog import load_catalog
from bot.events import Answer, ConversationKey, Start
from bot.schedule import CHECKIN, LEASE, Scheduler, key_ref
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import open_store
from tests.fault.processes import ROOT

HALF = ConversationKey("slack", "T1", "UHALF")
TESTER = ConversationKey("slack", "T1", "UTEST")
DAY = 86_400.0


async def sweeper(
    url: str, now: float, name: str, *, hang: bool = False
) -> asyncio.subprocess.Process:
    args = [sys.executable, "-m", "tests.fault.sweeper", url, repr(now), name]
    return await asyncio.create_subprocess_exec(
        *args, *(["hang"] if hang else []), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )


async def lines(proc: asyncio.subprocess.Process) -> list[str]:
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, out
    return out.decode().split("\n")


async def test_jobs_run_once_across_processes_and_a_restart(db_url: str) -> None:
    start = time.time()
    store = await open_store(db_url)
    try:
        service = ConversationService(store, load_schema(), load_catalog())
        await service.handle(HALF, Start(), locale="en")
        await service.handle(HALF, Answer("b2c", "business_model"))
        scheduler = Scheduler(store.jobs, clock=lambda: start)
        await scheduler.at(CHECKIN, key_ref(TESTER), start + 14 * DAY, goal=5, first={"x": "test"})
    finally:
        await store.close()
    due = start + 14 * DAY + 1
    expected = {f"checkin {key_ref(TESTER)}", f"remind {key_ref(HALF)}"}

    # Too early for both: nothing runs.
    early = await lines(await sweeper(db_url, start + DAY / 2, "early"))
    assert "swept 0" in early

    # Process A claims both jobs and hangs in them; B, at the same time, finds nothing free.
    a = await sweeper(db_url, due, "A", hang=True)
    assert a.stdout is not None
    claimed = {(await a.stdout.readline()).decode().strip().removeprefix("claimed ")}
    b = await lines(await sweeper(db_url, due, "B"))
    assert "swept 0" in b
    # A is killed mid-job. Until its lease runs out nobody takes its jobs...
    a.kill()
    await a.wait()
    assert "swept 0" in await lines(await sweeper(db_url, due + LEASE - 1, "B"))
    # ...then the restarted process runs each once, and afterwards nothing runs again.
    restarted = await lines(await sweeper(db_url, due + LEASE + 1, "A2"))
    ran = {line.removeprefix("ran ") for line in restarted if line.startswith("ran ")}
    assert ran == expected
    assert claimed <= expected
    for name in ("B", "A3"):
        assert "swept 0" in await lines(await sweeper(db_url, due + 30 * DAY, name))

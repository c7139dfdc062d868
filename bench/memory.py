"""Memory: resident size with 10,000 conversations in progress against none.

    python -m bench.memory                     # 10,000 users
    python -m bench.memory --users 20000

One process, one SQLite file, the real ``ConversationService`` on the real ``SqlStore`` (with
its bounded in-process cache). After a warm-up (imports, compiled templates, the database's
page cache) the resident size is read; then every user starts an interview and answers the
first questions (they stay mid-interview), and it is read again. The difference divided by
the number of users is the cost of a conversation in progress (target ≤ 1 KB).

The Slack adapter keeps, per user, only a lock while one of their turns runs (which message
has the live buttons is stored with the conversation): the same users all in a turn at once
(target ≤ 1 KB each), then all finished (target: nothing left), are measured on top. The
Discord adapter keeps none (its buttons carry their state in their ``custom_id``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import tracemalloc
from contextlib import AsyncExitStack
from pathlib import Path

from adapters.slack.escape import slack_mrkdwn_escape
from adapters.slack.state import Locks
from bot.catalog import load_catalog
from bot.events import Answer, ConversationKey, Event, Start
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import open_store
from bot.views import Reply

TARGET = 1024
TURNS: list[Event] = [
    Start(),
    Answer("b2c", "business_model"),
    Answer("community", "buyers"),
    Answer("Cyclists in Lyon who ride to work every day", "audience"),
    Answer(("instagram", "facebook"), "platforms"),
]
"""Each user stops at the question after these: mid-interview, four answers stored."""
BATCH = 200
WARM_UP = 300


def traced() -> int:
    """Bytes allocated by Python and still alive (after a full collection)."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def rss() -> int:
    """This process's resident set size, in bytes (after a full collection)."""
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def interview(service: ConversationService, users: range, prefix: str) -> Reply | None:
    """Every user in ``users`` takes the first turns, ``BATCH`` users at a time."""
    last: Reply | None = None
    for start in range(users.start, users.stop, BATCH):
        batch = range(start, min(start + BATCH, users.stop))
        for event in TURNS:
            replies = await asyncio.gather(
                *(
                    service.handle(ConversationKey("bench", "T1", f"{prefix}{u}"), event)
                    for u in batch
                )
            )
            last = replies[-1]
    return last


async def hold_turns(locks: Locks, users: range, stack: AsyncExitStack) -> None:
    """Every user in ``users`` in a turn at once, as the Slack adapter holds them."""
    for u in users:
        await stack.enter_async_context(locks.hold(ConversationKey("slack", "T1", f"U{u:08d}")))


async def measure(users: int, folder: Path) -> dict[str, float]:
    schema, catalog = load_schema(), load_catalog()
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'ecoute.db'}")
    try:
        service = ConversationService(store, schema, catalog, escape=slack_mrkdwn_escape)
        reply = await interview(service, range(WARM_UP), "warm")
        assert reply is not None
        locks = Locks()
        async with AsyncExitStack() as warm:
            await hold_turns(locks, range(WARM_UP), warm)
        before = rss()
        await interview(service, range(users), "u")
        core = rss()
        # The adapter's own allocations, traced (RSS never shrinks once the allocator has
        # the memory, so it cannot show what is given back).
        tracemalloc.start()
        start = traced()
        async with AsyncExitStack() as turns:
            await hold_turns(locks, range(users), turns)
            active = traced()
        del turns  # the measuring apparatus, not the adapter's
        finished = traced()
        tracemalloc.stop()
        held = len(locks)
        cached = len(getattr(store, "_cache", ()))
    finally:
        await store.close()
    return {
        "core": (core - before) / users,
        "active": (active - start) / users,
        "finished": (finished - start) / users,
        "held": held,
        "before": before / 2**20,
        "after": rss() / 2**20,
        "cached": cached,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecoute-memory-") as tmp:
        result = asyncio.run(measure(args.users, Path(tmp)))
    print(f"{args.users:,} conversations in progress (4 answers each), one process, SQLite\n")
    print("| what | bytes per conversation | target |")
    print("|---|---|---|")
    met = {
        "core": result["core"] <= TARGET,
        "active": result["active"] <= TARGET,
        # nothing per user: a few fixed bytes in all, whatever the count
        "finished": result["held"] == 0 and result["finished"] * args.users < 4096,
    }

    def verdict(name: str) -> str:
        return "met" if met[name] else "MISSED"

    print(
        f"| service + SqlStore (RSS delta) | {result['core']:.0f} B | ≤ {TARGET} B: "
        f"{verdict('core')} |"
    )
    print(
        f"| + Slack adapter, every user in a turn (traced) | {result['active']:.0f} B "
        f"| ≤ {TARGET} B: {verdict('active')} |"
    )
    print(
        f"| + Slack adapter, every turn finished (traced) | {result['finished']:.1f} B "
        f"({result['held']:.0f} users still held) | nothing: {verdict('finished')} |"
    )
    print(
        f"\nRSS {result['before']:.1f} MiB before, {result['after']:.1f} MiB after; "
        f"conversations held by the store's cache: {result['cached']:.0f}"
    )
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

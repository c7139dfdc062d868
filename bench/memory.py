"""Memory: resident size with 10,000 conversations in progress against none.

    python -m bench.memory                     # 10,000 users
    python -m bench.memory --users 20000

One process, one SQLite file, the real ``ConversationService`` on the real ``SqlStore`` (with
its bounded in-process cache). After a warm-up (imports, compiled templates, the database's
page cache) the resident size is read; then every user starts an interview and answers the
first questions (they stay mid-interview), and it is read again. The difference divided by
the number of users is the cost of a conversation in progress (target ≤ 1 KB).

The Slack adapter keeps per-user facts in memory too (locale, DM channel, the message with live
buttons): the same users' state, as its ``Users`` map holds it after a turn, is measured on
top. The Discord adapter keeps none (its buttons carry their state in their ``custom_id``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
from pathlib import Path

from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_mrkdwn_escape
from adapters.slack.state import Sent, Users
from bot.catalog import load_catalog
from bot.events import Answer, ConversationKey, Event, Start
from bot.schema import load_schema
from bot.service import ConversationService
from bot.sql_store import open_store
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


def slack_states(dialogue: Dialogue, reply: Reply, users: range) -> Users:
    """The Slack adapter's per-user map as a turn leaves it: each user with the posted message
    (its blocks, built per user as the adapter builds them), DM channel, locale, language."""
    states = Users(limit=len(users) + 1)
    for u in users:
        state = states[ConversationKey("slack", "T1", f"U{u:08d}")]
        state.locale, state.locale_known, state.lang = "en-US", True, "en"
        state.dm = f"D{u:08d}"
        blocks = dialogue.message(reply, Start()).payload()["blocks"]
        state.live, state.live_known = Sent(state.dm, f"17000{u:05d}.000100", blocks), True
        state.finished.append(f"16999{u:05d}.000100")
    return states


async def measure(users: int, folder: Path) -> dict[str, float]:
    schema, catalog = load_schema(), load_catalog()
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'ecoute.db'}")
    try:
        service = ConversationService(store, schema, catalog, escape=slack_mrkdwn_escape)
        reply = await interview(service, range(WARM_UP), "warm")
        assert reply is not None
        dialogue = Dialogue(service, catalog)
        slack_states(dialogue, reply, range(WARM_UP))
        before = rss()
        await interview(service, range(users), "u")
        core = rss()
        states = slack_states(dialogue, reply, range(users))
        slack = rss()
        del states
        cached = len(getattr(store, "_cache", ()))
    finally:
        await store.close()
    return {
        "core": (core - before) / users,
        "slack": (slack - core) / users,
        "before": before / 2**20,
        "after": slack / 2**20,
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
    verdict = "met" if result["core"] <= TARGET else "MISSED"
    print(f"| service + SqlStore (RSS delta) | {result['core']:.0f} B | ≤ {TARGET} B: {verdict} |")
    print(f"| + Slack adapter per-user state | {result['slack']:.0f} B | (no target) |")
    print(
        f"\nRSS {result['before']:.1f} MiB before, {result['after']:.1f} MiB after; "
        f"conversations held by the store's cache: {result['cached']:.0f}"
    )
    return 0 if result["core"] <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

"""Interview turns per second through the real service, side by side with raw sqlite3.

    python -m bench.turns                      # SQLite, and PostgreSQL when its binaries exist
    python -m bench.turns --stored 1000000     # also: turn cost with 1M stored answers vs 1k

Each round interviews ``--conversations`` users at once through ``ConversationService`` on a
SQLite file and on the in-memory fake store of the unit tests (the service's own ceiling),
replays the very same turns as bare ``SqlStore`` calls (no service), and replays them again
with raw synchronous sqlite3, one transaction per turn with the same SELECT and statements (the
limit). The rounds alternate; the median of each is printed as a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import pgcluster
from bench.workload import Recorder, prefill, replay_raw, replay_store, run_service
from bot.sql_store import open_store
from tests.fakes import MemoryStore

Row = tuple[str, float]


def rate(result: tuple[int, float]) -> float:
    turns, seconds = result
    return turns / seconds


async def sqlite_rounds(folder: Path, conversations: int, rounds: int) -> list[Row]:
    service_db, store_db, raw_db = (folder / f"{name}.db" for name in ("service", "store", "raw"))
    for db in (service_db, store_db, raw_db):  # three empty, migrated databases
        await (await open_store(f"sqlite+aiosqlite:///{db}")).close()
    rates: dict[str, list[float]] = {"service": [], "memory": [], "store": [], "raw": []}
    for n in range(rounds):
        memory = MemoryStore(yield_between=False)
        rates["memory"].append(rate(await run_service(memory, conversations, f"m{n}")))
        store = await open_store(f"sqlite+aiosqlite:///{service_db}")
        recorder = Recorder(store)
        try:
            rates["service"].append(rate(await run_service(recorder, conversations, f"r{n}")))
        finally:
            await store.close()
        bare = await open_store(f"sqlite+aiosqlite:///{store_db}")
        try:
            rates["store"].append(rate(await replay_store(bare, recorder.saves)))
        finally:
            await bare.close()
        rates["raw"].append(rate(replay_raw(raw_db, recorder.saves)))
    return [
        ("SQLite, through ConversationService", statistics.median(rates["service"])),
        ("in-memory fake store, through ConversationService", statistics.median(rates["memory"])),
        ("SQLite, SqlStore load + save only", statistics.median(rates["store"])),
        ("SQLite, raw sqlite3 (the limit)", statistics.median(rates["raw"])),
    ]


async def postgres_rounds(conversations: int, rounds: int) -> list[Row]:
    rows: list[Row] = []
    with pgcluster.PostgresCluster(durable=True) as cluster:
        url = cluster.create_database("bench")
        for cache, label in ((0, "cache off (default)"), (1024, "cache on")):
            rates = []
            for n in range(rounds):
                # Closed loop: every user answers at once, so a turn may wait for a pooled
                # connection far longer than a real user's would; do not time it out.
                store = await open_store(url, cache_size=cache, busy_timeout=120)
                try:
                    rates.append(rate(await run_service(store, conversations, f"c{cache}r{n}")))
                finally:
                    await store.close()
            rows.append(
                (f"PostgreSQL, through ConversationService, {label}", statistics.median(rates))
            )
    return rows


async def stored_rounds(folder: Path, stored: int, conversations: int, rounds: int) -> list[Row]:
    """The same workload on a database holding 1,000 answers and on one holding ``stored``,
    with the default cache and without it (every load then reads the database)."""
    sizes = (1000, stored)
    for size in sizes:
        db = folder / f"stored-{size}.db"
        await (await open_store(f"sqlite+aiosqlite:///{db}")).close()
        prefill(db, size)
    rates: dict[tuple[int, int | None], list[float]] = {}
    for n in range(rounds):
        for cache in (None, 0):
            for size in sizes:
                url = f"sqlite+aiosqlite:///{folder / f'stored-{size}.db'}"
                store = await open_store(url, cache_size=cache)
                try:
                    result = await run_service(store, conversations, f"s{n}c{cache}")
                finally:
                    await store.close()
                rates.setdefault((size, cache), []).append(rate(result))
    return [
        (
            f"SQLite service, {size:,} answers stored, cache {'off' if cache == 0 else 'on'}",
            statistics.median(found),
        )
        for (size, cache), found in rates.items()
    ]


def table(rows: list[Row], reference: float) -> str:
    lines = [
        "| path | turns/s | µs/turn | × raw sqlite3 cost |",
        "|---|---:|---:|---:|",
    ]
    for label, value in rows:
        ratio = f"{reference / value:.2f}" if reference else "—"
        lines.append(f"| {label} | {value:,.0f} | {1e6 / value:,.0f} | {ratio} |")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="ecoute-bench-"))
    try:
        # Warm-up: compile the templates and fill the catalog's caches before measuring.
        await run_service(MemoryStore(yield_between=False), 20, "warm-up")
        rows = await sqlite_rounds(folder, args.conversations, args.rounds)
        raw = rows[-1][1]
        print(f"\n{args.conversations} interviews at once, median of {args.rounds} rounds\n")
        print(table(rows, raw))
        service, ceiling = rows[0][1], rows[1][1]
        verdict = "meets" if service >= args.target else "MISSES"
        print(
            f"\nthrough the service: {raw / service:.2f}× the raw sqlite3 cost per turn, "
            f"{service / ceiling:.0%} of the in-memory store's rate; "
            f"{service:,.0f} turns/s {verdict} the {args.target:,} target"
        )
        reason = pgcluster.missing()
        if args.postgres == "no" or (args.postgres == "auto" and reason):
            print(f"\nPostgreSQL: skipped ({reason or 'not asked for'})")
        else:
            print("\n" + table(await postgres_rounds(args.conversations, args.rounds), 0))
        if args.stored:
            found = await stored_rounds(folder, args.stored, args.conversations, args.rounds)
            print("\n" + table(found, 0))
            for small, large in ((found[0], found[1]), (found[2], found[3])):
                print(
                    f"turn cost with {args.stored:,} stored answers vs 1,000"
                    f" ({large[0].rsplit(', ', 1)[1]}): {small[1] / large[1]:.2f}× (target ≤ 1.2)"
                )
        return 0 if service >= args.target else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.turns", description=__doc__)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument("--stored", type=int, default=0, help="e.g. 1000000")
    parser.add_argument("--target", type=int, default=1500, help="turns/s to reach")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

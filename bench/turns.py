"""Interview turns per second through the real service, side by side with raw sqlite3.

    python -m bench.turns                      # SQLite, and PostgreSQL when its binaries exist
    python -m bench.turns --stored 1000000     # also: turn cost with 1M stored answers vs 1k
    python -m bench.turns --processes 0        # without the two-process runs

Each round interviews ``--conversations`` users at once through ``ConversationService`` on a
SQLite file and on the in-memory fake store of the unit tests (the service's own ceiling),
replays the very same turns as bare ``SqlStore`` calls (no service), and replays them again
with raw synchronous sqlite3, one transaction per turn with the same SELECT and statements (the
limit). The rounds alternate; the median of each is printed as a markdown table.

PostgreSQL (a throwaway durable cluster on 127.0.0.1) runs the same workload through the
service with the cache off (its default) and on, with the client's and the server's CPU per
turn. Then, on each database, one and ``--processes`` new OS processes drive the service on the
same database at once (each its own ``--conversations`` users), alternating, and the ratio of
their rates is printed: how far adding a process scales on this machine.

Exits 1 when the SQLite figure misses ``--target`` or the PostgreSQL one (cache off) misses
``--pg-target``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench.workload import (
    Recorder,
    Shared,
    prefill,
    replay_raw,
    replay_store,
    run_processes,
    run_service,
)
from bot.storage import open_store
from tests import pgcluster
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


class PgRow(NamedTuple):
    label: str
    rate: float
    client_cpu: float
    """µs of this process's CPU per turn."""
    server_cpu: float
    """µs of the server's CPU per turn (every backend, the WAL writer and the rest)."""


async def postgres_rounds(
    cluster: pgcluster.PostgresCluster, conversations: int, rounds: int
) -> list[PgRow]:
    url = cluster.create_database("bench")
    await (await open_store(url)).close()  # migrated before measuring
    found: dict[int, list[tuple[float, float, float]]] = {0: [], 1024: []}
    for n in range(rounds):
        for cache in found:
            # Closed loop: every user answers at once, so a turn may wait for a pooled
            # connection far longer than a real user's would; do not time it out.
            store = await open_store(url, cache_size=cache, busy_timeout=120)
            try:
                await run_service(store, 20, f"c{cache}r{n}-warm-up")
                before, cpu = cluster.cpu_seconds(), time.process_time()
                turns, seconds = await run_service(store, conversations, f"c{cache}r{n}")
                cpu, server = time.process_time() - cpu, server_used(cluster, before)
            finally:
                await store.close()
            found[cache].append((turns / seconds, 1e6 * cpu / turns, 1e6 * server / turns))
    labels = {0: "cache off (default)", 1024: "cache on"}
    return [
        PgRow(
            f"PostgreSQL, through ConversationService, {labels[cache]}",
            *(statistics.median(r[i] for r in results) for i in range(3)),
        )
        for cache, results in found.items()
    ]


def server_used(cluster: pgcluster.PostgresCluster, before: dict[int, float]) -> float:
    """Seconds of CPU the server's processes used since ``before`` (from ``cpu_seconds``)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in cluster.cpu_seconds().items())


def pg_table(rows: list[PgRow]) -> str:
    lines = [
        "| path | turns/s | µs/turn | client CPU µs/turn | server CPU µs/turn |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.rate:,.0f} | {1e6 / row.rate:,.0f} | {row.client_cpu:,.0f}"
            f" | {row.server_cpu:,.0f} |"
        )
    return "\n".join(lines)


def processes_rounds(
    url: str,
    label: str,
    processes: int,
    conversations: int,
    rounds: int,
    server_cpu: Callable[[], dict[int, float]] | None = None,
) -> dict[int, Shared]:
    """One process, then ``processes`` at once (the order alternating by round), on the
    database at ``url``; the run with the median rate for each count."""
    runs: dict[int, list[Shared]] = {1: [], processes: []}
    for n in range(rounds):
        for count in (1, processes) if n % 2 == 0 else (processes, 1):
            runs[count].append(
                run_processes(url, count, conversations, f"{label}{count}r{n}", server_cpu)
            )
    return {
        count: sorted(found, key=lambda r: r.rate)[len(found) // 2] for count, found in runs.items()
    }


def processes_table(database: str, runs: dict[int, Shared]) -> str:
    one = runs[1].rate
    lines = [
        "| database | processes | turns/s, all | per process | × one process"
        " | client CPU µs/turn | server CPU µs/turn |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for count, run in runs.items():
        server = "—" if run.server_cpu is None else f"{1e6 * run.server_cpu / run.turns:,.0f}"
        lines.append(
            f"| {database} | {count} | {run.rate:,.0f} | {run.rate / count:,.0f}"
            f" | {run.rate / one:.2f} | {1e6 * run.client_cpu / run.turns:,.0f} | {server} |"
        )
    return "\n".join(lines)


def cpu_ceiling(run: Shared) -> str:
    """What the machine's CPUs allow all processes together, from one process's CPU per turn."""
    cpus = len(os.sched_getaffinity(0))
    per_turn = (run.client_cpu + (run.server_cpu or 0.0)) / run.turns
    ceiling = cpus / per_turn
    return (
        f"one process uses {run.rate * per_turn:.1f} of {cpus} CPUs ({1e6 * per_turn:,.0f} µs"
        f" of CPU a turn{', server included' if run.server_cpu is not None else ''}): all"
        f" processes together can reach about {ceiling:,.0f} turns/s here,"
        f" {ceiling / run.rate:.2f}× one process"
    )


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
        missed = service < args.target
        print(
            f"\nthrough the service: {raw / service:.2f}× the raw sqlite3 cost per turn, "
            f"{service / ceiling:.0%} of the in-memory store's rate; "
            f"{service:,.0f} turns/s {'MISSES' if missed else 'meets'} the {args.target:,} target"
        )
        if args.processes > 1:
            db = folder / "processes.db"
            await (await open_store(f"sqlite+aiosqlite:///{db}")).close()
            runs = processes_rounds(
                f"sqlite+aiosqlite:///{db}", "s", args.processes, args.conversations, args.rounds
            )
            print("\n" + processes_table("SQLite, one file", runs))
            ratio = runs[args.processes].rate / runs[1].rate
            print(
                f"\nSQLite, {args.processes} processes on one file: {ratio:.2f}× one process"
                f" (one writer at a time per file); {cpu_ceiling(runs[1])}"
            )
        reason = pgcluster.missing()
        if args.postgres == "no" or (args.postgres == "auto" and reason):
            print(f"\nPostgreSQL: skipped ({reason or 'not asked for'})")
        else:
            missed |= await postgres(args)
        if args.stored:
            found = await stored_rounds(folder, args.stored, args.conversations, args.rounds)
            print("\n" + table(found, 0))
            for small, large in ((found[0], found[1]), (found[2], found[3])):
                print(
                    f"turn cost with {args.stored:,} stored answers vs 1,000"
                    f" ({large[0].rsplit(', ', 1)[1]}): {small[1] / large[1]:.2f}× (target ≤ 1.2)"
                )
        return 1 if missed else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def postgres(args: argparse.Namespace) -> bool:
    """The PostgreSQL rounds, printed; whether the cache-off figure missed its target."""
    with pgcluster.PostgresCluster(durable=True) as cluster:
        rows = await postgres_rounds(cluster, args.conversations, args.rounds)
        print("\n" + pg_table(rows))
        default = rows[0].rate
        missed = bool(default < args.pg_target)
        print(
            f"\nPostgreSQL through the service, cache off: {default:,.0f} turns/s"
            f" {'MISSES' if missed else 'meets'} the {args.pg_target:,} target"
        )
        if args.processes > 1:
            url = cluster.create_database("processes")
            await (await open_store(url)).close()  # migrated before the workers start
            runs = await asyncio.to_thread(
                processes_rounds,
                url,
                "p",
                args.processes,
                args.conversations,
                args.rounds,
                cluster.cpu_seconds,
            )
            print("\n" + processes_table("PostgreSQL, cache off", runs))
            ratio = runs[args.processes].rate / runs[1].rate
            print(
                f"\nPostgreSQL, {args.processes} processes: {ratio:.2f}× one process"
                f" (target ≥ {args.pg_ratio}×: {'meets' if ratio >= args.pg_ratio else 'MISSES'});"
                f" {cpu_ceiling(runs[1])}"
            )
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.turns",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument("--stored", type=int, default=0, help="e.g. 1000000")
    parser.add_argument("--target", type=int, default=1500, help="SQLite turns/s to reach")
    parser.add_argument("--pg-target", type=int, default=1000, help="PostgreSQL turns/s")
    parser.add_argument(
        "--processes", type=int, default=2, help="processes of the scale-out run (0: none)"
    )
    parser.add_argument(
        "--pg-ratio", type=float, default=1.6, help="PostgreSQL scale-out ratio to report"
    )
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())

"""The interview workload of the turn benchmarks: in this process, in several processes on
one database (:func:`run_processes`), and replayed on raw sqlite3.

A turn is one ``ConversationService.handle`` call that stores something: load the
conversation, step it, compare-and-set it with its changed answers. A full interview here is
Start, one answer per question (15 with three platforms), then Confirm: 17 turns.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from bot.catalog import load_catalog
from bot.conversation import Conversation
from bot.events import Answer, Confirm, ConversationKey, Start
from bot.schema import AnswerValue, load_schema
from bot.service import ConversationService
from bot.storage import SqlStore, open_store
from bot.storage.rows import encode
from bot.storage.sqlite.backend import CREATE, DELETE, LOAD, UPDATE, UPSERT, timestamp
from bot.store import InboxItem, Store
from bot.views import QuestionView, ReviewView
from tests.cases import BURRITO

ANSWERS = BURRITO
TURN_LIMIT = 100
"""An interview that has not reached its verdict after this many turns is a bug."""


@dataclass(frozen=True, slots=True)
class Save:
    key: ConversationKey
    conversation: Conversation
    changed: dict[str, AnswerValue | None]


class Recorder:
    """A Store that passes every call through and keeps the successful saves, in order."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.saves: list[Save] = []

    @property
    def caching(self) -> bool:
        return self.store.caching

    async def load(self, key: ConversationKey, *, fresh: bool = False) -> Conversation | None:
        return await self.store.load(key, fresh=fresh)

    async def save(
        self, key: ConversationKey, conv: Conversation, changed: Mapping[str, AnswerValue | None]
    ) -> bool:
        done = await self.store.save(key, conv, changed)
        if done:
            self.saves.append(Save(key, conv, dict(changed)))
        return done

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        return await self.store.forget(platform, workspace, user)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        return await self.store.mark_event(platform, event_id)

    async def prune_events(self, older_than_seconds: float) -> int:
        return await self.store.prune_events(older_than_seconds)

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        return await self.store.inbox_put(key, payload, claimant)

    async def inbox_done(self, item_id: int) -> None:
        await self.store.inbox_done(item_id)

    async def inbox_claim(
        self,
        platform: str,
        claimant: str,
        *,
        dead: Collection[str],
        lease_seconds: float,
        limit: int = 100,
    ) -> list[InboxItem]:
        return await self.store.inbox_claim(
            platform, claimant, dead=dead, lease_seconds=lease_seconds, limit=limit
        )

    async def inbox_claimants(self) -> set[str]:
        return await self.store.inbox_claimants()

    async def ping(self) -> bool:
        return await self.store.ping()

    async def close(self) -> None:
        await self.store.close()


def make_service(store: Store) -> ConversationService:
    return ConversationService(store, load_schema(), load_catalog())


async def interview(service: ConversationService, key: ConversationKey) -> int:
    """One full interview, Start to verdict; returns the turns it took."""
    reply = await service.handle(key, Start(), locale="en")
    turns = 1
    while turns < TURN_LIMIT:
        view = reply.view
        if isinstance(view, QuestionView):
            reply = await service.handle(key, Answer(ANSWERS[view.question_id], view.question_id))
        elif isinstance(view, ReviewView):
            reply = await service.handle(key, Confirm())
        else:
            return turns
        turns += 1
    raise RuntimeError(f"{key} did not reach the verdict in {TURN_LIMIT} turns")


async def run_service(store: Store, conversations: int, tag: str) -> tuple[int, float]:
    """``conversations`` users interviewed at once; returns (turns, seconds)."""
    service = make_service(store)
    keys = [ConversationKey("bench", tag, f"U{i}") for i in range(conversations)]
    start = time.perf_counter()
    turns = await asyncio.gather(*(interview(service, key) for key in keys))
    return sum(turns), time.perf_counter() - start


@dataclass(frozen=True, slots=True)
class Share:
    """What one worker process of :func:`run_processes` measured."""

    turns: int
    started: float
    finished: float
    """``time.monotonic()`` (one clock for every process of the machine)."""
    cpu: float
    """Seconds of this process's CPU time while it ran its turns."""


@dataclass(frozen=True, slots=True)
class Shared:
    """A run of several processes at once: all their turns, from the first start to the
    last finish, with the CPU the workers and the database server used meanwhile."""

    processes: int
    turns: int
    seconds: float
    client_cpu: float
    server_cpu: float | None

    @property
    def rate(self) -> float:
        return self.turns / self.seconds


STARTUP_TIMEOUT = 120.0
"""Seconds for the workers to start, warm up and meet at the start line."""
RUN_TIMEOUT = 300.0
"""Seconds for a worker's measured run: a benchmark never hangs."""


def process_worker(
    url: str, tag: str, conversations: int, start: Barrier, done: Barrier, results: Any
) -> None:
    """The body of a worker process: warm up, wait for the others, run ``conversations``
    interviews at once on its own store, report a :class:`Share` (or the error) to
    ``results``, and wait for the parent to have read the server's CPU before closing."""
    try:
        asyncio.run(_worker(url, tag, conversations, start, done, results))
    except BaseException as exc:
        start.abort()  # nobody waits for a worker that will never come
        results.put(f"{tag}: {exc!r}")
        raise


async def _worker(
    url: str, tag: str, conversations: int, start: Barrier, done: Barrier, results: Any
) -> None:
    # A closed loop: every user answers at once, so a turn may wait for a pooled connection
    # or a lock far longer than a real user's would; do not time it out.
    store = await open_store(url, busy_timeout=120)
    try:
        await run_service(store, 20, f"{tag}-warm-up")  # templates, pool, prepared statements
        start.wait(STARTUP_TIMEOUT)
        cpu, started = time.process_time(), time.monotonic()
        turns, _ = await run_service(store, conversations, tag)
        finished = time.monotonic()
        results.put(Share(turns, started, finished, time.process_time() - cpu))
        done.wait(RUN_TIMEOUT)
    finally:
        await store.close()


def run_processes(
    url: str,
    processes: int,
    conversations: int,
    tag: str,
    server_cpu: Callable[[], dict[int, float]] | None = None,
) -> Shared:
    """``processes`` new processes (spawned: nothing inherited) each interviewing
    ``conversations`` users at once, through its own service and store on the database at
    ``url``, all started together. Bounded in time: a worker that does not report within
    :data:`RUN_TIMEOUT` is killed and the run fails. ``server_cpu`` reads the database
    server's CPU time per process (see ``PostgresCluster.cpu_seconds``)."""
    ctx = multiprocessing.get_context("spawn")
    start, done = ctx.Barrier(processes + 1), ctx.Barrier(processes + 1)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=process_worker,
            args=(url, f"{tag}w{n}", conversations, start, done, results),
            daemon=True,
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        try:
            start.wait(STARTUP_TIMEOUT)
        except threading.BrokenBarrierError:
            report = results.get(timeout=5) if not results.empty() else "no report"
            raise RuntimeError(f"a worker failed before the start: {report}") from None
        before = server_cpu() if server_cpu else {}
        shares = [results.get(timeout=RUN_TIMEOUT) for _ in workers]
        after = server_cpu() if server_cpu else {}
        failed = [share for share in shares if not isinstance(share, Share)]
        if failed:
            raise RuntimeError(f"a worker failed: {failed[0]}")
        done.wait(RUN_TIMEOUT)
    except BaseException:
        start.abort()  # free any worker still waiting, at once
        done.abort()
        raise
    finally:
        for worker in workers:
            worker.join(30)
            if worker.is_alive():
                worker.kill()
                worker.join(5)
    server = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items()) if after else None
    return Shared(
        processes,
        sum(share.turns for share in shares),
        max(share.finished for share in shares) - min(share.started for share in shares),
        sum(share.cpu for share in shares),
        server,
    )


async def replay_store(store: SqlStore, saves: list[Save]) -> tuple[int, float]:
    """The recorded turns as bare Store calls (load, then save), one task per conversation."""
    by_key: dict[ConversationKey, list[Save]] = {}
    for save in saves:
        by_key.setdefault(save.key, []).append(save)

    async def one(turns: list[Save]) -> None:
        for save in turns:
            await store.load(save.key)
            if not await store.save(save.key, save.conversation, save.changed):
                raise RuntimeError(f"replay of {save.key} lost a compare-and-set")

    start = time.perf_counter()
    await asyncio.gather(*(one(turns) for turns in by_key.values()))
    return len(saves), time.perf_counter() - start


def replay_raw(path: Path, saves: list[Save]) -> tuple[int, float]:
    """The same turns with raw, synchronous sqlite3: the same SELECT and the same transaction
    (same statements, same pragmas) per turn, without threads, asyncio or a service."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    start = time.perf_counter()
    for save in saves:
        key, conv = save.key, save.conversation
        db.execute(LOAD, (key.platform, key.workspace, key.user)).fetchall()
        state = (
            conv.lang,
            conv.interview_version,
            conv.phase.value,
            conv.cursor,
            conv.return_to.value if conv.return_to else None,
            *((shown.channel, shown.message, shown.view) if (shown := conv.shown) else (None,) * 3),
        )
        now = timestamp()
        db.execute("BEGIN IMMEDIATE")
        if conv.version == 0:
            row = db.execute(CREATE, (key.platform, key.workspace, key.user, *state, now, now))
            changed: dict[str, AnswerValue | None] = dict(conv.answers)
        else:
            where = (key.platform, key.workspace, key.user, conv.version, None, None)
            row = db.execute(UPDATE, (*state, now, *where))
            changed = save.changed
        conv_id = row.fetchone()[0]
        for qid, value in changed.items():
            if value is None:
                db.execute(DELETE, (conv_id, qid))
            else:
                db.execute(UPSERT, (conv_id, qid, encode(value), now))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return len(saves), elapsed


def prefill(path: Path, answers: int, per_conversation: int = 15) -> None:
    """Store ``answers`` answers (``per_conversation`` each) in a migrated database, fast."""
    db = sqlite3.connect(path, isolation_level=None)
    now = timestamp()
    conversations = max(1, answers // per_conversation)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO conversations (platform, workspace, user_id, lang, interview_version,"
        " phase, cursor, return_to, version, created_at, updated_at)"
        " VALUES ('old', 'W', ?, 'en', 1, 'verdict', NULL, NULL, 17, ?, ?)",
        ((f"U{i}", now, now) for i in range(conversations)),
    )
    db.execute(
        "INSERT INTO answers (conversation_id, question_id, value, answered_at)"
        " SELECT c.id, 'q' || n.value, '\"some stored answer\"', ? FROM conversations AS c,"
        " json_each(?) AS n WHERE c.platform = 'old'",
        (now, str(list(range(per_conversation)))),
    )
    db.execute("COMMIT")
    db.close()

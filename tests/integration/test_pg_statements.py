"""PostgreSQL's fast path keeps the store's semantics: the statements compiled once and run on
asyncpg directly (``bot.storage.postgres.Prepared``), on a real throwaway server.

Two stores racing one version, every compare-and-set variant, a backend terminated under a
statement and while idle, and a lock held past ``lock_timeout``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from bot.conversation import Conversation, Phase, Shown
from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.storage import SqlStore, open_store
from bot.storage.postgres import POOL_SIZE
from bot.store import StoreUnavailable
from tests.integration.rows import fetch

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]

KEY = ConversationKey("slack", "T1", "U1")
BASE = Conversation(lang="en", interview_version=1, cursor="audience", answers={"q": "kept"})
OURS = "application_name = 'ecoute' AND datname = current_database()"
BACKENDS = f"SELECT pid FROM pg_stat_activity WHERE {OURS}"  # noqa: S608 (constants only)
"""The store's own backends (its pooled connections)."""
STATE = "SELECT state FROM pg_stat_activity WHERE pid = $1"


async def connect(db_url: str) -> Any:
    return await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))


@pytest.fixture
async def admin(db_url: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection of the test's own, never in a transaction (PostgreSQL shows
    a transaction the same pg_stat_activity throughout): to watch and end backends."""
    conn = await connect(db_url)
    try:
        yield conn
    finally:
        await conn.close()


@asynccontextmanager
async def row_locked(db_url: str) -> AsyncIterator[None]:
    """Another writer holding every conversation row, on a connection of its own."""
    conn = await connect(db_url)
    try:
        async with conn.transaction():
            await conn.execute("SELECT 1 FROM conversations FOR UPDATE")
            yield
    finally:
        await conn.close()


async def waiting_on_a_lock(admin: Any, count: int) -> list[int]:
    """The pids of the store's backends waiting for a lock, once ``count`` of them are."""
    deadline = time.monotonic() + 10
    while True:
        rows = await admin.fetch(f"{BACKENDS} AND wait_event_type = 'Lock'")
        if len(rows) >= count:
            return [row["pid"] for row in rows]
        assert time.monotonic() < deadline, f"{len(rows)} of {count} saves waiting for the lock"
        await asyncio.sleep(0.01)


async def our_backends(admin: Any) -> set[int]:
    return {row["pid"] for row in await admin.fetch(BACKENDS)}


def answered(conv: Conversation, **values: AnswerValue) -> Conversation:
    return conv.evolve(answers={**conv.answers, **values})


async def test_two_stores_racing_one_version_exactly_one_wins(db_url: str, admin: Any) -> None:
    """Both saves reach the server while a third connection holds the row: both wait for the
    lock, then the second one re-reads the row, finds the version moved and writes nothing."""
    first = await open_store(db_url, cache_size=0)
    second = await open_store(db_url, cache_size=64)  # this one names the id it knows
    try:
        assert await first.save(KEY, BASE, {})
        assert await second.load(KEY) == replace(BASE, version=1)
        for version in (1, 2, 3):
            base = await first.load(KEY)
            assert base is not None
            assert base.version == version
            mine, theirs = f"first-{version}", f"second-{version}"
            async with row_locked(db_url):
                racing = [
                    asyncio.create_task(first.save(KEY, answered(base, a=mine), {"a": mine})),
                    asyncio.create_task(second.save(KEY, answered(base, b=theirs), {"b": theirs})),
                ]
                await waiting_on_a_lock(admin, 2)
            won = await asyncio.gather(*racing)
            assert sorted(won) == [False, True]
            assert await fetch(db_url, "SELECT version FROM conversations") == [(version + 1,)]
            rows = dict(await fetch(db_url, "SELECT question_id, value FROM answers"))
            winner, loser = (("a", mine), ("b", theirs)) if won[0] else (("b", theirs), ("a", mine))
            assert rows[winner[0]] == f'"{winner[1]}"'
            assert rows.get(loser[0]) != f'"{loser[1]}"'  # the loser wrote nothing
            seen = await second.load(KEY, fresh=True)
            assert seen is not None
            assert seen.version == version + 1
    finally:
        await first.close()
        await second.close()


async def test_two_stores_creating_at_once_create_each_conversation_once(db_url: str) -> None:
    stores = [await open_store(db_url, cache_size=size) for size in (0, 64)]
    keys = [ConversationKey("slack", "T1", f"U{n}") for n in range(30)]
    try:
        results = await asyncio.gather(
            *(
                store.save(key, answered(BASE, by=str(n)), {"by": str(n)})
                for key in keys
                for n, store in enumerate(stores)
            )
        )
    finally:
        for store in stores:
            await store.close()
    assert [results[i : i + 2].count(True) for i in range(0, len(results), 2)] == [1] * 30
    assert await fetch(db_url, "SELECT count(*), count(DISTINCT user_id) FROM conversations") == [
        (30, 30)
    ]
    per_key = await fetch(db_url, "SELECT conversation_id, count(*) FROM answers GROUP BY 1")
    assert sorted(n for _, n in per_key) == [2] * 30  # "q" and the winner's "by"


async def test_a_known_id_is_compared_too(db_url: str) -> None:
    """A cached copy of a conversation that was forgotten and started again at the same
    version must not be written over the new one."""
    cached = await open_store(db_url, cache_size=64)
    other = await open_store(db_url, cache_size=0)
    try:
        assert await cached.save(KEY, BASE, {})
        old = await cached.load(KEY)
        assert old is not None
        assert old.version == 1
        assert await other.forget(KEY.platform, KEY.workspace, KEY.user) == 2
        assert await other.save(KEY, replace(BASE, answers={"new": 1}), {})
        assert not await cached.save(KEY, answered(old, late=1), {"late": 1})
        assert await fetch(db_url, "SELECT question_id FROM answers") == [("new",)]
    finally:
        await cached.close()
        await other.close()


@pytest.mark.parametrize("cache_size", [0, 64], ids=["by-key", "by-id"])
async def test_every_compare_and_set_variant_writes_what_it_should(
    db_url: str, cache_size: int
) -> None:
    """No answer, answers only, deletes only, both: each its own statement on the server."""
    store = await open_store(db_url, cache_size=cache_size)
    try:
        assert await store.save(KEY, replace(BASE, answers={}), {})  # created without answers
        shown = Shown("C1", "1.0001", "question:audience")
        steps: list[dict[str, AnswerValue | None]] = [
            {},
            {"a": 1, "b": ("x", "y")},
            {"a": None},
            {"c": "z", "b": None},
            {"missing": None},
        ]
        expected: dict[str, AnswerValue] = {}
        conv = await store.load(KEY)
        assert conv is not None
        for n, changed in enumerate(steps):
            for qid, value in changed.items():
                if value is None:
                    expected.pop(qid, None)
                else:
                    expected[qid] = value
            moved = replace(
                conv, answers=dict(expected), phase=Phase.REVIEW, shown=shown if n % 2 else None
            )
            assert await store.save(KEY, moved, changed)
            assert not await store.save(KEY, moved, changed)  # same version again: refused
            loaded = await store.load(KEY, fresh=True)
            assert loaded == replace(moved, version=conv.version + 1)
            conv = loaded
        assert conv.version == 1 + len(steps)
    finally:
        await store.close()


async def test_a_backend_ended_under_a_statement_is_unavailable_then_the_next_call_works(
    db_url: str, admin: Any
) -> None:
    store = await open_store(db_url, cache_size=0)
    try:
        assert await store.save(KEY, BASE, {})
        base = replace(BASE, version=1)
        async with row_locked(db_url):
            saving = asyncio.create_task(store.save(KEY, answered(base, a="lost"), {"a": "lost"}))
            [pid] = await waiting_on_a_lock(admin, 1)
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
            with pytest.raises(StoreUnavailable):
                await saving
        assert await store.load(KEY) == base  # nothing half-written
        assert await store.save(KEY, answered(base, a="after"), {"a": "after"})
        assert pid not in await our_backends(admin)  # the broken connection was replaced
    finally:
        await store.close()


async def test_a_cancelled_save_writes_nothing_and_leaves_its_connection_usable(
    db_url: str, admin: Any
) -> None:
    """A caller gives up on a save stuck behind a row lock (a request timing out): asyncpg
    cancels the statement on the server; the same pooled connection serves the next call."""
    store = await open_store(db_url, cache_size=0)
    try:
        assert await store.save(KEY, BASE, {})
        base = replace(BASE, version=1)
        [pid] = await our_backends(admin)
        gave_up = answered(base, a="gave up")
        async with row_locked(db_url):
            saving = asyncio.create_task(store.save(KEY, gave_up, {"a": "gave up"}))
            await waiting_on_a_lock(admin, 1)
            saving.cancel()
            with pytest.raises(asyncio.CancelledError):
                await saving
            deadline = time.monotonic() + 10
            while await admin.fetchval(STATE, pid) != "idle":  # cancelled while still locked
                assert time.monotonic() < deadline, "the statement was not cancelled"
                await asyncio.sleep(0.01)
        assert await store.load(KEY) == base  # the cancelled statement wrote nothing
        assert await store.save(KEY, answered(base, a="again"), {"a": "again"})
        assert await our_backends(admin) == {pid}  # on the same connection
    finally:
        await store.close()


async def end_our_backends(admin: Any) -> set[int]:
    """Have the server end every connection of the store; their pids, once they are gone."""
    ended = await our_backends(admin)
    await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", ended)
    deadline = time.monotonic() + 10
    while await our_backends(admin) & ended:
        assert time.monotonic() < deadline, "the server did not end the connections"
        await asyncio.sleep(0.01)
    return ended


@pytest.mark.parametrize("pause", [0.0, 0.2], ids=["at-once", "after-a-pause"])
async def test_connections_ended_while_idle_are_replaced(
    db_url: str, admin: Any, pause: float
) -> None:
    """The server ends every pooled connection (a restart, an administrator). Calls made at
    once may each meet one of them: StoreUnavailable, never a driver error. Once the client
    has seen them close, they are replaced before anything is sent: no call fails."""
    store = await open_store(db_url, cache_size=0)
    expected = replace(BASE, version=1)
    try:
        assert await store.save(KEY, BASE, {})
        await asyncio.gather(*(store.load(KEY) for _ in range(POOL_SIZE)))  # open several
        ended = await end_our_backends(admin)
        assert len(ended) > 1
        await asyncio.sleep(pause)
        failures = 0
        for _ in range(len(ended) + 1):
            try:
                assert await store.load(KEY) == expected
                break
            except StoreUnavailable:
                failures += 1
        else:
            pytest.fail("the store did not recover")
        if pause:
            assert failures == 0
        results = await asyncio.gather(
            *(store.load(KEY) for _ in range(3 * POOL_SIZE)), return_exceptions=True
        )
        unavailable = [r for r in results if isinstance(r, StoreUnavailable)]
        assert [r for r in results if r != expected and r not in unavailable] == []
        assert failures + len(unavailable) <= len(ended)  # one failure per ended one at most
        assert await store.load(KEY) == expected
        assert not (await our_backends(admin)) & ended
    finally:
        await store.close()


async def test_a_row_locked_past_lock_timeout_is_unavailable_on_the_same_connection(
    db_url: str, admin: Any
) -> None:
    store = await open_store(db_url, busy_timeout=0.3, cache_size=0)
    try:
        assert await store.save(KEY, BASE, {})
        base = replace(BASE, version=1)
        before = await our_backends(admin)
        assert len(before) == 1
        async with row_locked(db_url):
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="lock timeout"):
                await store.save(KEY, answered(base, a="locked"), {"a": "locked"})
            assert 0.25 < time.monotonic() - started < 5
            assert await store.load(KEY) == base  # readers do not wait for the row lock
        assert await store.save(KEY, answered(base, a="after"), {"a": "after"})
        assert await our_backends(admin) == before  # a lock timeout does not drop the connection
    finally:
        await store.close()


async def test_store_statements_are_prepared_once_per_connection(db_url: str, admin: Any) -> None:
    """asyncpg keeps each compiled statement prepared: turns do not parse SQL again."""
    store: SqlStore = await open_store(db_url, cache_size=0)
    try:
        conv = BASE
        assert await store.save(KEY, conv, {})
        for n in range(20):
            conv = answered(replace(conv, version=n + 1), a=n)
            assert await store.load(KEY) is not None
            assert await store.save(KEY, conv, {"a": n})
        [pid] = await our_backends(admin)
        backend: Any = store.backend
        pooled = await backend.engine.raw_connection()
        try:
            prepared = await pooled.driver_connection.fetch(
                "SELECT statement FROM pg_prepared_statements"
            )
        finally:
            pooled.close()
        assert await our_backends(admin) == {pid}  # the same connection all along
        texts = [row["statement"] for row in prepared]
        assert sum("FROM conversations LEFT OUTER JOIN answers" in t for t in texts) == 1
        assert sum(t.lstrip().startswith("WITH stored AS") for t in texts) == 1
    finally:
        await store.close()

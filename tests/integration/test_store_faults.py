"""The store when things go wrong: locks held too long, a server that goes away, cancelled
callers, and a process that must still exit."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.conversation import Conversation
from bot.errors import ConfigError
from bot.events import ConversationKey
from bot.storage import SqlStore, open_store, sqlite_path
from bot.storage.postgres import PostgresBackend
from bot.store import StoreUnavailable
from tests import pgcluster
from tests.integration.rows import count, fetch

ROOT = Path(__file__).resolve().parents[2]
KEY = ConversationKey("slack", "T1", "U1")
BASE = Conversation(lang="en", interview_version=1, cursor="audience", answers={"q": "kept"})


async def stored(store: SqlStore) -> Conversation:
    assert await store.save(KEY, BASE, {})
    return replace(BASE, version=1)


def answer(conv: Conversation, value: str) -> tuple[Conversation, dict[str, str | None]]:
    return conv.evolve(answers={**conv.answers, "audience": value}), {"audience": value}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_sqlite_locked_beyond_busy_timeout_is_unavailable_then_recovers(
    db_url: str,
) -> None:
    store = await open_store(db_url, busy_timeout=0.2)
    try:
        base = await stored(store)
        path = sqlite_path(db_url)
        assert path is not None
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable):
                await store.save(KEY, *answer(base, "while locked"))
            assert 0.15 < time.monotonic() - started < 4
            with pytest.raises(StoreUnavailable):
                await store.mark_event("slack", "Ev1")
            reader = await open_store(db_url, cache_size=0, busy_timeout=0.2)
            try:  # WAL: readers are not blocked by the writer
                assert await reader.load(KEY) == base
            finally:
                await reader.close()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert await store.save(KEY, *answer(base, "after"))  # same version: nothing half-written
        assert await store.mark_event("slack", "Ev1")
        assert await store.ping()
    finally:
        await store.close()
    assert await fetch(db_url, "SELECT question_id FROM answers ORDER BY 1") == [
        ("audience",),
        ("q",),
    ]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_postgresql_row_locked_too_long_is_unavailable_then_recovers(db_url: str) -> None:
    store = await open_store(db_url, busy_timeout=0.3)
    try:
        base = await stored(store)
        blocker = create_async_engine(db_url, poolclass=NullPool)
        try:
            async with blocker.connect() as conn, conn.begin():  # another writer holds the row
                await conn.execute(text("SELECT * FROM conversations FOR UPDATE"))
                with pytest.raises(StoreUnavailable):
                    await store.save(KEY, *answer(base, "while locked"))
        finally:
            await blocker.dispose()
        assert await store.save(KEY, *answer(base, "after"))
    finally:
        await store.close()
    assert await count(db_url, "answers") == 2


async def test_unreachable_postgresql_is_unavailable() -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{pgcluster.free_port()}/ecoute"
    with pytest.raises(StoreUnavailable):
        await open_store(url, busy_timeout=1)
    backend = PostgresBackend.open(url, timeout=1)
    try:
        with pytest.raises(StoreUnavailable):
            await backend.load(KEY)
        assert not await backend.ping()
    finally:
        await backend.close()


@pytest.mark.postgres
async def test_postgresql_server_going_away_and_coming_back() -> None:
    reason = pgcluster.missing()
    if reason:
        pytest.skip(f"no PostgreSQL here: {reason}")
    with pgcluster.PostgresCluster() as cluster:
        store = await open_store(cluster.url(), busy_timeout=2)
        try:
            base = await stored(store)
            await asyncio.to_thread(cluster.stop_server)
            with pytest.raises(StoreUnavailable):
                await store.save(KEY, *answer(base, "while down"))
            assert not await store.ping()
            await asyncio.to_thread(cluster.start_server)
            for _ in range(3):  # connections that died with the server fail once each, at most
                if await store.ping():
                    break
            assert await store.save(KEY, *answer(base, "after"))
            assert await store.load(KEY) == replace(answer(base, "after")[0], version=2)
        finally:
            await store.close()


async def test_cancelled_saves_apply_entirely_or_not_at_all(store: SqlStore, db_url: str) -> None:
    keys = [ConversationKey("slack", "T1", f"U{i}") for i in range(20)]
    for key in keys:
        assert await store.save(key, BASE, {})
    tasks = [
        asyncio.create_task(store.save(key, *answer(replace(BASE, version=1), "late")))
        for key in keys
    ]
    await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert await store.ping()  # queued behind any write still in flight: now it is done
    cold = await open_store(db_url, cache_size=0)
    try:
        for key in keys:
            conv = await cold.load(key)
            assert conv is not None
            expected = {1: BASE.answers, 2: {"q": "kept", "audience": "late"}}[conv.version]
            assert conv.answers == expected
            assert await store.load(key) == conv  # this store forgot what it had cached
    finally:
        await cold.close()


EXIT_SCRIPT = """
import asyncio, sys
from bot.conversation import Conversation
from bot.errors import ConfigError
from bot.events import ConversationKey
from bot.storage import open_store

async def main(url: str, close: bool) -> None:
    store = await open_store(url)
    key = ConversationKey("console", "local", "me")
    assert await store.save(key, Conversation(lang="en", interview_version=1), {})
    assert (await store.load(key)).version == 1
    assert await store.mark_event("console", "e1")
    if close:
        await store.close()
    print("done", flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2] == "close"))
"""


@pytest.mark.parametrize("close", ["close", "no-close"])
def test_the_process_exits_after_using_the_store(db_url: str, close: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, db_url, close],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"


async def test_a_file_that_is_not_a_database_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, " * 100)
    with pytest.raises(ConfigError, match="not a usable SQLite file"):
        await open_store(f"sqlite:///{path}")


async def test_opening_waits_for_a_writer_that_holds_a_new_file(tmp_path: Path) -> None:
    """Switching to WAL ignores SQLite's busy handler: a second process starting while the first
    holds a lock must wait for it, not fail at once."""
    path = tmp_path / "ecoute.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE other (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, holder.execute, "COMMIT")
    started = time.monotonic()
    store = await asyncio.wait_for(open_store(f"sqlite+aiosqlite:///{path}"), 30)
    try:
        assert time.monotonic() - started >= 0.25  # it really waited for the lock
        assert await store.ping()
    finally:
        await store.close()
        holder.close()

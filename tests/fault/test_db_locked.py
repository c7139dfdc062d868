"""The database locked by another writer for longer than the busy timeout.

The turn is refused with :class:`StoreUnavailable` (the adapters' "try again"), nothing of it
is written, the process lives on, and the very same turn works once the lock is released —
through the service, and through the real terminal chat in its own process.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.catalog import load_catalog
from bot.events import Answer, ConversationKey, Start
from bot.schema import load_schema
from bot.service import ConversationService
from bot.storage import SqlStore, open_store
from bot.store import StoreUnavailable
from bot.views import QuestionView
from tests.fault.chat import ChatProcess

KEY = ConversationKey("slack", "T1", "U1")
SCHEMA = load_schema()
CATALOG = load_catalog()
TIMEOUT = 30.0
BUSY = 0.3


@contextmanager
def locked(path: Path) -> Iterator[sqlite3.Connection]:
    """Another writer holding SQLite's write lock until the block ends."""
    blocker = sqlite3.connect(path, isolation_level=None, timeout=TIMEOUT)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield blocker
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()


def rows(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """(conversations, answers) as stored, read past the store."""
    with sqlite3.connect(path) as db:
        convs = db.execute(
            "SELECT user_id, phase, cursor, version FROM conversations ORDER BY id"
        ).fetchall()
        answers = db.execute(
            "SELECT conversation_id, question_id, value FROM answers ORDER BY 1, 2"
        ).fetchall()
    return convs, answers


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    opened = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'ecoute.db'}", busy_timeout=BUSY)
    try:
        yield opened
    finally:
        await opened.close()


async def test_service_refuses_turn_while_locked_then_takes_it(
    store: SqlStore, tmp_path: Path
) -> None:
    path = tmp_path / "ecoute.db"
    service = ConversationService(store, SCHEMA, CATALOG)
    await service.handle(KEY, Start())
    await service.handle(KEY, Answer("b2b", "business_model"))
    before = rows(path)
    with locked(path):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            await service.handle(KEY, Answer("niche", "buyers"))
        assert BUSY * 0.8 < time.monotonic() - started < BUSY + 5
        with pytest.raises(StoreUnavailable):  # a new user cannot be created either
            await service.handle(ConversationKey("slack", "T1", "U2"), Start())
        assert "try again" in service.unavailable_text("en")
    assert rows(path) == before  # nothing half-written
    reply = await service.handle(KEY, Answer("niche", "buyers"))  # the same click, again
    assert reply.changed
    assert isinstance(reply.view, QuestionView)
    assert reply.view.question_id == "audience"
    convs, answers = rows(path)
    assert convs == [("U1", "asking", "audience", 3)]
    assert [a[1] for a in answers] == ["business_model", "buyers"]


async def test_other_writer_commits_during_lock_and_service_sees_it(
    store: SqlStore, tmp_path: Path
) -> None:
    """Another process's turn, committed while this one waited: replayed on the new state."""
    path = tmp_path / "ecoute.db"
    service = ConversationService(store, SCHEMA, CATALOG)
    await service.handle(KEY, Start())  # cached in this process at version 1
    with locked(path) as other:
        other.execute(
            "UPDATE conversations SET cursor = 'buyers', version = version + 1 WHERE user_id = 'U1'"
        )
        other.execute(
            "INSERT INTO answers (conversation_id, question_id, value, answered_at) "
            "SELECT id, 'business_model', '\"both\"', '2024-01-01 00:00:00.000000' "
            "FROM conversations WHERE user_id = 'U1'"
        )
        turn = asyncio.create_task(service.handle(KEY, Answer("b2c", "business_model")))
        await asyncio.sleep(BUSY / 3)  # the turn is now waiting for the lock
        other.execute("COMMIT")
        reply = await asyncio.wait_for(turn, TIMEOUT)
    # The click was for a question the other process had already answered: stale, not stored.
    assert not reply.changed
    assert [n.code for n in reply.notices] == ["stale"]
    _, answers = rows(path)
    assert [(a[1], a[2]) for a in answers] == [("business_model", '"both"')]


async def test_terminal_chat_says_try_again_and_lives(tmp_path: Path) -> None:
    path = tmp_path / "ecoute.db"
    unavailable = CATALOG.text("en", "interview.notice.unavailable")
    async with ChatProcess.start(tmp_path) as chat:
        await chat.until("Who buys from you?")
        await chat.say("1", until="How many potential buyers")
        before = rows(path)
        with locked(path):
            # The chat waits its busy timeout (5 s), then says so and asks again.
            await chat.say("2", until=unavailable)
            assert chat.alive
        assert rows(path) == before
        await chat.say("2", until="whom do you want to talk to")
        await chat.say("quit", until=CATALOG.text("en", "console.bye"))
    assert chat.returncode == 0
    convs, answers = rows(path)
    assert convs[0][2] == "audience"
    assert [a[1] for a in answers] == ["business_model", "buyers"]
    assert "Traceback" not in chat.output


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("SQLite locking facts measured on Linux")

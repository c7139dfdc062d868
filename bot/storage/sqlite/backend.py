"""SQLite storage: the statements of each Store operation, run by :class:`SqliteWorker`.

Each operation is a function of the connection that the worker runs in its thread, inside a
transaction (and a savepoint) it opened: a turn is one hop, whatever its statement count. The
SQL names the tables and columns of :mod:`bot.storage.tables`, which the migrations create. It is
plain SQL rather than SQLAlchemy so that a start on SQLite does not load SQLAlchemy at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.events import ConversationKey
from bot.storage.rows import Loaded, Params, State, bind_first
from bot.storage.sqlite.worker import SqliteWorker
from bot.store import InboxItem, StoreUnavailable

LOAD = """
SELECT c.id, c.lang, c.interview_version, c.phase, c.cursor, c.return_to,
       c.shown_channel, c.shown_message, c.shown_view, c.version, a.question_id, a.value
FROM conversations AS c LEFT JOIN answers AS a ON a.conversation_id = c.id
WHERE c.platform = ? AND c.workspace = ? AND c.user_id = ?"""
CREATE = """
INSERT INTO conversations (platform, workspace, user_id, lang, interview_version, phase, cursor,
                           return_to, shown_channel, shown_message, shown_view, version,
                           created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
ON CONFLICT (platform, workspace, user_id) DO NOTHING
RETURNING id"""
UPDATE = """
UPDATE conversations
SET lang = ?, interview_version = ?, phase = ?, cursor = ?, return_to = ?,
    shown_channel = ?, shown_message = ?, shown_view = ?, version = version + 1, updated_at = ?
WHERE platform = ? AND workspace = ? AND user_id = ? AND version = ? AND (? IS NULL OR id = ?)
RETURNING id"""
UPSERT = """
INSERT INTO answers (conversation_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)
ON CONFLICT (conversation_id, question_id)
DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at"""
DELETE = "DELETE FROM answers WHERE conversation_id = ? AND question_id = ?"
FORGET_ANSWERS = """
DELETE FROM answers WHERE conversation_id IN
  (SELECT id FROM conversations WHERE platform = ? AND workspace = ? AND user_id = ?)"""
FORGET = "DELETE FROM conversations WHERE platform = ? AND workspace = ? AND user_id = ?"
FORGET_INBOX = "DELETE FROM inbox WHERE platform = ? AND workspace = ? AND user_id = ?"
INBOX_PUT = """
INSERT INTO inbox (platform, workspace, user_id, payload, received_at, claimed_by, claimed_at)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"""
INBOX_DONE = "DELETE FROM inbox WHERE id = ?"
INBOX_LEFT = """
SELECT id, platform, workspace, user_id, payload, received_at FROM inbox
WHERE platform = ? AND (claimed_by IS NULL OR claimed_by IN ({marks}) OR claimed_at < ?)
ORDER BY id LIMIT ?"""
INBOX_CLAIMANTS = "SELECT DISTINCT claimed_by FROM inbox WHERE claimed_by IS NOT NULL"
MARK = """
INSERT INTO processed_events (platform, event_id, seen_at) VALUES (?, ?, ?)
ON CONFLICT (platform, event_id) DO NOTHING"""
PRUNE = "DELETE FROM processed_events WHERE seen_at < ?"


def timestamp(delta: float = 0.0) -> str:
    """UTC now (minus ``delta`` seconds) in SQLAlchemy's SQLite DATETIME format."""
    when = datetime.now(UTC) - timedelta(seconds=delta)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def load(db: sqlite3.Connection, key: tuple[str, str, str]) -> list[Any]:
    return db.execute(LOAD, key).fetchall()


def create(
    db: sqlite3.Connection, key: ConversationKey, state: State, answers: list[tuple[str, str]]
) -> int | None:
    now = timestamp()
    row = db.execute(CREATE, (key.platform, key.workspace, key.user, *state, now, now)).fetchone()
    if row is None:
        return None  # it exists: the caller's version 0 is stale
    conv_id: int = row[0]
    db.executemany(UPSERT, [(conv_id, qid, value, now) for qid, value in answers])
    return conv_id


def update(
    db: sqlite3.Connection,
    key: ConversationKey,
    conv_id: int | None,
    expected: int,
    state: State,
    upserts: list[tuple[str, str]],
    deletes: list[str],
) -> int | None:
    now = timestamp()
    where = (key.platform, key.workspace, key.user, expected, conv_id, conv_id)
    row = db.execute(UPDATE, (*state, now, *where)).fetchone()
    if row is None:
        return None  # the version moved on (or the conversation is gone): nothing written
    stored: int = row[0]
    if upserts:
        db.executemany(UPSERT, [(stored, qid, value, now) for qid, value in upserts])
    if deletes:
        db.executemany(DELETE, [(stored, qid) for qid in deletes])
    return stored


def forget(db: sqlite3.Connection, key: tuple[str, str, str]) -> int:
    removed: int = db.execute(FORGET_ANSWERS, key).rowcount + db.execute(FORGET, key).rowcount
    return removed + db.execute(FORGET_INBOX, key).rowcount


def inbox_put(db: sqlite3.Connection, key: ConversationKey, payload: str, claimant: str) -> int:
    now = timestamp()
    params = (key.platform, key.workspace, key.user, payload, now, claimant, now)
    item_id: int = db.execute(INBOX_PUT, params).fetchone()[0]
    return item_id


def inbox_claim(
    db: sqlite3.Connection, platform: str, claimant: str, dead: list[str], expired: str, limit: int
) -> list[InboxItem]:
    """Claim what others left (see :meth:`bot.store.Store.inbox_claim`), in one transaction."""
    marks = ", ".join("?" * len(dead)) or "NULL"
    sql = INBOX_LEFT.format(marks=marks)  # only "?" placeholders are formatted in
    rows = db.execute(sql, (platform, *dead, expired, limit)).fetchall()
    now = timestamp()
    db.executemany(
        "UPDATE inbox SET claimed_by = ?, claimed_at = ? WHERE id = ?",
        [(claimant, now, row[0]) for row in rows],
    )
    clock = datetime.now(UTC)
    return [
        InboxItem(row[0], ConversationKey(*row[1:4]), row[4], age(clock, row[5])) for row in rows
    ]


def age(now: datetime, stored: str) -> float:
    """Seconds from a stored timestamp (UTC text) to ``now``."""
    return (now - datetime.fromisoformat(stored).replace(tzinfo=UTC)).total_seconds()


def claimants(db: sqlite3.Connection) -> set[str]:
    return {str(row[0]) for row in db.execute(INBOX_CLAIMANTS).fetchall()}


def execute(db: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> int:
    """One statement; the rows it changed."""
    changed: int = db.execute(sql, params).rowcount
    return changed


def fetch(db: sqlite3.Connection, sql: str, params: Params) -> list[tuple[Any, ...]]:
    return db.execute(sql, tuple(params)).fetchall()


def run_script(
    db: sqlite3.Connection, steps: Sequence[tuple[str, Params]]
) -> list[list[tuple[Any, ...]]]:
    """The statements in the savepoint the worker opened: all or none."""
    results: list[list[tuple[Any, ...]]] = []
    first: object = None
    for sql, params in steps:
        rows = db.execute(sql, bind_first(params, first)).fetchall()
        if not results and rows:
            first = rows[0][0]
        results.append(rows)
    return results


def revision(db: sqlite3.Connection) -> str | None:
    found = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if found is None:
        return None
    row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def statements(script: str) -> list[str]:
    """The statements of an SQL script, each whole (``sqlite3.complete_statement`` says where
    one ends), so that they run one by one inside a transaction the caller holds
    (``executescript`` would commit it first)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"unterminated SQL statement: {pending.strip()[:80]!r}")
    return found


def create_head(db: sqlite3.Connection, script: str) -> str | None:
    """On a database without any table, run ``script`` (the head schema and its stamp).

    Runs in the worker's ``BEGIN IMMEDIATE`` transaction: of two processes opening a new file
    at once, the second waits for the first to commit, then finds the tables and leaves them.
    A database that already has tables is not touched. Returns the revision found after.
    """
    if db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
        for statement in statements(script):
            db.execute(statement)
    return revision(db)


def ping(db: sqlite3.Connection) -> bool:
    return bool(db.execute("SELECT 1").fetchone() == (1,))


class SqliteBackend:
    """The SQLite side of :class:`bot.storage.SqlStore`. Open with :meth:`open`."""

    def __init__(self, worker: SqliteWorker) -> None:
        self.worker = worker

    @classmethod
    async def open(cls, path: Path, *, busy_timeout: float = 5.0) -> SqliteBackend:
        return cls(await SqliteWorker.open(path, busy_timeout=busy_timeout))

    async def load(self, key: ConversationKey) -> Loaded | None:
        rows = await self.worker.call(load, (key.platform, key.workspace, key.user), write=False)
        if not rows:
            return None
        first = rows[0]
        answers = [(r[10], r[11]) for r in rows if r[10] is not None]
        return Loaded(first[0], State(*first[1:9]), first[9], answers)

    async def create(
        self, key: ConversationKey, state: State, answers: list[tuple[str, str]]
    ) -> int | None:
        return await self.worker.call(create, key, state, answers)

    async def update(
        self,
        key: ConversationKey,
        conv_id: int | None,
        expected: int,
        state: State,
        upserts: list[tuple[str, str]],
        deletes: list[str],
    ) -> int | None:
        return await self.worker.call(update, key, conv_id, expected, state, upserts, deletes)

    async def forget(self, key: ConversationKey) -> int:
        return await self.worker.call(forget, (key.platform, key.workspace, key.user))

    async def mark_event(self, platform: str, event_id: str) -> bool:
        return await self.worker.call(execute, MARK, (platform, event_id, timestamp())) == 1

    async def prune_events(self, older_than_seconds: float) -> int:
        return await self.worker.call(execute, PRUNE, (timestamp(older_than_seconds),))

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        return await self.worker.call(inbox_put, key, payload, claimant)

    async def inbox_done(self, item_id: int) -> None:
        await self.worker.call(execute, INBOX_DONE, (item_id,))

    async def inbox_claim(
        self, platform: str, claimant: str, dead: list[str], lease_seconds: float, limit: int
    ) -> list[InboxItem]:
        expired = timestamp(lease_seconds)
        return await self.worker.call(inbox_claim, platform, claimant, dead, expired, limit)

    async def inbox_claimants(self) -> set[str]:
        return await self.worker.call(claimants, write=False)

    def stamp(self, epoch: float) -> Any:
        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    async def rows(self, sql: str, params: Params, *, write: bool = True) -> list[tuple[Any, ...]]:
        return await self.worker.call(fetch, sql, params, write=write)

    async def count(self, sql: str, params: Params) -> int:
        return await self.worker.call(execute, sql, tuple(params))

    async def script(self, steps: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        return await self.worker.call(run_script, steps)

    async def schema_revision(self) -> str | None:
        return await self.worker.call(revision, write=False)

    async def create_schema(self) -> str | None:
        """Give an empty database the head schema without Alembic (see :func:`create_head`);
        the revision the database is at afterwards, ``None`` if it has tables but no revision
        (left to Alembic)."""
        from bot.storage.sqlite.head import SCRIPT

        return await self.worker.call(create_head, SCRIPT)

    async def ping(self) -> bool:
        try:
            return await self.worker.call(ping, write=False)
        except StoreUnavailable:
            return False

    async def close(self) -> None:
        await self.worker.close()

"""One SQLite connection, owned by one worker thread, with group commit.

Hopping to a thread and back costs ~80 µs on the machines écoute runs on, more than the SQL of
a turn, so operations are not sent one statement at a time. Each operation is a plain function
``fn(connection, *args)`` that runs in the thread. Operations that arrive while the thread is
busy wait in a queue; the next hop runs all of them in one transaction, each under its own
savepoint, so each still applies entirely or not at all, in arrival order. Under load the hop
and the commit are shared between turns; alone, an operation is a batch of one.

Writes take ``BEGIN IMMEDIATE``: a plain ``BEGIN`` would upgrade a read lock to a write lock
later, and then fail at once with "database is locked" instead of waiting ``busy_timeout``.
A batch of reads only takes a snapshot (``BEGIN DEFERRED``) and is not blocked by a writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigError
from bot.store import StoreUnavailable

T = TypeVar("T")
Work = tuple[Callable[..., Any], tuple[Any, ...], bool]
MAX_BATCH = 256


def unavailable(exc: BaseException) -> BaseException:
    """Locked beyond the busy timeout, I/O errors, a file that cannot be opened: try again."""
    if isinstance(exc, sqlite3.OperationalError):
        return StoreUnavailable(f"SQLite: {exc}")
    return exc


class SqliteWorker:
    """Run functions on one connection in one thread. Start with :meth:`open`."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecoute-sqlite")
        self._db: sqlite3.Connection | None = None
        self._queue: list[tuple[Work, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path, *, busy_timeout: float = 5.0) -> SqliteWorker:
        worker = cls(path, busy_timeout=busy_timeout)
        try:
            await worker._hop(worker._connect)
        except BaseException as exc:
            await worker.close()
            if isinstance(exc, sqlite3.DatabaseError):  # not SQLite; locks are StoreUnavailable
                raise ConfigError(
                    f"DATABASE_URL: {path} is not a usable SQLite file: {exc}"
                ) from exc
            raise
        return worker

    def _connect(self) -> None:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            self._use_wal(db)
            # WAL + NORMAL: a committed turn survives a killed process; a power cut may lose
            # the last few commits.
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            db.close()
            raise
        self._db = db

    def _use_wal(self, db: sqlite3.Connection) -> None:
        """Switch the file to WAL. The switch ignores the busy handler (it fails at once while
        another connection, such as a second process starting, holds a lock), so wait here."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)  # in the worker thread, not on the event loop

    async def _hop(self, fn: Callable[..., T], *args: object) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)
        except sqlite3.OperationalError as exc:
            raise unavailable(exc) from exc
        except RuntimeError as exc:  # the thread was shut down by close()
            raise StoreUnavailable("the store is closed") from exc

    async def call(self, fn: Callable[..., T], *args: Any, write: bool = True) -> T:
        """``fn(connection, *args)`` in the next batch; its result or its exception."""
        if self._db is None:
            raise StoreUnavailable("the store is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append(((fn, args, write), future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        batch: list[tuple[Work, asyncio.Future[Any]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                try:
                    outcomes = await self._hop(self._run_batch, [work for work, _ in batch])
                except Exception as exc:  # the thread is gone (closed): every caller gets it
                    outcomes = [exc] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # its caller was cancelled; the work itself went through
                    if isinstance(outcome, BaseException):
                        future.set_exception(unavailable(outcome))
                    else:
                        future.set_result(outcome)
                batch = []
        finally:
            self._flusher = None
            # Left over only if this task was cancelled (the loop is shutting down). A batch
            # already in the thread still commits or rolls back as a whole.
            for _, future in [*batch, *self._queue]:
                if not future.done():
                    future.set_exception(StoreUnavailable("the store is closing"))
            self._queue = []

    def _run_batch(self, batch: list[Work]) -> list[Any]:
        """In the thread: one transaction, a savepoint per operation, one commit."""
        db = self._db
        if db is None:
            return [StoreUnavailable("the store is closed")] * len(batch)
        writes = any(write for _, _, write in batch)
        try:
            db.execute("BEGIN IMMEDIATE" if writes else "BEGIN DEFERRED")
        except sqlite3.Error as exc:  # locked beyond busy_timeout: nothing ran
            return [exc] * len(batch)
        outcomes: list[Any] = []
        try:
            for fn, args, _ in batch:
                db.execute("SAVEPOINT op")
                try:
                    outcomes.append(fn(db, *args))
                except Exception as exc:
                    if not db.in_transaction:
                        raise  # SQLite rolled the whole transaction back: every op is lost
                    db.execute("ROLLBACK TO op")
                    outcomes.append(exc)
                db.execute("RELEASE op")
            db.execute("COMMIT")
        except Exception as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return [exc] * len(batch)
        return outcomes

    async def close(self) -> None:
        """Finish the queued work, close the connection in its thread, end the thread."""
        if self._flusher is not None:
            await asyncio.wait([self._flusher], timeout=self.busy_timeout + 5)
        if self._db is not None:
            with contextlib.suppress(StoreUnavailable):
                await self._hop(self._close)
        self._thread.shutdown(wait=False)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

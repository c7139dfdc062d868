"""What the Slack adapter keeps in memory: a lock per user with a turn in progress, the
locales Slack gave lately (bounded), and the work started after an ack.

Nothing here decides what a user sees: which message carries the live buttons is stored with
the conversation (:class:`bot.conversation.Shown`), so any process can continue any
conversation. A user's lock exists only while one of their turns runs or waits, so memory
follows the users active right now, and nothing stays for those who finished.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from bot.events import ConversationKey

log = logging.getLogger(__name__)

LOCALE_SECONDS = 300.0
LOCALES_KEPT = 1024


@dataclass(slots=True)
class Sent:
    """A message in Slack: where, and the blocks it carries (``None`` if unknown)."""

    channel: str
    ts: str
    blocks: list[dict[str, Any]] | None = None


class Locks:
    """One user's turns run one at a time in this process (other processes are kept in
    order by the conversation's compare-and-set). An entry lives while it is held or awaited."""

    def __init__(self) -> None:
        self._held: dict[ConversationKey, tuple[asyncio.Lock, int]] = {}

    def hold(self, key: ConversationKey) -> _Held:
        """``async with locks.hold(key):`` runs one turn of that user."""
        return _Held(self, key)

    def _enter(self, key: ConversationKey) -> asyncio.Lock:
        lock, users = self._held.get(key) or (asyncio.Lock(), 0)
        self._held[key] = (lock, users + 1)
        return lock

    def _leave(self, key: ConversationKey) -> None:
        lock, users = self._held[key]
        if users > 1:
            self._held[key] = (lock, users - 1)
            return
        del self._held[key]
        if not self._held:
            self._held = {}  # a dict keeps its peak size: let it go when idle

    def __len__(self) -> int:
        return len(self._held)


class _Held:
    """The context manager of :meth:`Locks.hold` (a class: no async generator to track)."""

    __slots__ = ("_key", "_lock", "_locks")

    def __init__(self, locks: Locks, key: ConversationKey) -> None:
        self._locks, self._key = locks, key
        self._lock: asyncio.Lock | None = None

    async def __aenter__(self) -> None:
        self._lock = self._locks._enter(self._key)
        try:
            await self._lock.acquire()
        except BaseException:
            self._locks._leave(self._key)
            raise

    async def __aexit__(self, *exc: object) -> None:
        assert self._lock is not None
        self._lock.release()
        self._locks._leave(self._key)


class Locales:
    """Slack locales asked lately (``users.info``), so that a burst of first events asks once.

    An optimisation only: a locale picks the language of a conversation when it is created,
    and is asked again after :data:`LOCALE_SECONDS`. Bounded to :data:`LOCALES_KEPT` users.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._asked: OrderedDict[ConversationKey, tuple[float, asyncio.Future[str | None]]] = (
            OrderedDict()
        )
        self._clock = clock

    async def get(
        self, key: ConversationKey, ask: Callable[[], Awaitable[str | None]]
    ) -> str | None:
        now = self._clock()
        found = self._asked.get(key)
        future: asyncio.Future[str | None]
        if found is None or found[0] < now or (found[1].done() and found[1].exception()):
            future = asyncio.ensure_future(ask())
            self._asked[key] = (now + LOCALE_SECONDS, future)
            while len(self._asked) > LOCALES_KEPT:
                self._asked.popitem(last=False)
        else:
            future = found[1]
        return await asyncio.shield(future)

    def __len__(self) -> int:
        return len(self._asked)


class Background:
    """Tasks started after an ack: referenced until done, errors logged, drained at shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack work failed", exc_info=task.exception())

    async def drain(self, within: float) -> bool:
        """Wait for the work in flight (new tasks included); ``False`` if some is still running."""
        deadline = asyncio.get_running_loop().time() + within
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True

    async def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

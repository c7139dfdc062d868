"""What the adapter keeps in memory: per-user Slack facts and the work started after an ack.

Nothing here is needed for correctness after a restart (the database holds the interview);
it saves Web API calls (locale, DM channel, the message with live buttons) and keeps one
user's turns in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.events import ConversationKey

log = logging.getLogger(__name__)

MAX_USERS = 10_000
FINISHED_KEPT = 50


@dataclass(slots=True)
class Sent:
    """A message écoute posted: where, and the blocks it carries (``None`` if unknown)."""

    channel: str
    ts: str
    blocks: list[dict[str, Any]] | None = None


@dataclass(slots=True)
class UserState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    locale: str | None = None
    locale_known: bool = False
    locale_lookup: asyncio.Future[str | None] | None = None
    """The one ``users.info`` call in flight, shared by a burst of first events."""
    lang: str | None = None
    dm: str | None = None
    live: Sent | None = None
    """The one message with live buttons (the current question, review or verdict)."""
    live_known: bool = False
    finished: deque[str] = field(default_factory=lambda: deque(maxlen=FINISHED_KEPT))
    """Messages this process turned into records: a later click on one is a double click."""


class Users:
    """Per-user state, least recently used dropped first (never one whose lock is held)."""

    def __init__(self, limit: int = MAX_USERS) -> None:
        self._states: OrderedDict[ConversationKey, UserState] = OrderedDict()
        self._limit = limit

    def __getitem__(self, key: ConversationKey) -> UserState:
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = UserState()
            self._trim()
        self._states.move_to_end(key)
        return state

    def forget(self, key: ConversationKey) -> None:
        state = self._states.get(key)
        if state is not None and not state.lock.locked():
            del self._states[key]

    def _trim(self) -> None:
        for key in list(self._states)[: max(len(self._states) - self._limit, 0)]:
            if not self._states[key].lock.locked():
                del self._states[key]


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

    @property
    def pending(self) -> int:
        return len(self._tasks)

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

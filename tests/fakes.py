"""Hand-written fakes for the core's ports."""

from __future__ import annotations

import asyncio
import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from bot.conversation import Conversation
from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.store import InboxItem, Store, StoreUnavailable


@dataclass
class Pending:
    """An inbox row of :class:`MemoryStore`."""

    key: ConversationKey
    payload: str
    received: float
    claimed_by: str | None
    claimed_at: float


class MemoryStore:
    """The Store protocol in memory, with the same compare-and-set semantics as the SQL one.

    ``yield_between`` makes every call give the event loop a turn between its read and its
    write, so concurrent tests really interleave. ``down`` makes every call fail. ``clock``
    (seconds) dates the recorded event ids, for ``prune_events``.
    """

    def __init__(
        self, *, yield_between: bool = True, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.conversations: dict[ConversationKey, Conversation] = {}
        self.events: dict[tuple[str, str], float] = {}
        """(platform, event id) -> when it was recorded, by ``clock``."""
        self.clock = clock
        self.inbox: dict[int, Pending] = {}
        self._ids = itertools.count(1)
        self.saves = 0
        self.yield_between = yield_between
        self.down = False

    async def _pause(self) -> None:
        if self.down:
            raise StoreUnavailable("the fake database is down")
        if self.yield_between:
            await asyncio.sleep(0)

    caching = False

    async def load(self, key: ConversationKey, *, fresh: bool = False) -> Conversation | None:
        await self._pause()
        conv = self.conversations.get(key)
        return None if conv is None else replace(conv, answers=dict(conv.answers))

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        await self._pause()
        stored = self.conversations.get(key)
        if (stored.version if stored else 0) != conversation.version:
            return False
        if stored is None and conversation.version != 0:
            return False
        answers = dict(stored.answers) if stored else {}
        for qid, value in changed.items():
            if value is None:
                answers.pop(qid, None)
            else:
                answers[qid] = value
        assert answers == conversation.answers, "changed must describe the new answers"
        self.conversations[key] = replace(
            conversation, answers=answers, version=conversation.version + 1
        )
        self.saves += 1
        return True

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        await self._pause()
        key = ConversationKey(platform, workspace, user)
        mine = [item_id for item_id, row in self.inbox.items() if row.key == key]
        for item_id in mine:
            del self.inbox[item_id]
        return (1 if self.conversations.pop(key, None) else 0) + len(mine)

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        await self._pause()
        item_id = next(self._ids)
        now = self.clock()
        self.inbox[item_id] = Pending(key, payload, now, claimant, now)
        return item_id

    async def inbox_done(self, item_id: int) -> None:
        await self._pause()
        self.inbox.pop(item_id, None)

    async def inbox_claim(
        self,
        platform: str,
        claimant: str,
        *,
        dead: Collection[str],
        lease_seconds: float,
        limit: int = 100,
    ) -> list[InboxItem]:
        await self._pause()
        now = self.clock()
        claimed: list[InboxItem] = []
        for item_id, row in sorted(self.inbox.items())[:limit]:
            left = row.claimed_by is None or row.claimed_by in dead
            if row.key.platform != platform:
                continue
            if left or row.claimed_at < now - lease_seconds:
                row.claimed_by, row.claimed_at = claimant, now
                claimed.append(InboxItem(item_id, row.key, row.payload, now - row.received))
        return claimed

    async def inbox_claimants(self) -> set[str]:
        await self._pause()
        return {row.claimed_by for row in self.inbox.values() if row.claimed_by is not None}

    async def mark_event(self, platform: str, event_id: str) -> bool:
        await self._pause()
        if (platform, event_id) in self.events:
            return False
        self.events[platform, event_id] = self.clock()
        return True

    async def prune_events(self, older_than_seconds: float) -> int:
        await self._pause()
        before = self.clock() - older_than_seconds
        old = [event for event, seen in self.events.items() if seen < before]
        for event in old:
            del self.events[event]
        return len(old)

    async def ping(self) -> bool:
        return not self.down

    async def close(self) -> None:
        return None


class GatedStore:
    """A real store behind a switch: ``hold()`` blocks every call until ``release()``, ``down``
    makes calls raise StoreUnavailable (unreachable), ``broken`` raise an unexpected error."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.gate.set()
        self.held = 0
        """How many calls found the gate closed."""
        self.gated: frozenset[str] | None = None
        self.blocked = asyncio.Event()
        """Set once a call has found the gate closed."""
        self.down = False
        self.broken = False

    def hold(self, *methods: str) -> None:
        """Block calls until :meth:`release`: every call, or only those of ``methods``."""
        self.gated = frozenset(methods) or None
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    async def _enter(self, method: str) -> None:
        if not self.gate.is_set() and (self.gated is None or method in self.gated):
            self.held += 1
            self.blocked.set()
            await self.gate.wait()
        if self.down:
            raise StoreUnavailable("the test switched the database off")
        if self.broken:
            raise RuntimeError("a bug the adapter did not expect")

    @property
    def caching(self) -> bool:
        return self.inner.caching

    async def load(self, key: ConversationKey, *, fresh: bool = False) -> Conversation | None:
        await self._enter("load")
        return await self.inner.load(key, fresh=fresh)

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        await self._enter("save")
        return await self.inner.save(key, conversation, changed)

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        await self._enter("forget")
        return await self.inner.forget(platform, workspace, user)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        await self._enter("mark_event")
        return await self.inner.mark_event(platform, event_id)

    async def prune_events(self, older_than_seconds: float) -> int:
        await self._enter("prune_events")
        return await self.inner.prune_events(older_than_seconds)

    async def inbox_put(self, key: ConversationKey, payload: str, claimant: str) -> int:
        await self._enter("inbox_put")
        return await self.inner.inbox_put(key, payload, claimant)

    async def inbox_done(self, item_id: int) -> None:
        await self._enter("inbox_done")
        await self.inner.inbox_done(item_id)

    async def inbox_claim(
        self,
        platform: str,
        claimant: str,
        *,
        dead: Collection[str],
        lease_seconds: float,
        limit: int = 100,
    ) -> list[InboxItem]:
        await self._enter("inbox_claim")
        return await self.inner.inbox_claim(
            platform, claimant, dead=dead, lease_seconds=lease_seconds, limit=limit
        )

    async def inbox_claimants(self) -> set[str]:
        await self._enter("inbox_claimants")
        return await self.inner.inbox_claimants()

    async def ping(self) -> bool:
        await self._enter("ping")
        return await self.inner.ping()

    async def close(self) -> None:
        self.release()
        await self.inner.close()


def dead_claimant() -> str:
    """An inbox claim (``host:pid:start``) of a process of this host that has exited."""
    pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{socket.gethostname()}:{pid}:0"

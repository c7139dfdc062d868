"""Store wrappers for tests: a real store that can be held up (slow) or switched off (down)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from bot.conversation import Conversation
from bot.events import ConversationKey
from bot.schema import AnswerValue
from bot.store import Store, StoreUnavailable


class ControlledStore:
    """Delegates to ``inner``; each call first waits for ``gate``, and fails while ``down``
    (the database is unreachable) or ``broken`` (an unexpected error)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = 0
        self.down = False
        self.broken = False

    async def _enter(self) -> None:
        if not self.gate.is_set():
            self.waiting += 1
            await self.gate.wait()
        if self.down:
            raise StoreUnavailable("the test switched the database off")
        if self.broken:
            raise RuntimeError("a bug the adapter did not expect")

    async def load(self, key: ConversationKey) -> Conversation | None:
        await self._enter()
        return await self.inner.load(key)

    async def save(
        self,
        key: ConversationKey,
        conversation: Conversation,
        changed: Mapping[str, AnswerValue | None],
    ) -> bool:
        await self._enter()
        return await self.inner.save(key, conversation, changed)

    async def forget(self, platform: str, workspace: str, user: str) -> int:
        await self._enter()
        return await self.inner.forget(platform, workspace, user)

    async def mark_event(self, platform: str, event_id: str) -> bool:
        await self._enter()
        return await self.inner.mark_event(platform, event_id)

    async def prune_events(self, older_than_seconds: float) -> int:
        await self._enter()
        return await self.inner.prune_events(older_than_seconds)

    async def ping(self) -> bool:
        return not self.down and await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()

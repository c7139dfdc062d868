"""One interaction's responses: the first within 3 s and exactly once, then edits.

Discord forgets an interaction that gets no response within 3 seconds, and refuses a second
one. :meth:`Exchange.run` races the work (a database turn) against what is left of those 3 s:
when the work is quick the reply itself is the first response (an UPDATE_MESSAGE that edits
the clicked message, or a new message); when it is slow the interaction is deferred first and
the reply edits the original response later, within the token's 15 minutes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from enum import Enum
from typing import Any, TypeVar

import discord

from adapters.discord.messages import Outgoing, text_message

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_RESPONSE = 3.0
MARGIN = 1.0
"""Seconds kept for the response's own trip to Discord."""
WORK_TIMEOUT = 60.0
"""A turn that takes longer than this is abandoned (the store should have given up first)."""


class Slow(Enum):
    """How to acknowledge when the work is slow."""

    UPDATE = "update"  # DEFERRED_UPDATE_MESSAGE: the clicked message stays, is edited later
    THINKING = "thinking"  # DEFERRED_CHANNEL_MESSAGE: "thinking…", replaced later (ephemeral)


class Exchange:
    def __init__(self, interaction: discord.Interaction[Any], budget: float = 2.0) -> None:
        self.interaction = interaction
        self.budget = budget
        self.deferred: Slow | None = None

    @property
    def responded(self) -> bool:
        return self.interaction.response.is_done()

    def remaining(self) -> float:
        """Seconds the work may take before the interaction must be deferred."""
        age = time.time() - self.interaction.created_at.timestamp()
        return max(0.0, min(self.budget, FIRST_RESPONSE - MARGIN - age))

    async def run(self, work: Awaitable[T], slow: Slow) -> T:
        """Await ``work``; if it outlasts the budget, defer the interaction meanwhile."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.remaining())
        if not done and not self.responded:  # a second piece of work: acknowledged already
            await self._defer(slow)
        return await asyncio.wait_for(task, WORK_TIMEOUT)

    async def _defer(self, slow: Slow) -> None:
        response = self.interaction.response
        if slow is Slow.THINKING:
            await response.defer(ephemeral=True, thinking=True)
        else:
            await response.defer()
        self.deferred = slow

    async def update(self, message: Outgoing) -> None:
        """Edit the clicked message into ``message`` (UPDATE_MESSAGE when still possible)."""
        if self.interaction.message is None:
            await self.send(message)
            return
        if not self.responded:
            await self.interaction.response.edit_message(
                content=message.content, embeds=message.embeds, view=message.view
            )
        else:
            await self.interaction.edit_original_response(
                content=message.content, embeds=message.embeds, view=message.view
            )

    async def send(self, message: Outgoing, *, ephemeral: bool = True) -> None:
        """A new message (private unless ``ephemeral`` is False)."""
        view = message.view or discord.utils.MISSING
        files = message.files or discord.utils.MISSING
        if not self.responded:
            await self.interaction.response.send_message(
                content=message.content,
                embeds=message.embeds,
                view=view,
                files=files,
                ephemeral=ephemeral,
            )
        elif self.deferred is Slow.THINKING:
            await self.interaction.edit_original_response(
                content=message.content,
                embeds=message.embeds,
                view=message.view,
                attachments=files,
            )
        else:
            await self.interaction.followup.send(
                content=message.content or discord.utils.MISSING,
                embeds=message.embeds,
                view=view,
                files=files,
                ephemeral=ephemeral,
            )

    async def notice(self, text: str) -> None:
        """A private note that leaves the clicked message as it is."""
        await self.send(text_message(text), ephemeral=True)

    async def also(self, message: Outgoing) -> None:
        """One more private message after the reply (never an edit of the reply itself)."""
        if not self.responded:
            await self.send(message)
            return
        await self.interaction.followup.send(
            content=message.content or discord.utils.MISSING,
            embeds=message.embeds,
            files=message.files or discord.utils.MISSING,
            view=message.view or discord.utils.MISSING,
            ephemeral=True,
        )

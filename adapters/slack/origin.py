"""Where a Slack event came from, and the modal handshake: what a turn needs besides the event."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.state import Sent
from bot.events import ConversationKey
from bot.views import Reply

MODAL_WAIT = 5.0
"""Seconds a turn waits to learn whether its modal showed an invalid answer."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an event came from, and how to answer there."""

    key: ConversationKey
    client: AsyncWebClient
    bot_user: str | None = None
    channel: str | None = None
    """The DM channel, when the event came from it."""
    clicked: Sent | None = None
    """The DM message whose element was used."""
    question: str | None = None
    """The question a click or a modal was about."""
    response_url: str | None = None
    """For a slash command: private answers in the channel it was typed in."""
    command_channel: str | None = None
    home: bool = False
    ephemeral_url: str | None = None
    """For a click in an ephemeral message: its ``response_url``, to delete it once used."""


class Handshake:
    """Lets a modal's submission wait for the core's verdict on the answer (to show errors)."""

    def __init__(self) -> None:
        loop = asyncio.get_running_loop()
        self.reply: asyncio.Future[Reply | None] = loop.create_future()
        self.shown: asyncio.Future[bool] = loop.create_future()

    async def settle(self, reply: Reply | None) -> bool:
        """Hand ``reply`` (``None``: unavailable) over; ``True`` if the modal showed it."""
        if not self.reply.done():
            self.reply.set_result(reply)
        try:
            return await asyncio.wait_for(asyncio.shield(self.shown), MODAL_WAIT)
        except TimeoutError:
            return False

"""Where a Slack event came from, and the modal handshake: what a turn needs besides the event."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.state import Sent
from bot.events import ConversationKey
from bot.views import Reply

MODAL_WAIT = 5.0
"""Seconds a turn waits to learn whether its modal showed an invalid answer."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an event came from, and how to answer there.

    What the payload says about messages is never trusted for writing: écoute edits only the
    message the conversation recorded (``clicked`` is compared with it) and posts in the
    user's own DM.
    """

    key: ConversationKey
    client: AsyncWebClient
    bot_user: str | None = None
    clicked: Sent | None = None
    """The DM message whose element was used, as the payload describes it."""
    question: str | None = None
    """The question a click or a modal was about."""
    response_url: str | None = None
    """For a slash command: private answers in the channel it was typed in."""
    command_channel: str | None = None
    home: bool = False
    ephemeral_url: str | None = None
    """For a click in an ephemeral message: its ``response_url``, to delete it once used."""
    replayed: bool = False
    """Run again from the inbox: the process that acknowledged it stopped before the end."""

    def to_json(self) -> dict[str, Any]:
        """What the inbox keeps of it (the client is the app's, found again at replay)."""
        clicked = self.clicked
        return {
            "key": [self.key.platform, self.key.workspace, self.key.user],
            "bot_user": self.bot_user,
            "clicked": [clicked.channel, clicked.ts, clicked.blocks] if clicked else None,
            "question": self.question,
            "response_url": self.response_url,
            "command_channel": self.command_channel,
            "home": self.home,
            "ephemeral_url": self.ephemeral_url,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], client: AsyncWebClient) -> Origin:
        """The inverse of :meth:`to_json`, marked as replayed."""
        clicked = data.get("clicked")
        origin = cls(
            ConversationKey(*data["key"]),
            client,
            bot_user=data.get("bot_user"),
            clicked=Sent(*clicked) if clicked else None,
            question=data.get("question"),
            response_url=data.get("response_url"),
            command_channel=data.get("command_channel"),
            home=bool(data.get("home")),
            ephemeral_url=data.get("ephemeral_url"),
        )
        return replace(origin, replayed=True)


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

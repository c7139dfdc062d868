"""Interactions -> core events -> replies. Translation only: the core decides everything.

Each handler answers its interaction exactly once within 3 s (see :class:`Exchange`), maps
a database outage to the core's "try again" text, and logs anything unexpected after telling
the user something went wrong — never a silent "This interaction failed".

A click on an interview message never creates a conversation: when there is none any more
(``/ecoute forget``, or deleted past retention), the message loses its controls and says so.
A button too old to say what it was for (:attr:`CustomId.viewless`, or an ``ec:`` id of no
known shape) gets "this button is out of date" and where the member is now.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, Protocol

import discord

from adapters.discord.exchange import Exchange, Slow
from adapters.discord.ids import Action, CustomId
from adapters.discord.messages import Extras, reply_message, shared_message, text_message
from adapters.discord.modal import answer_modal
from adapters.discord.texts import Texts
from bot.chat import Forget, failure
from bot.errors import NoConversation
from bot.events import Answer, Back, Confirm, ConversationKey, Edit, Event, Restart, Start
from bot.schema import Schema
from bot.service import ConversationService
from bot.team.service import Outcome
from bot.views import CodedText, Reply, VerdictView

log = logging.getLogger(__name__)

PLATFORM = "discord"

EPHEMERAL = 64
"""A message's flag: only the member it answered sees it (their interview)."""


def conversation_key(interaction: discord.Interaction[Any]) -> ConversationKey:
    """(discord, guild or "dm", user): one interview per member and server."""
    workspace = str(interaction.guild_id) if interaction.guild_id else "dm"
    return ConversationKey(PLATFORM, workspace, str(interaction.user.id))


def locale_of(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.locale.value)


class AfterVerdict(Protocol):
    """What happens when a turn shows a user a new or changed verdict (team rounds)."""

    async def counted(self, key: ConversationKey) -> Sequence[Outcome]:
        """Count it where it counts, before the reply is shown (never raises)."""

    async def settle(self, exchange: Exchange, outcomes: Sequence[Outcome]) -> None:
        """After the reply: tell the user, bring what changed up to date (never raises)."""


class Handler:
    """What the client calls for every écoute command, click and modal submission."""

    def __init__(
        self, service: ConversationService, schema: Schema, texts: Texts, *, budget: float = 2.0
    ) -> None:
        self.service = service
        self.schema = schema
        self.texts = texts
        self.budget = budget
        self.after: AfterVerdict | None = None
        """Told about every new or changed verdict (set by the client: team rounds)."""
        self.extras: Extras | None = None
        """What goes under every verdict shown (set by the client: the follow-ups)."""

    async def command(self, interaction: discord.Interaction[Any], event: Event | Forget) -> None:
        """A slash command: ``event`` for the core, or :class:`Forget`."""
        lang = self.texts.pick(locale_of(interaction))
        exchange = Exchange(interaction, self.budget)
        async with answering(exchange, self, lang):
            if isinstance(event, Forget):
                await exchange.run(
                    self.service.forget(conversation_key(interaction)), Slow.THINKING
                )
                await exchange.send(
                    text_message(self.texts.core(lang, "interview.notice.forgotten"))
                )
            else:
                await self.turn(exchange, event, new_message=True)

    async def component(
        self, interaction: discord.Interaction[Any], cid: CustomId, values: list[str]
    ) -> None:
        """A click on a button or a choice in a select."""
        exchange = Exchange(interaction, self.budget)
        async with answering(exchange, self, cid.lang):
            if not cid.belongs_to(interaction.user.id):
                await exchange.notice(self.texts.text(cid.lang, "not_yours"))
            elif cid.viewless:
                await self._outdated(exchange, cid.lang)
            elif cid.action is Action.TYPE:  # a modal must be the first response: no I/O first
                question = self.schema.question(cid.question)
                user = str(interaction.user.id)
                modal = answer_modal(question, cid.question, cid.lang, user, self.texts)
                await interaction.response.send_modal(modal)
            elif cid.action is Action.SHARE:
                await self._share(exchange, cid.lang)
            elif cid.action is Action.OWN:
                await self.turn(exchange, Start(), new_message=True)
            else:
                await self.turn(exchange, _event(cid, values), new_message=False, create=False)

    async def outdated(self, interaction: discord.Interaction[Any], lang: str | None) -> None:
        """A click or a form whose écoute custom_id has no shape this version knows (``lang``:
        the language it still names, if any)."""
        exchange = Exchange(interaction, self.budget)
        lang = lang if lang in self.texts.languages else self.texts.pick(locale_of(interaction))
        async with answering(exchange, self, lang):
            await self._outdated(exchange, lang)

    async def _outdated(self, exchange: Exchange, lang: str) -> None:
        """ "This button is out of date", and where the member is: in place of their own
        private message (the interview it showed, as it is now), else in a private note (a
        public message's button belongs to no one's interview in particular)."""
        message = exchange.interaction.message
        if message is not None and message.flags.value & EPHEMERAL:
            note = CodedText("outdated", self.texts.text(lang, "outdated"))
            await self.turn(exchange, Start(), new_message=False, create=False, note=note)
        else:
            await exchange.notice(self.texts.text(lang, "outdated_elsewhere"))

    async def modal(
        self, interaction: discord.Interaction[Any], cid: CustomId | None, value: str
    ) -> None:
        """A typed answer from the modal (``cid`` None: a submission écoute can't read)."""
        exchange = Exchange(interaction, self.budget)
        lang = cid.lang if cid else self.texts.pick(locale_of(interaction))
        async with answering(exchange, self, lang):
            if cid is None:
                await exchange.notice(self.service.text(lang, "chat.error"))
            elif not cid.belongs_to(interaction.user.id):
                await exchange.notice(self.texts.text(cid.lang, "not_yours"))
            else:
                event = Answer(value, question=cid.question or None)
                await self.turn(exchange, event, new_message=False, create=False)

    async def turn(
        self,
        exchange: Exchange,
        event: Event,
        *,
        new_message: bool,
        key: ConversationKey | None = None,
        create: bool = True,
        note: CodedText | None = None,
    ) -> None:
        """One turn of ``key``'s interview (the clicker's by default), shown in a new private
        message or in place of the clicked one; a new or changed verdict is then counted
        where it counts (:attr:`after`). ``create=False`` (a click on an interview message):
        :class:`NoConversation` rather than create the conversation (:func:`answering` then
        tells the member). ``note`` takes the place of any notice the core gives."""
        interaction = exchange.interaction
        key = key or conversation_key(interaction)

        async def work() -> tuple[Reply, Sequence[Outcome]]:
            reply = await self.service.handle(
                key, event, locale=locale_of(interaction), create=create
            )
            outcomes: Sequence[Outcome] = ()
            if self.after is not None and isinstance(reply.view, VerdictView) and reply.changed:
                outcomes = await self.after.counted(key)
            return reply, outcomes

        reply, outcomes = await exchange.run(work(), Slow.THINKING if new_message else Slow.UPDATE)
        if note is not None:
            reply = replace(reply, notices=(note,))
        message = reply_message(reply, str(interaction.user.id), self.texts, self.extras)
        if new_message:
            await exchange.send(message)
        else:
            await exchange.update(message)
        if outcomes and self.after is not None:
            await self.after.settle(exchange, outcomes)

    async def _share(self, exchange: Exchange, lang: str) -> None:
        key = conversation_key(exchange.interaction)

        async def find() -> tuple[VerdictView | None, str]:
            return await self.service.latest_verdict(key), await self.service.language(key)

        verdict, lang = await exchange.run(find(), Slow.UPDATE)
        if verdict is None:
            await exchange.notice(self.texts.text(lang, "share.nothing"))
            return
        who = exchange.interaction.user.display_name
        await exchange.send(shared_message(verdict, lang, who, self.texts), ephemeral=False)


def _event(cid: CustomId, values: list[str]) -> Event:
    """The core event of a click; Back, Change and Start again say which view they were on
    (a second click on the same one, or a click on an older message, is then stale)."""
    if cid.action is Action.CONFIRM:
        return Confirm()
    if cid.action is Action.RESTART:
        return Restart(view=cid.view)
    if cid.action is Action.BACK:
        return Back(view=cid.view)
    if cid.action is Action.CHOICE:
        return Answer(cid.choice, question=cid.question)
    if cid.action is Action.NONE:
        return Answer((), question=cid.question)
    if cid.action is Action.SELECT:
        return Answer(tuple(values), question=cid.question)
    if cid.action is Action.EDIT and values:
        return Edit(values[0], view=cid.view)
    return Start()


@asynccontextmanager
async def answering(exchange: Exchange, handler: Handler, lang: str) -> AsyncIterator[None]:
    """Turn failures into a message for the user; log what they can't fix. A click on the
    interview of a conversation that is gone: the clicked message says so, without controls."""
    try:
        yield
    except NoConversation:
        await _tell(exchange, handler.texts.text(lang, "gone"), in_place=True)
    except discord.HTTPException:
        log.exception("Discord refused the response to interaction %s", exchange.interaction.id)
    except Exception as exc:  # the core's guard says what the user is told
        told = failure(handler.service, lang, exc, f"interaction {exchange.interaction.id}")
        await _tell(exchange, told.text)


async def _tell(exchange: Exchange, text: str, *, in_place: bool = False) -> None:
    try:
        if in_place:
            await exchange.update(text_message(text))
        else:
            await exchange.notice(text)
    except discord.HTTPException:
        log.exception("could not tell the user about a failure")

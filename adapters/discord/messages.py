"""A core :class:`~bot.views.Reply` -> one Discord message (content, embeds, components).

Everything the adapter sends is built here and passes through :mod:`adapters.discord.limits`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord import limits
from adapters.discord.components import (
    question_components,
    review_components,
    shared_components,
    verdict_components,
)
from adapters.discord.embeds import review_embeds, verdict_embeds
from adapters.discord.texts import Texts
from bot.views import QuestionView, Reply, ReviewView, VerdictView


@dataclass
class Outgoing:
    """A message ready to send or to edit into place (every part set, so edits replace all)."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)
    """Attachments (new messages only: an edit keeps the message's own)."""

    def fitted(self) -> Outgoing:
        content = self.content
        if content is not None:
            content = limits.fit(content, limits.CONTENT, "message content") or None
        view = None if self.view is None else limits.fit_view(self.view)
        return Outgoing(content, limits.fit_embeds(self.embeds), view, self.files)


def server_channel(client: discord.Client, channel: str, guild: str) -> discord.PartialMessageable:
    """A server channel by id, to post or edit in without fetching it first."""
    return client.get_partial_messageable(int(channel), guild_id=int(guild))


async def edit_posted(
    channel: discord.PartialMessageable, message_id: str, message: Outgoing
) -> bool:
    """Edit the bot's message ``message_id`` in ``channel`` into ``message``; ``False`` when
    it was deleted (nothing left to keep up to date)."""
    try:
        await channel.get_partial_message(int(message_id)).edit(
            content=None, embeds=message.embeds, view=message.view
        )
    except discord.NotFound:
        return False
    return True


@dataclass
class Extra:
    """What follows a verdict under it (the follow-ups): embeds after its own, and components
    on the rows the verdict leaves free."""

    embeds: list[discord.Embed] = field(default_factory=list)
    items: list[discord.ui.Item[Any]] = field(default_factory=list)


Extras = Callable[[VerdictView, str, str], Extra]
"""(verdict, language, user) -> what to add under that user's verdict."""


def reply_message(reply: Reply, user: str, texts: Texts, extras: Extras | None = None) -> Outgoing:
    """The message showing ``reply`` to ``user`` (their Discord id, for the custom_ids);
    a verdict gets ``extras`` under it."""
    lang = reply.lang
    lines: list[str] = []
    if reply.recorded is not None:
        r = reply.recorded
        lines.append(texts.trusted(lang, "recorded", label=r.label, answer=r.answer))
    for notice in reply.notices:
        lines.append(texts.trusted(lang, "notice", text=_quoted(notice.text)))
    view = reply.view
    if isinstance(view, QuestionView):
        lines.append(_question_text(view, lang, texts))
        message = Outgoing(view=question_components(view, lang, user, texts))
    elif isinstance(view, ReviewView):
        message = Outgoing(
            embeds=review_embeds(view, lang, texts),
            view=review_components(view, lang, user, texts),
        )
    else:
        extra = extras(view, lang, user) if extras is not None else Extra()
        message = Outgoing(
            embeds=verdict_embeds(view, lang, texts) + extra.embeds,
            view=verdict_components(view, lang, user, texts, extra.items),
        )
    message.content = "\n".join(lines) or None
    return message.fitted()


def shared_message(verdict: VerdictView, lang: str, who: str, texts: Texts) -> Outgoing:
    """The verdict posted in the channel for everyone, with a button to run one's own."""
    return Outgoing(
        content=texts.text(lang, "share.intro", user=who),
        embeds=verdict_embeds(verdict, lang, texts),
        view=shared_components(lang, texts),
    ).fitted()


def text_message(text: str) -> Outgoing:
    """A message of text only (notices, errors): clears any embeds and components."""
    return Outgoing(content=text).fitted()


def _question_text(q: QuestionView, lang: str, texts: Texts) -> str:
    text = texts.trusted(lang, "question", progress=q.progress, title=q.title, hint=q.hint)
    if q.current:
        text += "\n" + texts.trusted(lang, "current", answer=q.current)
    return text


def _quoted(text: str) -> str:
    """A notice as a block quote, line by line (help texts may span lines)."""
    return "\n> ".join(text.splitlines())

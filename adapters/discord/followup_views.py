"""Follow-up views (:mod:`bot.poll`, :mod:`bot.checkin`) -> Discord messages: the poll's
message and its channel picker, what goes under a verdict, a check-in's questions, the
reminder, and the verdict sent in a direct message when a poll closes on its own.

Every text comes from the core, already escaped for Discord; the layout around it comes from
``prompts/<lang>/discord.toml``. Components follow :mod:`adapters.discord.ids`.
"""

from __future__ import annotations

import discord
from discord import ButtonStyle, ChannelType, SelectOption, ui

from adapters.discord import limits
from adapters.discord.components import EcouteButton, EcouteChannelSelect, EcouteSelect
from adapters.discord.embeds import COLOURS, NEUTRAL, verdict_embeds
from adapters.discord.escape import plain_label
from adapters.discord.ids import Action, CustomId, followup_id
from adapters.discord.messages import Extra, Outgoing
from adapters.discord.texts import Texts
from bot.checkin import Offer, Question
from bot.poll import PollView
from bot.views import VerdictView

ASK_ROW, BOOK_ROW = 1, 2
"""Under a verdict: "Ask your audience" beside Start again and Share; the check-in's weeks
on a row of their own (the verdict's select takes row 0)."""
POLL_CHANNELS = [ChannelType.text, ChannelType.news]
"""Where a poll can be posted: channels that take messages (a forum takes only threads)."""


def poll_message(view: PollView, lang: str, texts: Texts) -> Outgoing:
    """The poll in its channel: the question, how to answer and the count while open, with
    the choices (a select of one or several) and Close; the results once closed, without
    components."""
    if view.open:
        description = texts.trusted(
            lang, "poll.open", question=view.question, intro=view.intro, count=view.count
        )
    else:
        results = "\n".join(texts.trusted(lang, "bullet", text=line) for line in view.results)
        description = texts.trusted(
            lang, "poll.closed", question=view.question, results=results, count=view.count
        )
    embed = discord.Embed(description=description, colour=NEUTRAL)
    embed.set_footer(text=texts.plain(lang, "poll.number", id=view.poll_id))
    components = None
    if view.open:
        components = ui.View(timeout=None)
        options = [
            SelectOption(label=plain_label(label), value=choice)
            for choice, label in view.choices[: limits.OPTIONS]
        ]
        vote = followup_id(Action.VOTE, lang, value=str(view.poll_id))
        close = followup_id(Action.END, lang, value=str(view.poll_id))
        components.add_item(
            EcouteSelect(
                vote,
                options,
                placeholder=plain_label(view.placeholder),
                min_values=0,
                max_values=len(options),
                row=0,
            )
        )
        components.add_item(EcouteButton(close, plain_label(view.close), row=1))
    return Outgoing(embeds=[embed], view=components).fitted()


def picker_message(lang: str, user: str, days: int, texts: Texts) -> Outgoing:
    """After "Ask your audience": which channel of this server to post the poll in."""
    components = ui.View(timeout=None)
    where = followup_id(Action.WHERE, lang, user=user)
    components.add_item(
        EcouteChannelSelect(
            where,
            placeholder=texts.plain(lang, "poll.channel"),
            channel_types=POLL_CHANNELS,
            row=0,
        )
    )
    return Outgoing(content=texts.trusted(lang, "poll.where", days=days), view=components).fitted()


def verdict_extra(
    ask: str | None, offer: Offer | None, lang: str, user: str, *, workspace: str = ""
) -> Extra:
    """Under a verdict: "Ask your audience" (``ask``, its label; ``None``: not offered) and,
    when the verdict has tests, the check-in offer and its weeks. ``workspace`` goes in the
    booking buttons' ids when they may be clicked in a direct message."""
    extra = Extra()
    if ask is not None:
        cid = followup_id(Action.ASK, lang, user=user)
        extra.items.append(EcouteButton(cid, plain_label(ask), row=ASK_ROW))
    if offer is not None:
        extra.embeds.append(discord.Embed(description=offer.text, colour=COLOURS["test"]))
        for weeks, label in offer.weeks:
            cid = followup_id(Action.BOOK, lang, user=user, workspace=workspace, value=str(weeks))
            extra.items.append(EcouteButton(cid, plain_label(label), row=BOOK_ROW))
    return extra


def results_message(
    notice: str, verdict: VerdictView | None, extra: Extra, lang: str, texts: Texts, there: str
) -> Outgoing:
    """In a direct message, when a poll closed on its own: the notice and the verdict it
    changed. The interview's own buttons can't work there (they would not know the server),
    so the message says how to change an answer; the check-in's weeks do work. Without a
    verdict yet (the interview is not finished), ``there`` says where it goes on."""
    if verdict is None:
        return Outgoing(content=notice + "\n" + there).fitted()
    content = notice + "\n" + texts.trusted(lang, "poll.elsewhere")
    components = None
    if extra.items:
        components = ui.View(timeout=None)
        for item in extra.items:
            components.add_item(item)
    embeds = verdict_embeds(verdict, lang, texts) + extra.embeds
    return Outgoing(content=content, embeds=embeds, view=components).fitted()


def checkin_message(question: Question, lang: str, user: str, workspace: str) -> Outgoing:
    """One tested network's check-in question, in a direct message, with its three answers."""
    components = ui.View(timeout=None)
    for bucket, label in question.choices:
        value = f"{bucket}_{question.platform}"
        cid = followup_id(Action.CHECK, lang, user=user, workspace=workspace, value=value)
        components.add_item(EcouteButton(cid, plain_label(label), row=0))
    return Outgoing(content=question.text, view=components).fitted()


def reminder_message(
    text: str, button: str, lang: str, user: str, guild: str | None, there: str
) -> Outgoing:
    """The one reminder of an interview left halfway, in a direct message. An interview in
    the bot's DMs resumes from its button; one in a server resumes there (its buttons only
    work in the server), so the button opens the server and the text says what to type."""
    components = ui.View(timeout=None)
    if guild is None:
        resume = CustomId(Action.OWN, lang, user)  # "start", in the DM: picks up where it was
        components.add_item(
            EcouteButton(resume, plain_label(button), style=ButtonStyle.primary, row=0)
        )
        return Outgoing(content=text, view=components).fitted()
    url = f"https://discord.com/channels/{guild}"
    components.add_item(ui.Button(label=plain_label(button), url=url, row=0))
    return Outgoing(content=text + "\n" + there, view=components).fitted()

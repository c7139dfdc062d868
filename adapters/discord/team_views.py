"""Team round views (:mod:`bot.team.view`) -> Discord messages: the round's live message,
the invitation, the report with its chart.

Every text comes from the core, already escaped for Discord; mentions and dates are
Discord's own markup (:class:`DiscordRefs`), which every reader sees in their own language
and time zone. The layout around them comes from ``prompts/<lang>/discord.toml``.
"""

from __future__ import annotations

import io

import discord
from discord import ButtonStyle, ui

from adapters.discord import limits
from adapters.discord.components import EcouteButton
from adapters.discord.embeds import NEUTRAL
from adapters.discord.escape import plain_label
from adapters.discord.ids import Action, team_id
from adapters.discord.messages import Outgoing
from adapters.discord.texts import Texts
from bot.team.view import InviteView, RoundView, TeamReportView

CHART_NAME = "team-report.png"


class DiscordRefs:
    """Users, channels and dates as Discord markup (they never ping: every message is sent
    with mentions disabled)."""

    def user(self, user_id: str) -> str:
        return f"<@{user_id}>"

    def channel(self, channel_id: str) -> str:
        return f"<#{channel_id}>"

    def date(self, epoch: float) -> str:
        return f"<t:{int(epoch)}:D>"


REFS = DiscordRefs()


def jump_url(guild: str, channel: str, message: str) -> str:
    """The link that opens a channel message in Discord."""
    return f"https://discord.com/channels/{guild}/{channel}/{message}"


def round_message(view: RoundView, lang: str, texts: Texts) -> Outgoing:
    """The round's channel message: who asks, how it is reported, the count; "Take part"
    and "Close and report" while it is open, no buttons once it is closed."""
    description = (
        "\n".join(view.lines)
        + "\n\n"
        + texts.trusted(lang, "team.progress", progress=view.progress)
    )
    embed = discord.Embed(title=view.title, description=description, colour=NEUTRAL)
    embed.set_footer(text=texts.plain(lang, "team.number", id=view.round_id))
    buttons = None
    if view.open:
        buttons = ui.View(timeout=None)
        join = team_id(Action.JOIN, lang, view.round_id)
        close = team_id(Action.CLOSE, lang, view.round_id)
        buttons.add_item(
            EcouteButton(join, plain_label(view.join), style=ButtonStyle.primary, row=0)
        )
        buttons.add_item(EcouteButton(close, plain_label(view.close), row=0))
    return Outgoing(embeds=[embed], view=buttons).fitted()


def invite_text(view: InviteView, lang: str, texts: Texts) -> str:
    return texts.trusted(
        lang, "team.invite", text=view.text, privacy=view.privacy, reuse=view.reuse or ""
    )


def invitation_message(
    view: InviteView, lang: str, user: str, guild: str, url: str, texts: Texts
) -> Outgoing:
    """The invitation sent in a direct message. The interview can't run there (its buttons
    would not know the server), so "Start" and "Answer again" open the round's message, where
    "Take part" starts it; "Use my verdict" and "Not this time" work from the DM itself."""
    buttons = ui.View(timeout=None)
    if view.reuse is not None:
        use = team_id(Action.USE, lang, view.round_id, user=user, guild=guild)
        buttons.add_item(EcouteButton(use, plain_label(view.use), style=ButtonStyle.success, row=0))
        buttons.add_item(ui.Button(label=plain_label(view.redo), url=url, row=0))
    else:
        buttons.add_item(ui.Button(label=plain_label(view.start), url=url, row=0))
    decline = team_id(Action.DECLINE, lang, view.round_id, user=user, guild=guild)
    buttons.add_item(EcouteButton(decline, plain_label(view.decline), row=0))
    return Outgoing(content=invite_text(view, lang, texts), view=buttons).fitted()


def choice_message(view: InviteView, lang: str, user: str, guild: str, texts: Texts) -> Outgoing:
    """After "Take part", for someone who has a verdict already: use it, or answer again."""
    buttons = ui.View(timeout=None)
    use = team_id(Action.USE, lang, view.round_id, user=user, guild=guild)
    redo = team_id(Action.REDO, lang, view.round_id, user=user, guild=guild)
    buttons.add_item(EcouteButton(use, plain_label(view.use), style=ButtonStyle.success, row=0))
    buttons.add_item(EcouteButton(redo, plain_label(view.redo), row=0))
    return Outgoing(content=invite_text(view, lang, texts), view=buttons).fitted()


def report_message(view: TeamReportView, png: bytes | None, lang: str, texts: Texts) -> Outgoing:
    """One message: the summary, a field per section and, when there is one, the chart as
    an attachment shown in the embed (its alt text on the attachment)."""
    description = view.summary
    if view.privacy:
        description += "\n" + texts.trusted(lang, "team.privacy", privacy=view.privacy)
    embed = discord.Embed(title=view.title, description=description, colour=NEUTRAL)
    empty = texts.trusted(lang, "review.empty")
    for title, lines in view.sections:
        value = "\n".join(texts.trusted(lang, "bullet", text=line) for line in lines)
        embed.add_field(name=title, value=value or empty, inline=False)
    embed.set_footer(text=texts.plain(lang, "team.number", id=view.round_id))
    files = []
    if png is not None:
        embed.set_image(url=f"attachment://{CHART_NAME}")
        alt = limits.fit(plain_label(view.chart_alt), limits.ATTACHMENT_DESCRIPTION, "alt text")
        files.append(discord.File(io.BytesIO(png), CHART_NAME, description=alt))
    return Outgoing(embeds=[embed], files=files).fitted()

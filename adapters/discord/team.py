"""Team rounds on Discord: ``/ecoute team``, its buttons, and what follows a verdict.

Translation only: :class:`bot.team.service.TeamService` decides who may take part, when a
round closes and what the report says; here interactions become its calls and its views
become messages (:mod:`adapters.discord.team_views`). Every interaction is answered first
(within Discord's 3 s, see :class:`Exchange`); the round's channel message is brought up to
date and the report posted afterwards, over REST, by :class:`~adapters.discord.rounds.Rounds`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

import discord

from adapters.discord.commands import TeamOptions, Unusable
from adapters.discord.exchange import Exchange, Slow
from adapters.discord.export import export_message, export_rounds
from adapters.discord.handlers import PLATFORM, Handler, answering, conversation_key, locale_of
from adapters.discord.ids import Action, CustomId
from adapters.discord.messages import Outgoing, text_message
from adapters.discord.rounds import Rounds
from adapters.discord.team_views import REFS, choice_message
from adapters.discord.texts import Texts
from bot.events import ConversationKey, Restart, Start
from bot.store import StoreUnavailable
from bot.team.rounds import OptionError, Round
from bot.team.service import Joined, Opened, Outcome, TeamService

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@!?(\d{1,20})>")
_WORDS = re.compile(r"<@!?\d{1,20}>|[^\s,]+")
NAMED_WORD = "named"
"""The core's option word for a named round (``team.words.named``, in every language)."""


def discord_mention(word: str) -> str | None:
    """``<@123>`` or ``<@!123>`` -> ``"123"``; anything else -> ``None``."""
    found = _MENTION.fullmatch(word)
    return found.group(1) if found else None


def option_words(
    options: TeamOptions, unaskable: Collection[str] = ()
) -> tuple[list[str], list[str]]:
    """The options as the words the core reads (``named``, ``7d``, one word per mention),
    and the people mentioned who can't be asked (``unaskable``), left out of those words."""
    words = [NAMED_WORD] if options.named else []
    if options.days is not None:
        words.append(f"{options.days}d")
    left_out: list[str] = []
    for word in _WORDS.findall(options.people or ""):
        user = discord_mention(word)
        if user is None or user not in unaskable:
            words.append(word)
        elif user not in left_out:
            left_out.append(user)
    return words, left_out


def unaskable(interaction: discord.Interaction[Any]) -> set[str]:
    """Who a round can't ask: the bot itself, and any other bot the command mentions
    (Discord resolves the mentions of a string option, with ``bot``). Whoever opens the
    round may name themselves, to answer too."""
    found: set[str] = set()
    client = interaction.client
    for bot_id in (client.application_id, client.user.id if client.user else None):
        if bot_id is not None:
            found.add(str(bot_id))
    data: Any = interaction.data if isinstance(interaction.data, dict) else {}
    resolved = data.get("resolved")
    users = resolved.get("users") if isinstance(resolved, dict) else None
    for user_id, user in users.items() if isinstance(users, dict) else ():
        if isinstance(user, dict) and user.get("bot") is True:
            found.add(str(user_id))
    return found


class TeamHandler:
    """What the client calls for ``/ecoute team`` and the team buttons; it is also the
    handler's :class:`~adapters.discord.handlers.AfterVerdict`."""

    def __init__(self, team: TeamService, rounds: Rounds, handler: Handler, texts: Texts) -> None:
        self.team = team
        self.rounds = rounds
        self.handler = handler
        self.texts = texts

    @property
    def budget(self) -> float:
        return self.handler.budget

    # -- /ecoute team -----------------------------------------------------------------------

    async def command(self, interaction: discord.Interaction[Any], options: TeamOptions) -> None:
        exchange = Exchange(interaction, self.budget)
        lang = self.texts.pick(locale_of(interaction))
        async with answering(exchange, self.handler, lang):
            if interaction.guild_id is None or interaction.channel_id is None:
                await exchange.notice(self.team.texts(lang, REFS).notice("channel_only"))
                return
            if options.unusable is not None:
                await exchange.notice(self._usage(lang, options.unusable))
                return
            words, left_out = option_words(options, unaskable(interaction))
            people = ", ".join(REFS.user(user) for user in left_out)
            if left_out and not any(discord_mention(word) for word in words):
                await exchange.notice(self.texts.trusted(lang, "team.nobody_left", people=people))
                return
            key = conversation_key(interaction)
            work = self._open(key, str(interaction.channel_id), words, interaction)
            lang, opened = await exchange.run(work, Slow.THINKING)
            if isinstance(opened, OptionError):
                await exchange.notice(
                    self.team.conversations.text(lang, opened.key, word=opened.word)
                )
                return
            texts = self.team.texts(lang, REFS)
            if opened is None:
                await exchange.notice(texts.notice("not_in_channel"))
                return
            said = texts.notice("opened")
            if left_out:
                said += "\n" + self.texts.trusted(lang, "team.left_out", people=people)
            await exchange.notice(said)
            for user in opened.invited:
                await self.rounds.invite(replace(key, user=user), opened.round)

    def _usage(self, lang: str, unusable: Unusable) -> str:
        return str(self.team.conversations.text(lang, "team.notice.usage", word=unusable.word))

    async def _open(
        self,
        key: ConversationKey,
        channel: str,
        words: list[str],
        interaction: discord.Interaction[Any],
    ) -> tuple[str, Opened | OptionError | None]:
        """The round opened and posted (``None``: the channel refused the bot)."""
        lang = await self.team.conversations.language(key, locale=locale_of(interaction))
        opened = await self.team.open(key, channel, words, lang, discord_mention)
        if isinstance(opened, OptionError):
            return lang, opened
        posted = await self.rounds.post(opened.round)
        if posted is None:
            await self.rounds.abandon(key, opened.round)
            return lang, None
        return lang, replace(opened, round=posted)

    # -- the buttons ------------------------------------------------------------------------

    async def component(self, interaction: discord.Interaction[Any], cid: CustomId) -> None:
        """A team button: take part, close, use my verdict, answer again, not this time."""
        exchange = Exchange(interaction, self.budget)
        async with answering(exchange, self.handler, cid.lang):
            key = _clicker(interaction, cid)
            round_id = cid.round_id
            if key is None or round_id is None:
                texts = self.team.texts(cid.lang, REFS)
                await exchange.notice(texts.notice("not_found"))
                return
            if cid.action is Action.JOIN:
                outcome = await exchange.run(self.team.join(key, round_id, REFS), Slow.THINKING)
                await self._joined(exchange, key, outcome)
            elif cid.action is Action.CLOSE:
                admin = interaction.permissions.manage_guild
                outcome, shown = await exchange.run(self._close(key, round_id, admin), Slow.UPDATE)
                await self._closed(exchange, outcome, shown)
            elif cid.action is Action.REDO:
                outcome = await exchange.run(self.team.join(key, round_id, REFS), Slow.UPDATE)
                await self._again(exchange, key, outcome)
            elif cid.action is Action.USE:
                work = self.team.use_verdict(key, round_id, REFS)
                outcome = await exchange.run(work, Slow.UPDATE)
                await self._used(exchange, key, outcome)
            else:
                outcome = await exchange.run(self.team.decline(key, round_id, REFS), Slow.UPDATE)
                await exchange.update(text_message(outcome.notice))
                await self.rounds.settle(outcome)

    async def _joined(self, exchange: Exchange, key: ConversationKey, outcome: Outcome) -> None:
        if outcome.joined is Joined.REFUSED:
            await exchange.notice(outcome.notice)
            return
        if outcome.joined is Joined.CHOOSE and outcome.invite is not None:
            lang = outcome.round.lang if outcome.round is not None else self.texts.pick(None)
            message = choice_message(outcome.invite, lang, key.user, key.workspace, self.texts)
            await exchange.send(message)
        else:
            await self.handler.turn(exchange, Start(), new_message=True, key=key)
        await self.rounds.settle(outcome)  # one more person expected

    async def _close(
        self, key: ConversationKey, round_id: int, admin: bool
    ) -> tuple[Outcome, Outgoing | None]:
        """The close, and the round's message as it reads closed (when this click closed it)."""
        outcome = await self.team.close(key, round_id, REFS, admin=admin)
        if outcome.closed is None:
            return outcome, None
        return outcome, await self.rounds.live_message(outcome.closed)

    async def _closed(self, exchange: Exchange, outcome: Outcome, shown: Outgoing | None) -> None:
        if shown is None:
            await exchange.notice(outcome.notice)
            return
        await exchange.update(shown)  # the clicked message is the round's: it reads closed
        await self.rounds.settle(outcome)

    async def _again(self, exchange: Exchange, key: ConversationKey, outcome: Outcome) -> None:
        if outcome.joined is Joined.REFUSED:
            await exchange.update(text_message(outcome.notice))
        elif exchange.interaction.guild_id is None:
            await exchange.update(text_message(self._there(key, outcome.round)))
        else:
            await self.handler.turn(exchange, Restart(), new_message=False, key=key)
        await self.rounds.settle(outcome)

    async def _used(self, exchange: Exchange, key: ConversationKey, outcome: Outcome) -> None:
        if outcome.joined is not Joined.INTERVIEW:
            await exchange.update(text_message(outcome.notice))
        elif exchange.interaction.guild_id is None:
            await exchange.update(text_message(self._there(key, outcome.round)))
        else:
            await self.handler.turn(exchange, Start(), new_message=False, key=key)
        await self.rounds.settle(outcome)

    def _there(self, key: ConversationKey, round_: Round | None) -> str:
        """In a DM: where the interview can run (the round's channel, in its server)."""
        lang = round_.lang if round_ is not None else self.texts.pick(None)
        channel = REFS.channel(round_.channel) if round_ is not None else ""
        return self.texts.trusted(lang, "team.take_part_there", channel=channel)

    # -- /ecoute export ---------------------------------------------------------------------

    async def export(
        self, interaction: discord.Interaction[Any], round_id: int | Unusable | None
    ) -> None:
        exchange = Exchange(interaction, self.budget)
        lang = self.texts.pick(locale_of(interaction))
        async with answering(exchange, self.handler, lang):
            key = conversation_key(interaction)
            admin = interaction.permissions.manage_guild

            async def work() -> Outgoing:
                said = await self.team.conversations.language(key, locale=locale_of(interaction))
                texts = self.team.texts(said, REFS)
                if isinstance(round_id, Unusable):  # no such round: there is nothing to look up
                    return text_message(
                        texts.notice("not_found" if round_id.whole else "export_usage")
                    )
                found = await export_rounds(self.team, texts, key, round_id, admin=admin)
                return export_message(self.team, found)

            await exchange.send(await exchange.run(work(), Slow.THINKING))

    # -- after a verdict (AfterVerdict) -----------------------------------------------------

    async def counted(self, key: ConversationKey) -> Sequence[Outcome]:
        """The new verdict counted in every open round ``key`` takes part in."""
        try:
            return await self.team.finished(key)
        except StoreUnavailable as exc:
            log.warning("a verdict not counted in its team rounds: %s", exc)
            return ()

    async def settle(self, exchange: Exchange, outcomes: Sequence[Outcome]) -> None:
        """Tell the participant their verdict counts, then update each round."""
        key = conversation_key(exchange.interaction)
        try:
            lang = await self.team.conversations.language(key)
            texts = self.team.texts(lang, REFS)
            for outcome in outcomes:
                if outcome.round is not None:
                    await exchange.also(text_message(texts.notice("invite.counted", outcome.round)))
        except (discord.HTTPException, StoreUnavailable) as exc:
            log.warning("could not tell %s their verdict counts: %s", key, exc)
        for outcome in outcomes:
            await self.rounds.settle(outcome)


def _clicker(interaction: discord.Interaction[Any], cid: CustomId) -> ConversationKey | None:
    """Whose click, in which guild: the interaction's guild in a server; in a DM (an
    invitation), the guild its button names, for the one person it was sent to."""
    user = str(interaction.user.id)
    if interaction.guild_id is not None:
        return ConversationKey(PLATFORM, str(interaction.guild_id), user)
    if cid.user == user and cid.question.isdigit():
        return ConversationKey(PLATFORM, cid.question, user)
    return None

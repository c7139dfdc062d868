"""Asking the audience and following up, on Discord: the listening poll, check-ins of a test,
the reminder of an interview left halfway, and the sweep that runs what is due.

Translation only: :class:`bot.poll.PollService`, :class:`bot.checkin.CheckinService` and
:class:`bot.schedule.Scheduler` decide; every decision reads the database, so any process
handles any vote or click, and a due job runs in one process (claimed by compare-and-set).
Every interaction is answered first (within Discord's 3 s, see :class:`Exchange`); the poll's
message is brought up to date afterwards over REST, and what is due (a poll's closing, a
check-in, a reminder) reaches the user in a direct message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.commands import Unusable
from adapters.discord.exchange import Exchange, Slow
from adapters.discord.followup_views import (
    checkin_message,
    picker_message,
    poll_message,
    reminder_message,
    results_message,
    verdict_extra,
)
from adapters.discord.handlers import PLATFORM, Handler, answering, conversation_key, locale_of
from adapters.discord.ids import Action, CustomId
from adapters.discord.messages import (
    Extra,
    Outgoing,
    edit_posted,
    server_channel,
    text_message,
)
from adapters.discord.rounds import claimant
from adapters.discord.team_views import REFS
from adapters.discord.texts import Texts
from bot.checkin import CheckinService, Question, Result
from bot.conversation import Phase
from bot.events import ConversationKey, Start
from bot.live import converge
from bot.poll import DEFAULT_DAYS, NOWHERE, Poll, PollService, PollView, Voted, normalise
from bot.schedule import CHECKIN, POLL_CLOSE, REMIND, Job, Scheduler, key_ref, ref_key
from bot.service import ConversationService
from bot.store import StoreUnavailable
from bot.views import VerdictView

log = logging.getLogger(__name__)

SWEEP_EVERY = 5.0
"""Seconds between two sweeps of what is due (polls to close, check-ins, reminders)."""
UPKEEP_EVERY = 600.0
"""Seconds between two looks for interviews to remind and data past retention."""
DM = "dm"
"""The workspace of an interview held in the bot's direct messages."""


class Followups:
    """Polls, check-ins and reminders of one Discord client."""

    def __init__(
        self,
        client: discord.Client,
        handler: Handler,
        polls: PollService,
        checkins: CheckinService,
        scheduler: Scheduler,
        texts: Texts,
        *,
        remind_after: float,
        retention_days: int,
    ) -> None:
        self.client, self.handler, self.texts = client, handler, texts
        self.polls, self.checkins, self.scheduler = polls, checkins, scheduler
        self.remind_after, self.retention_days = remind_after, retention_days
        self.me = claimant()
        self._upkept = 0.0

    @property
    def service(self) -> ConversationService:
        return self.handler.service

    @property
    def budget(self) -> float:
        return self.handler.budget

    # -- under the verdict (the handler's extras) --------------------------------------------

    def verdict_extras(self, view: VerdictView, lang: str, user: str) -> Extra:
        """ "Ask your audience", and the check-in offer when the verdict has tests."""
        offer = self.checkins.offer(view.platforms, lang)
        return verdict_extra(self.polls.text(lang, "ask"), offer, lang, user)

    # -- /ecoute poll, /ecoute remind off ------------------------------------------------------

    async def command_poll(
        self, interaction: discord.Interaction[Any], days: int | Unusable | None
    ) -> None:
        """Post a poll in this channel, open ``days`` (7 if left out)."""
        exchange = Exchange(interaction, self.budget)
        lang = self.texts.pick(locale_of(interaction))
        async with answering(exchange, self.handler, lang):
            if interaction.guild_id is None or interaction.channel_id is None:
                await exchange.notice(self.polls.text(lang, "notice.channel_only"))
                return
            if isinstance(days, Unusable):
                await exchange.notice(self.polls.text(lang, "notice.usage", word=days.word))
                return
            key = conversation_key(interaction)
            channel = str(interaction.channel_id)

            async def work() -> tuple[str, Poll | None]:
                said = await self.service.language(key, locale=locale_of(interaction))
                return said, await self.post(key, channel, days or DEFAULT_DAYS, said)

            lang, posted = await exchange.run(work(), Slow.THINKING)
            opened = "notice.opened" if posted is not None else "notice.not_in_channel"
            await exchange.notice(self.polls.text(lang, opened))

    async def command_remind_off(self, interaction: discord.Interaction[Any]) -> None:
        """No reminder for this interview (this server's, or the DMs')."""
        exchange = Exchange(interaction, self.budget)
        lang = self.texts.pick(locale_of(interaction))
        async with answering(exchange, self.handler, lang):
            key = conversation_key(interaction)

            async def work() -> str:
                await self.scheduler.off(REMIND, key_ref(key))
                return str(await self.service.language(key, locale=locale_of(interaction)))

            lang = await exchange.run(work(), Slow.THINKING)
            await exchange.notice(self.polls.text(lang, "remind.off"))

    # -- the components -------------------------------------------------------------------------

    async def component(
        self, interaction: discord.Interaction[Any], cid: CustomId, values: list[str]
    ) -> None:
        """A vote, Close, "Ask your audience", a channel picked, a check-in booked or
        answered."""
        exchange = Exchange(interaction, self.budget)
        async with answering(exchange, self.handler, cid.lang):
            if not cid.belongs_to(interaction.user.id):
                await exchange.notice(self.texts.text(cid.lang, "not_yours"))
            elif cid.action is Action.VOTE:
                await self._vote(exchange, cid, values)
            elif cid.action is Action.END:
                await self._close(exchange, cid)
            elif cid.action is Action.ASK:
                await self._ask(exchange, cid)
            elif cid.action is Action.WHERE:
                await self._where(exchange, cid, values)
            elif cid.action is Action.BOOK:
                await self._book(exchange, cid)
            elif cid.action is Action.CHECK:
                await self._answer(exchange, cid)

    async def _vote(self, exchange: Exchange, cid: CustomId, values: list[str]) -> None:
        interaction = exchange.interaction
        if interaction.guild_id is None or not cid.choice.isdigit():
            await exchange.notice(self.polls.text(cid.lang, "notice.not_found"))
            return
        key, poll_id = conversation_key(interaction), int(cid.choice)

        async def work() -> tuple[str, Voted]:
            lang = await self.service.language(key, locale=locale_of(interaction))
            return lang, await self.polls.vote(key, poll_id, values, lang)

        lang, voted = await exchange.run(work(), Slow.THINKING)
        said = voted.text
        if voted.ok and NOWHERE in values and NOWHERE not in normalise(values, values):
            nowhere = self.polls.label(lang, NOWHERE)  # it went with others: they were kept
            said += "\n" + self.texts.text(lang, "poll.nowhere_alone", nowhere=nowhere)
        await exchange.notice(said)
        if voted.ok:
            await self.settle(key, poll_id)

    async def _close(self, exchange: Exchange, cid: CustomId) -> None:
        interaction = exchange.interaction
        if interaction.guild_id is None or not cid.choice.isdigit():
            await exchange.notice(self.polls.text(cid.lang, "notice.not_found"))
            return
        key, poll_id = conversation_key(interaction), int(cid.choice)

        async def work() -> tuple[Poll | None, Outgoing | None, str]:
            """The poll closed, its message as it reads closed and what its owner is told,
            or (``None``, ``None``, why not)."""
            lang = await self.service.language(key, locale=locale_of(interaction))
            closed = await self.polls.close(key, poll_id)
            if closed is None:
                found = await self.polls.find(key, poll_id)
                why = "notice.not_found" if found is None else "notice.closed"
                if found is not None and found.open:
                    why = "notice.not_owner"
                return None, None, self.polls.text(lang, why)
            shown = poll_message(await self.polls.view(closed, REFS), closed.lang, self.texts)
            finished = await self.service.latest_verdict(key) is not None
            return closed, shown, await self.polls.results_note(closed, lang, finished=finished)

        closed, shown, said = await exchange.run(work(), Slow.UPDATE)
        if closed is None or shown is None:
            await exchange.notice(said)
            return
        await exchange.update(shown)  # the clicked message is the poll's: it shows the results
        await exchange.also(text_message(said))
        await self.handler.turn(exchange, Start(), new_message=True, key=key)  # /ecoute resume
        await self.polls.announced(closed)

    async def _ask(self, exchange: Exchange, cid: CustomId) -> None:
        if exchange.interaction.guild_id is None:
            await exchange.notice(self.polls.text(cid.lang, "notice.channel_only"))
            return
        user = str(exchange.interaction.user.id)
        await exchange.send(picker_message(cid.lang, user, DEFAULT_DAYS, self.texts))

    async def _where(self, exchange: Exchange, cid: CustomId, values: list[str]) -> None:
        interaction = exchange.interaction
        if interaction.guild_id is None or not values or not values[0].isdigit():
            await exchange.notice(self.polls.text(cid.lang, "notice.channel_only"))
            return
        key = conversation_key(interaction)
        posted = await exchange.run(self.post(key, values[0], DEFAULT_DAYS, cid.lang), Slow.UPDATE)
        if posted is None:
            await exchange.notice(self.polls.text(cid.lang, "notice.not_in_channel"))
        else:  # the picker becomes the confirmation: it can't post a second poll by mistake
            await exchange.update(text_message(self.polls.text(cid.lang, "notice.opened")))

    async def _book(self, exchange: Exchange, cid: CustomId) -> None:
        key = _clicker(exchange.interaction, cid)

        async def work() -> str | None:
            verdict = await self.service.latest_verdict(key)
            if verdict is None or not cid.choice.isdigit():
                return None
            lang = await self.service.language(key)
            weeks = int(cid.choice)
            return str(await self.checkins.schedule(key, verdict.platforms, weeks, lang, REFS))

        said = await exchange.run(work(), Slow.THINKING)
        await exchange.notice(said or self.texts.text(cid.lang, "checkin.no_verdict"))

    async def _answer(self, exchange: Exchange, cid: CustomId) -> None:
        key = _clicker(exchange.interaction, cid)
        bucket, _, platform = cid.choice.partition("_")
        result = await exchange.run(self.checkins.answer(key, platform, bucket), Slow.UPDATE)
        text = result.text if isinstance(result, Result) else result
        await exchange.update(text_message(text))  # the question becomes its answer

    # -- the poll's message -----------------------------------------------------------------

    def _channel(self, poll: Poll) -> discord.PartialMessageable:
        return server_channel(self.client, poll.channel, poll.workspace)

    async def post(self, key: ConversationKey, channel: str, days: int, lang: str) -> Poll | None:
        """Open ``key``'s poll in ``channel``, post it and record its message; ``None`` (and
        the poll closed) when the channel refuses the bot."""
        poll = await self.polls.open(key, channel, days, lang)
        message = poll_message(await self.polls.view(poll, REFS), poll.lang, self.texts)
        try:
            sent = await self._channel(poll).send(
                embeds=message.embeds, view=message.view or discord.utils.MISSING
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("poll %s not posted in channel %s: %s", poll.id, channel, exc)
            await self.polls.withdraw(poll)
            return None
        except discord.HTTPException:
            await self.polls.withdraw(poll)
            raise
        await self.polls.posted(poll, str(sent.id))
        return poll

    async def refresh(self, key: ConversationKey, poll_id: int) -> None:
        """Edit the poll's message to what the database says now, again if it moved on
        meanwhile (another vote, in any process: the last edit after the last change wins)."""

        async def current() -> tuple[Poll, PollView] | None:
            poll = await self.polls.find(key, poll_id)
            if poll is None or not poll.message:
                return None
            return poll, await self.polls.view(poll, REFS)

        async def show(found: tuple[Poll, PollView]) -> bool:
            poll, view = found
            message = poll_message(view, poll.lang, self.texts)
            return await edit_posted(self._channel(poll), poll.message or "0", message)

        await converge(current, show)

    async def settle(self, key: ConversationKey, poll_id: int) -> None:
        """:meth:`refresh` after the voter got their answer: never raises."""
        try:
            await self.refresh(key, poll_id)
        except (discord.HTTPException, StoreUnavailable, TimeoutError) as exc:
            log.warning("poll %s not brought up to date: %s", poll_id, exc)
        except Exception:
            log.exception("poll %s not brought up to date", poll_id)

    async def tell_results(self, poll: Poll) -> None:
        """A poll that closed on its own: its owner is told in a direct message, with the
        verdict its answers changed."""
        owner = ConversationKey(PLATFORM, poll.workspace, poll.owner)
        lang = await self.polls.language(owner, poll.lang)
        verdict = await self.service.latest_verdict(owner)
        notice = await self.polls.results_note(poll, lang, finished=verdict is not None)
        extra = Extra()
        if verdict is not None:
            offer = self.checkins.offer(verdict.platforms, lang)
            extra = verdict_extra(None, offer, lang, poll.owner, workspace=poll.workspace)
        there = self._resume_there(lang, poll.workspace)
        message = results_message(notice, verdict, extra, lang, self.texts, there)
        await self._dm(poll.owner, message, f"poll {poll.id}'s results")

    async def _dm(self, user: str, message: Outgoing, what: str) -> bool:
        """Send ``message`` to ``user`` in a direct message; ``False`` when they take none
        from the bot (or never met it)."""
        try:
            dm = await self.client.create_dm(discord.Object(int(user)))
            await dm.send(
                content=message.content,
                embeds=message.embeds,
                view=message.view or discord.utils.MISSING,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("%s not sent to %s: %s", what, user, exc)
            return False
        return True

    # -- what is due -----------------------------------------------------------------------------

    async def sweep_once(self) -> int:
        """Look for interviews to remind and data past retention (at most every
        :data:`UPKEEP_EVERY`), then run every due job this process wins; how many ran."""
        now = self.scheduler.clock()
        if now - self._upkept >= UPKEEP_EVERY or now < self._upkept:
            self._upkept = now
            await self.scheduler.upkeep(
                remind_after=self.remind_after, retention_days=self.retention_days
            )
        handlers = {POLL_CLOSE: self.due_poll, CHECKIN: self.due_checkin, REMIND: self.due_remind}
        return await self.scheduler.run_due(PLATFORM, self.me, handlers)

    def upkeep_now(self) -> None:
        """Make the next sweep look for reminders and retention at once."""
        self._upkept = 0.0

    async def sweep_forever(self, every: float = SWEEP_EVERY) -> None:
        """:meth:`sweep_once` every ``every`` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.sweep_once()
            except (StoreUnavailable, TimeoutError) as exc:
                log.warning("scheduled work not swept: %s", exc)
            except Exception:
                log.exception("scheduled work not swept")

    async def due_poll(self, job: Job) -> None:
        """A poll's time is up (or its owner's close was never announced): closed once,
        whoever else sweeps, its message shows the results, its owner is told."""
        closed = await self.polls.due(job)
        if closed is None:
            return  # closed by its owner, who was told; or gone
        owner = ConversationKey(PLATFORM, closed.workspace, closed.owner)
        try:
            await self.refresh(owner, closed.id)
        except discord.HTTPException as exc:
            log.warning("poll %s closed, its message not updated: %s", closed.id, exc)
        try:
            await self.tell_results(closed)
        except discord.HTTPException as exc:
            log.warning("poll %s closed, its owner not told: %s", closed.id, exc)

    async def due_checkin(self, job: Job) -> None:
        """A check-in's date: one question per tested network, in a direct message."""
        key = ref_key(job.ref)
        if key is None or not key.user.isdigit():
            return
        lang = str(job.payload.get("lang") or self.texts.pick(None))
        user, workspace = key.user, key.workspace

        async def send(question: Question) -> bool:
            message = checkin_message(question, lang, user, workspace)
            return await self._dm(user, message, "a check-in")

        await self.checkins.ask(job, send)

    async def due_remind(self, job: Job) -> None:
        """The one reminder of an interview still left halfway, in a direct message."""
        key = ref_key(job.ref)
        if key is None or not key.user.isdigit():
            return
        conv = await self.service.store.load(key, fresh=True)
        if conv is None or conv.phase is Phase.VERDICT:
            return  # finished meanwhile, or forgotten: nothing to remind
        lang = conv.lang
        guild = None if key.workspace == DM else key.workspace
        message = reminder_message(
            self.polls.text(lang, "remind.text"),
            self.polls.text(lang, "remind.button"),
            lang,
            key.user,
            guild,
            self._resume_there(lang, guild),
        )
        await self._dm(key.user, message, "a reminder")

    def _resume_there(self, lang: str, guild: str | None) -> str:
        """ "Type /ecoute resume in <server>": where an interview held in a server goes on."""
        found = self.client.get_guild(int(guild)) if guild and guild.isdigit() else None
        return self.texts.text(lang, "remind.there", server=found.name if found else "")


def _clicker(interaction: discord.Interaction[Any], cid: CustomId) -> ConversationKey:
    """Whose conversation a follow-up click is about: the interaction's server; in a direct
    message, the workspace its component names (for the one person it was sent to), else
    the interview held in the DMs."""
    user = str(interaction.user.id)
    if interaction.guild_id is not None:
        return ConversationKey(PLATFORM, str(interaction.guild_id), user)
    if cid.user == user and (cid.question.isdigit() or cid.question == DM):
        return ConversationKey(PLATFORM, cid.question, user)
    return ConversationKey(PLATFORM, DM, user)

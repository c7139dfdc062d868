"""Team rounds' channel messages over REST: post, keep up to date, invite, report, sweep.

Nothing here waits on an interaction: it runs after the clicker got their answer, or in the
sweep. Any process may do any of it. The live message is edited to what the database says,
then read again and edited again if the count moved meanwhile (another process may be
editing it too: the last edit made after the last change wins). A report is posted only by
the caller whose claim won (:meth:`TeamService.claim_report`), so it arrives once; a claim
left by a process that died is taken over by the sweep after the core's lease.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import replace

import discord

from adapters.discord.handlers import PLATFORM
from adapters.discord.messages import Outgoing, edit_posted, server_channel
from adapters.discord.team_views import (
    REFS,
    invitation_message,
    jump_url,
    report_message,
    round_message,
)
from adapters.discord.texts import Texts
from bot.events import ConversationKey
from bot.live import converge
from bot.store import StoreUnavailable
from bot.team.chart import draw_chart
from bot.team.rounds import Round
from bot.team.service import Outcome, TeamService
from bot.team.view import RoundView

log = logging.getLogger(__name__)

SWEEP_EVERY = 5.0
"""Seconds between two sweeps (rounds past their deadline, reports left unposted)."""


def claimant() -> str:
    """This process, as a report's claim names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Rounds:
    """The REST side of team rounds for one client."""

    def __init__(self, client: discord.Client, team: TeamService, texts: Texts) -> None:
        self.client = client
        self.team = team
        self.texts = texts
        self.me = claimant()

    def _channel(self, round_: Round) -> discord.PartialMessageable:
        return server_channel(self.client, round_.channel, round_.workspace)

    # -- the live message -------------------------------------------------------------------

    async def live_message(self, round_: Round) -> Outgoing:
        return round_message(await self.team.live(round_, REFS), round_.lang, self.texts)

    async def post(self, round_: Round) -> Round | None:
        """Post a new round's message and record it; ``None`` when the channel refuses."""
        message = await self.live_message(round_)
        try:
            sent = await self._channel(round_).send(
                embeds=message.embeds, view=message.view or discord.utils.MISSING
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("team round %s not posted in channel %s: %s", round_.id, round_.channel, exc)
            return None
        await self.team.recorded_message(round_, str(sent.id))
        return replace(round_, message=str(sent.id))

    async def abandon(self, key: ConversationKey, round_: Round) -> None:
        """A round nobody could see (its channel refused the bot): closed, nothing to report."""
        await self.team.abandon(round_)

    async def refresh(self, round_: Round) -> None:
        """Edit the round's message to what the database says now, again if it moved on."""
        if round_.platform != PLATFORM:
            return

        async def current() -> tuple[Round, RoundView] | None:
            fresh = await self.team.find(round_.platform, round_.workspace, round_.id)
            if fresh is None or not fresh.message:
                return None
            return fresh, await self.team.live(fresh, REFS)

        async def show(found: tuple[Round, RoundView]) -> bool:
            fresh, view = found
            message = round_message(view, fresh.lang, self.texts)
            return await edit_posted(self._channel(fresh), fresh.message or "0", message)

        await converge(current, show)

    # -- invitations ------------------------------------------------------------------------

    async def invite(self, key: ConversationKey, round_: Round) -> None:
        """Send ``key`` their invitation in a DM; someone who takes no DMs from the bot is
        skipped (the round's "Take part" button works for them too)."""
        try:
            view = await self.team.invitation(key, round_, REFS)
            url = jump_url(round_.workspace, round_.channel, round_.message or "")
            message = invitation_message(
                view, round_.lang, key.user, key.workspace, url, self.texts
            )
            dm = await self.client.create_dm(discord.Object(int(key.user)))
            await dm.send(content=message.content, view=message.view or discord.utils.MISSING)
        except discord.Forbidden:
            log.info("no invitation to %s: they take no direct messages from the bot", key.user)
        except (discord.HTTPException, StoreUnavailable) as exc:
            log.warning("no invitation sent to %s: %s", key.user, exc)
        except Exception:
            log.exception("no invitation sent to %s", key.user)

    # -- outcomes, reports, the sweep -------------------------------------------------------

    async def settle(self, outcome: Outcome) -> None:
        """After a team step: its round's message brought up to date, its report posted if
        the step closed it. Never raises (the user has their answer already)."""
        try:
            if outcome.closed is not None:
                await self.report(outcome.closed)
            changed = outcome.closed or outcome.round
            if changed is not None:
                await self.refresh(changed)
        except (discord.HTTPException, StoreUnavailable, TimeoutError) as exc:
            log.warning("team round not brought up to date: %s", exc)
        except Exception:
            log.exception("team round not brought up to date")

    async def report(self, round_: Round) -> bool:
        """Post a closed round's report, if this process wins its claim. ``False``: another
        process has it, or Discord refused (the sweep tries again after the claim's lease)."""
        if round_.platform != PLATFORM or round_.report_message is not None:
            return False
        if not await self.team.claim_report(round_, self.me):
            return False
        view = await self.team.report_view(round_, REFS)
        png = None
        if view.chart is not None:
            try:
                png = await asyncio.to_thread(draw_chart, view.report, view.chart)
            except Exception:
                log.exception("team report %s: no chart", round_.id)
        message = report_message(view, png, round_.lang, self.texts)
        try:
            sent = await self._channel(round_).send(embeds=message.embeds, files=message.files)
        except discord.HTTPException as exc:
            log.warning("team report %s not posted (the sweep tries again): %s", round_.id, exc)
            return False
        await self.team.report_posted(round_, str(sent.id))
        return True

    async def sweep(self) -> int:
        """Close the rounds past their deadline and post every report left unposted (its
        process died, or Discord refused it); how many reports were posted."""
        due = await self.team.close_due(PLATFORM)
        posted = 0
        for round_ in [*due, *await self.team.unreported(PLATFORM)]:
            try:
                reported = await self.report(round_)
                if reported or round_ in due:
                    await self.refresh(round_)
            except (discord.HTTPException, StoreUnavailable, TimeoutError) as exc:
                log.warning("team round %s not swept: %s", round_.id, exc)
                continue
            posted += reported
        return posted

    async def sweep_forever(self, every: float = SWEEP_EVERY) -> None:
        """:meth:`sweep` every ``every`` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.sweep()
            except (StoreUnavailable, TimeoutError) as exc:
                log.warning("team rounds not swept: %s", exc)
            except Exception:
                log.exception("team rounds not swept")

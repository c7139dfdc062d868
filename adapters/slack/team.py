"""Team rounds in Slack: ``/ecoute team`` in a channel, its live message, the invitations in
DMs, the report with its chart, ``/ecoute export``.

Translation only: :class:`bot.team.service.TeamService` decides (who may take part, when the
round closes, what the report says); here its views become Block Kit and Web API calls. Every
decision reads the database, so any process handles any click; the live message is brought
up to date by whichever process changed the round, and edited again if the count moved
meanwhile. The report is posted by the one caller whose close won the compare-and-set, or by
the sweep when that process died before posting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, kit
from adapters.slack.blocks import Message, button, context, section
from adapters.slack.delivery import DeliveryError
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import channel_link, mention
from adapters.slack.kit import JSON
from adapters.slack.origin import Origin
from adapters.slack.payloads import clicked_channel
from adapters.slack.review import header, sections
from adapters.slack.state import Sent
from bot.events import ConversationKey, Restart, Start
from bot.live import converge
from bot.store import StoreUnavailable
from bot.team.rounds import OptionError, Round
from bot.team.service import Joined, Outcome, TeamService
from bot.team.view import InviteView, RoundView, TeamReportView
from bot.validation import echoed, whole_number

log = logging.getLogger(__name__)

JOIN = "ecoute.team.join"
CLOSE = "ecoute.team.close"
USE = "ecoute.team.use"
REDO = "ecoute.team.redo"
DECLINE = "ecoute.team.decline"
ACTIONS = (JOIN, CLOSE, USE, REDO, DECLINE)
SWEEP_SECONDS = 5.0
"""How often each process looks for rounds past their deadline and reports left unposted."""
CHART_NAME = "team-report.png"

_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$")
ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]


def slack_mention(word: str) -> str | None:
    """``<@U123>`` or ``<@U123|alex>`` (an escaped slash command) -> ``U123``."""
    found = _MENTION.match(word)
    return found.group(1) if found else None


class SlackRefs:
    """Slack's markup for users, channels and dates (shown in the reader's time zone)."""

    def user(self, user_id: str) -> str:
        return mention(user_id)

    def channel(self, channel_id: str) -> str:
        return channel_link(channel_id)

    def date(self, epoch: float) -> str:
        day = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
        return f"<!date^{int(epoch)}^{{date_long}}|{day}>"


REFS = SlackRefs()


def round_message(view: RoundView) -> Message:
    blocks: list[JSON] = [header(view.title), *sections(view.lines)]
    blocks.append(context(f"*{view.progress}*"))
    if view.open:
        value = str(view.round_id)
        blocks.append(
            kit.actions(
                [button(view.join, JOIN, value, style="primary"), button(view.close, CLOSE, value)]
            )
        )
    return Message(f"{view.title} · {view.progress}", blocks)


def invite_message(view: InviteView) -> Message:
    value = str(view.round_id)
    if view.reuse is not None:
        text = f"{view.text}\n{view.reuse}"
        buttons = [button(view.use, USE, value, style="primary"), button(view.redo, REDO, value)]
    else:
        text = view.text
        buttons = [button(view.start, JOIN, value, style="primary")]
    buttons.append(button(view.decline, DECLINE, value))
    blocks: list[JSON] = [section(text), context(view.privacy), kit.actions(buttons)]
    return Message(text, blocks)


def note_message(text: str) -> Message:
    return Message(text, [section(text)])


def report_message(view: TeamReportView) -> Message:
    blocks: list[JSON] = [header(view.title)]
    intro = view.summary if view.privacy is None else f"{view.summary} {view.privacy}"
    blocks.append(section(intro))
    for title, lines in view.sections:
        blocks += sections(lines, title)
    return Message(f"{view.title} {view.summary}", blocks[:50])


def claimant() -> str:
    """This process, as the report claims name it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SlackTeam:
    """The team flows of one Slack app."""

    def __init__(self, d: Dialogue, team: TeamService, client_for: ClientFor) -> None:
        self.d, self.team, self.client_for = d, team, client_for
        self.me = claimant()

    # -- /ecoute team --------------------------------------------------------------------------

    async def open(self, origin: Origin, words: list[str]) -> None:
        lang = await self.d.lang(origin)
        texts = self.team.texts(lang, REFS)
        channel = origin.command_channel
        if not channel or channel.startswith("D"):
            await self.d.tell(origin, texts.notice("channel_only"))
            return
        opened = await self.team.open(origin.key, channel, words, lang, slack_mention)
        if isinstance(opened, OptionError):
            await self.d.tell(
                origin, texts.text(opened.key.removeprefix("team."), word=echoed(opened.word))
            )
            return
        round_ = opened.round
        try:
            sent = await delivery.post(
                origin.client, channel, round_message(await self.live(round_))
            )
        except DeliveryError as exc:
            log.info("team round not posted in %s: %s", channel, exc)
            await self.team.abandon(round_)  # nobody saw it: closed, nothing to report
            await self.d.tell(origin, texts.notice("not_in_channel"))
            return
        await self.team.recorded_message(round_, sent.ts)
        await self.d.tell(origin, texts.notice("opened"))
        for user in opened.invited:
            await self.invite(origin.client, replace(origin.key, user=user), round_)

    async def invite(self, client: AsyncWebClient, key: ConversationKey, round_: Round) -> None:
        """Send ``key`` their invitation privately (best effort: the round's button remains)."""
        try:
            view = await self.team.invitation(key, round_, REFS)
            channel = await delivery.open_dm(client, key.user)
            await delivery.post(client, channel, invite_message(view))
        except (DeliveryError, StoreUnavailable) as exc:
            log.info("no invitation sent to %s: %s", key, exc)

    # -- clicks --------------------------------------------------------------------------------

    async def click(self, origin: Origin, action: str, round_id: int, body: dict[str, Any]) -> None:
        """A team button: take part, use my verdict, answer again, not this time, close."""
        where = clicked_channel(body)
        locale = self.d.locale(origin)
        outcome: Outcome
        if action == JOIN:
            outcome = await self.team.join(origin.key, round_id, REFS, locale=locale)
        elif action == USE:
            outcome = await self.team.use_verdict(origin.key, round_id, REFS, locale=locale)
        elif action == REDO:
            outcome = await self.team.join(origin.key, round_id, REFS, locale=locale)
            if outcome.joined is not Joined.REFUSED:
                outcome = replace(outcome, joined=Joined.INTERVIEW)
                await self.d.turn(origin, Restart())
                await self.retire_invite(origin, body, None)
                await self.refresh_round(origin.client, outcome.round)
                return
        elif action == DECLINE:
            outcome = await self.team.decline(origin.key, round_id, REFS, locale=locale)
        else:
            admin = await self.admin(origin)
            outcome = await self.team.close(origin.key, round_id, REFS, admin=admin, locale=locale)
        await self.show(origin, outcome, where, body)

    async def show(
        self, origin: Origin, outcome: Outcome, where: str | None, body: dict[str, Any]
    ) -> None:
        if outcome.joined is Joined.INTERVIEW:
            await self.d.turn(origin, Start())
            await self.retire_invite(origin, body, None)
        elif outcome.joined is Joined.CHOOSE and outcome.invite is not None:
            channel = await delivery.open_dm(origin.client, origin.key.user)
            await delivery.post(origin.client, channel, invite_message(outcome.invite))
        elif outcome.notice and not await self.retire_invite(origin, body, outcome.notice):
            await self.d.whisper(origin, where, outcome.notice)
        await self.refresh_round(origin.client, outcome.round)
        if outcome.closed is not None:
            await self.report(origin.client, outcome.closed)

    async def retire_invite(self, origin: Origin, body: dict[str, Any], text: str | None) -> bool:
        """An invitation clicked in the user's own DM loses its buttons (and says ``text``)."""
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        if not (isinstance(channel, str) and channel.startswith("D") and isinstance(ts, str)):
            return False
        if channel != await delivery.open_dm(origin.client, origin.key.user):
            return False  # not this user's DM: never edited
        message = body.get("message") or {}
        shown = text or str(message.get("text") or "")
        if not shown:
            return False
        sent = Sent(channel, ts)
        return await delivery.update(origin.client, sent, note_message(shown))

    async def admin(self, origin: Origin) -> bool:
        """Whether the clicker is a workspace admin or owner (they may close any round)."""
        return await delivery.is_admin(origin.client, origin.key.user)

    # -- /ecoute export -------------------------------------------------------------------------

    async def export(self, origin: Origin, words: list[str]) -> None:
        """The round's answers and verdicts as CSV and JSON, in the asker's DM: the round named
        (``/ecoute export 12``), else this channel's latest, else the workspace's latest."""
        from bot.team.export import gather, to_csv, to_json

        texts = self.team.texts(await self.d.lang(origin), REFS)
        key = origin.key
        rounds = await self.team.rounds.rounds(key.platform, key.workspace)
        wanted = whole_number(words[0]) if words else None
        if words and (wanted is None or len(words) > 1):
            await self.d.tell(origin, texts.notice("export_usage"))
            return
        if wanted is not None:
            rounds = [r for r in rounds if r.id == wanted]
        elif origin.command_channel:
            here = [r for r in rounds if r.channel == origin.command_channel]
            rounds = here or rounds
        if not rounds:
            await self.d.tell(origin, texts.notice("export_none"))
            return
        round_ = rounds[0]
        if round_.owner != key.user and not await self.admin(origin):
            await self.d.tell(origin, texts.notice("export_denied"))
            return
        schema, weights = self.team.conversations.schema, self.team.conversations.weights
        exports = await gather(self.team.rounds, key.platform, key.workspace, round_.id)
        files = [
            {
                "content": to_csv(exports, schema, weights),
                "filename": f"team-round-{round_.id}.csv",
            },
            {
                "content": to_json(exports, schema, weights),
                "filename": f"team-round-{round_.id}.json",
            },
        ]
        try:
            channel = await delivery.open_dm(origin.client, key.user)
            await delivery.upload(
                origin.client,
                file_uploads=files,
                channel=channel,
                initial_comment=texts.notice("export_sent"),
            )
        except DeliveryError as exc:
            log.warning("export not sent to %s: %s", key, exc)
            await self.d.tell(origin, self.d.texts(texts.lang).text("slack_failed"))
            return
        if origin.response_url:
            await self.d.tell(origin, texts.notice("export_sent"))

    # -- after a verdict -----------------------------------------------------------------------

    async def after_verdict(self, origin: Origin) -> None:
        """The user reached (or changed) their verdict: count it where they take part."""
        try:
            outcomes = await self.team.finished(origin.key)
            for outcome in outcomes:
                if outcome.round is not None:
                    texts = self.team.texts(await self.d.lang(origin), REFS)
                    await self.d.tell(origin, texts.notice("invite.counted", outcome.round))
                await self.refresh_round(origin.client, outcome.round)
                if outcome.closed is not None:
                    await self.report(origin.client, outcome.closed)
        except StoreUnavailable as exc:
            # Counted at the round's close at the latest (TeamService catches up then).
            log.warning("verdict of %s not counted in its rounds yet: %s", origin.key, exc)
        except Exception:
            # The user's verdict is shown already: a failure here is not theirs to see.
            log.exception("team rounds of %s not brought up to date", origin.key)

    # -- the live message and the report --------------------------------------------------------

    async def live(self, round_: Round) -> RoundView:
        return await self.team.live(round_, REFS)

    async def refresh_round(self, client: AsyncWebClient, round_: Round | None) -> None:
        """Edit the round's message to what the database says now, again if it moved on."""
        if round_ is None:
            return

        async def current() -> tuple[str, str, RoundView] | None:
            fresh = await self.team.find(round_.platform, round_.workspace, round_.id)
            if fresh is None or not fresh.message:
                return None
            return fresh.channel, fresh.message, await self.live(fresh)

        async def show(found: tuple[str, str, RoundView]) -> bool:
            channel, ts, view = found
            return await delivery.update(client, Sent(channel, ts), round_message(view))

        await converge(current, show)

    async def report(self, client: AsyncWebClient, round_: Round) -> None:
        """Post the closed round's report and its chart, if no other process is doing it."""
        if not await self.team.claim_report(round_, self.me):
            return
        view = await self.team.report_view(round_, REFS)
        try:
            sent = await delivery.post(client, round_.channel, report_message(view))
        except DeliveryError as exc:
            log.warning("report of round %s not posted (retried by the sweep): %s", round_.id, exc)
            return
        await self.team.report_posted(round_, sent.ts)
        await self.refresh_round(client, round_)
        if view.chart is not None:
            await self.chart(client, round_, sent.ts, view)

    async def chart(
        self, client: AsyncWebClient, round_: Round, ts: str, view: TeamReportView
    ) -> None:
        from bot.team.chart import draw_chart

        assert view.chart is not None
        png = await asyncio.to_thread(draw_chart, view.report, view.chart)
        try:
            await delivery.upload(
                client,
                channel=round_.channel,
                thread_ts=ts,
                content=png,
                filename=CHART_NAME,
                title=view.chart.title,
                alt_txt=view.chart_alt,
            )
        except DeliveryError as exc:
            log.warning("chart of round %s not uploaded: %s", round_.id, exc)

    async def sweep(self, every: float = SWEEP_SECONDS) -> None:
        """Close the rounds past their deadline and post reports left unposted, forever."""
        while True:
            await self.sweep_once()
            await asyncio.sleep(every)

    async def sweep_once(self) -> None:
        try:
            due = [*await self.team.close_due("slack"), *await self.team.unreported("slack")]
        except StoreUnavailable as exc:
            log.warning("team rounds not swept: %s", exc)
            return
        for round_ in due:
            client = await self.client_for(round_.workspace)
            if client is None:
                continue
            with contextlib.suppress(StoreUnavailable):
                await self.report(client, round_)

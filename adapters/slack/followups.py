"""Asking the audience and following up, in Slack: the listening poll, check-ins of a test,
the reminder of an interview left half-done, and the sweep that runs what is due.

Translation only: :class:`bot.poll.PollService`, :class:`bot.checkin.CheckinService` and
:class:`bot.schedule.Scheduler` decide; every decision reads the database, so any process
handles any vote or click, and a due job runs in one process (claimed by compare-and-set).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import delivery, kit
from adapters.slack import values as v
from adapters.slack.blocks import Message, button, context, section
from adapters.slack.delivery import DeliveryError
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import clip
from adapters.slack.kit import JSON
from adapters.slack.origin import Origin
from adapters.slack.payloads import clicked_channel
from adapters.slack.review import sections
from adapters.slack.state import Sent
from adapters.slack.team import REFS, claimant
from adapters.slack.texts import Texts
from bot.checkin import CheckinService, Question, Result
from bot.events import ConversationKey, Start
from bot.live import converge
from bot.poll import DEFAULT_DAYS, MAX_DAYS, Poll, PollService, PollView
from bot.schedule import CHECKIN, POLL_CLOSE, REMIND, Job, Scheduler, key_ref, ref_key
from bot.store import StoreUnavailable
from bot.validation import echoed, whole_number
from bot.views import VerdictView

log = logging.getLogger(__name__)

VOTE = "ecoute.poll.vote"
CLOSE = "ecoute.poll.close"
ASK = "ecoute.poll.ask"
BOOK = "ecoute.checkin.book"
ANSWER = "ecoute.checkin.answer"
POLL_VIEW = "ecoute.poll"
CHANNEL_BLOCK, DAYS_BLOCK, INPUT = "channel", "days", "value"
ACTIONS = (VOTE, CLOSE, ASK, BOOK, ANSWER)
SWEEP_SECONDS = 5.0
UPKEEP_SECONDS = 600.0
"""How often a process looks for interviews to remind and data past retention."""
ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]


def poll_message(view: PollView) -> Message:
    blocks: list[JSON] = [section(f"*{view.question}*")]
    if view.open:
        blocks.append(section(view.intro))
        options = [kit.option(clip(label, 75), f"{view.poll_id}:{c}") for c, label in view.choices]
        picker = kit.multi_select(VOTE, options, clip(view.placeholder, 150))
        blocks.append(kit.actions([picker]))
    else:
        blocks += sections(view.results)
    blocks.append(context(view.count))
    if view.open:
        blocks.append(kit.actions([button(view.close, CLOSE, str(view.poll_id))]))
    return Message(f"{view.question} {view.count}", blocks)


def poll_modal(texts: Texts, poll: PollService, lang: str) -> JSON:
    """Where to post the poll, and for how long."""
    picker = kit.channel_select(INPUT)
    options = [kit.option(str(d), str(d)) for d in range(1, MAX_DAYS + 1)]
    days = kit.static_select(INPUT, options, initial=options[DEFAULT_DAYS - 1])
    title = clip(poll.text(lang, "ask"), 24)
    return kit.modal(
        POLL_VIEW,
        title,
        title,
        clip(texts.text("modal.close"), 24),
        [
            section(poll.text(lang, "intro")),
            kit.input_block(CHANNEL_BLOCK, texts.text("share.label"), picker),
            kit.input_block(DAYS_BLOCK, poll.text(lang, "days"), days),
        ],
    )


class SlackFollowups:
    """Polls, check-ins and reminders of one Slack app."""

    def __init__(
        self,
        d: Dialogue,
        polls: PollService,
        checkins: CheckinService,
        scheduler: Scheduler,
        client_for: ClientFor,
        *,
        remind_after: float,
        retention_days: int,
    ) -> None:
        self.d, self.polls, self.checkins, self.scheduler = d, polls, checkins, scheduler
        self.client_for = client_for
        self.remind_after, self.retention_days = remind_after, retention_days
        self.me = claimant()
        self._upkept = 0.0

    # -- under the verdict -------------------------------------------------------------------

    def verdict_extras(self, view: VerdictView, texts: Texts) -> list[JSON]:
        """ "Ask your audience", and the check-in offer when the verdict has tests."""
        lang = texts.lang
        blocks: list[JSON] = []
        elements: list[JSON] = [button(self.polls.text(lang, "ask"), ASK, "ask")]
        offer = self.checkins.offer(view.platforms, lang)
        if offer is not None:
            blocks.append(section(offer.text))
            elements += [button(label, BOOK, str(weeks)) for weeks, label in offer.weeks]
        blocks.append(kit.actions(elements))
        return blocks

    # -- commands ------------------------------------------------------------------------------

    async def command_poll(self, origin: Origin, words: list[str]) -> None:
        lang = await self.d.lang(origin)
        channel = origin.command_channel
        if not channel or channel.startswith("D"):
            await self.d.tell(origin, self.polls.text(lang, "notice.channel_only"))
            return
        days = DEFAULT_DAYS
        for word in words:
            number = whole_number(word)
            if number is not None and 1 <= number <= MAX_DAYS:
                days = number
            else:
                await self.d.tell(origin, self.polls.text(lang, "notice.usage", word=echoed(word)))
                return
        await self.post_poll(origin, channel, days, lang)

    async def command_remind(self, origin: Origin, words: list[str]) -> None:
        lang = await self.d.lang(origin)
        if [w.casefold() for w in words] not in (["off"], ["non"], ["stop"]):
            await self.d.tell(origin, self.polls.text(lang, "remind.usage"))
            return
        await self.scheduler.off(REMIND, key_ref(origin.key))
        await self.d.tell(origin, self.polls.text(lang, "remind.off"))

    async def post_poll(self, origin: Origin, channel: str, days: int, lang: str) -> None:
        poll = await self.polls.open(origin.key, channel, days, lang)
        view = await self.polls.view(poll, REFS)
        try:
            sent = await delivery.post(origin.client, channel, poll_message(view))
        except DeliveryError as exc:
            log.info("poll not posted in %s: %s", channel, exc)
            await self.polls.withdraw(poll)
            await self.d.tell(origin, self.polls.text(lang, "notice.not_in_channel"))
            return
        await self.polls.posted(poll, sent.ts)
        await self.d.tell(origin, self.polls.text(lang, "notice.opened"))

    # -- clicks --------------------------------------------------------------------------------

    async def click(self, origin: Origin, action: dict[str, Any], body: dict[str, Any]) -> None:
        action_id = str(action.get("action_id"))
        lang = await self.d.lang(origin)
        where = clicked_channel(body)
        if action_id == VOTE:
            picked = [o.get("value", "") for o in action.get("selected_options") or []]
            ids = {str(p).partition(":")[0] for p in picked}
            poll_id = _poll_of(body)
            if poll_id is None or ids - {str(poll_id)}:
                await self.d.outdated(origin, where)
                return
            choices = [str(p).partition(":")[2] for p in picked]
            voted = await self.polls.vote(origin.key, poll_id, choices, lang)
            await self.d.whisper(origin, where, voted.text)
            if voted.ok:
                await self.refresh(origin.client, origin.key, poll_id)
        elif action_id == CLOSE:
            poll = whole_number(action.get("value"))
            if poll is None:
                await self.d.outdated(origin, where)
                return
            closed = await self.polls.close(origin.key, poll)
            if closed is None:
                found = await self.polls.find(origin.key, poll)
                key = "notice.not_owner" if found is not None and found.open else "notice.closed"
                await self.d.whisper(origin, where, self.polls.text(lang, key))
                return
            await self.closed(origin.client, closed)
            await self.polls.announced(closed)
        elif action_id == BOOK:
            await self.book(origin, action.get("value"), where, lang)
        elif action_id == ANSWER:
            await self.answer(origin, str(action.get("value") or ""), body)

    async def ask(self, origin: Origin, trigger_id: str) -> None:
        lang = await self.d.lang(origin)
        modal = poll_modal(self.d.texts(lang), self.polls, lang)
        try:
            await delivery.open_view(origin.client, trigger_id, modal)
        except DeliveryError as exc:
            log.warning("poll modal not opened for %s: %s", origin.key, exc)
            await self.d.tell(origin, self.d.texts(lang).text("modal_failed"))

    async def submitted(self, origin: Origin, values: dict[str, Any]) -> None:
        channel = values.get(CHANNEL_BLOCK, {}).get(INPUT, {}).get("selected_conversation")
        days = values.get(DAYS_BLOCK, {}).get(INPUT, {}).get("selected_option", {}).get("value")
        if not isinstance(channel, str) or not channel:
            return
        lang = await self.d.lang(origin)
        number = whole_number(days) or DEFAULT_DAYS
        await self.post_poll(replace(origin, response_url=None), channel, number, lang)

    async def book(self, origin: Origin, value: object, where: str | None, lang: str) -> None:
        weeks = whole_number(value)
        if weeks is None:
            await self.d.outdated(origin, where)
            return
        verdict = await self.d.service.latest_verdict(origin.key)
        if verdict is None:  # an old verdict's button, the interview begun again since
            await self.d.whisper(origin, where, self.d.texts(lang).text("checkin.no_verdict"))
            return
        said = await self.checkins.schedule(origin.key, verdict.platforms, weeks, lang, REFS)
        await self.d.tell(origin, said)

    async def answer(self, origin: Origin, value: str, body: dict[str, Any]) -> None:
        platform, _, bucket = value.partition(":")
        result = await self.checkins.answer(origin.key, platform, bucket)
        text = result.text if isinstance(result, Result) else result
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        mine = await delivery.open_dm(origin.client, origin.key.user)
        if channel == mine and isinstance(ts, str):
            await delivery.update(origin.client, Sent(mine, ts), Message(text, [section(text)]))
        else:
            await self.d.tell(origin, text)

    # -- the poll's message and its closing -----------------------------------------------------

    async def refresh(self, client: AsyncWebClient, key: ConversationKey, poll_id: int) -> None:
        async def current() -> tuple[str, str, PollView] | None:
            poll = await self.polls.find(key, poll_id)
            if poll is None or not poll.message:
                return None
            return poll.channel, poll.message, await self.polls.view(poll, REFS)

        async def show(found: tuple[str, str, PollView]) -> bool:
            channel, ts, view = found
            return await delivery.update(client, Sent(channel, ts), poll_message(view))

        await converge(current, show)

    async def closed(self, client: AsyncWebClient, poll: Poll) -> None:
        """A poll this process closed: its results in its message, the marketer's new verdict."""
        owner = ConversationKey(poll.platform, poll.workspace, poll.owner)
        await self.refresh(client, owner, poll.id)
        origin = Origin(owner, client)
        lang = await self.d.lang(origin)
        finished = await self.d.service.latest_verdict(owner) is not None
        await self.d.tell(origin, await self.polls.results_note(poll, lang, finished=finished))
        await self.d.turn(origin, Start(), reshow=True)  # the verdict with the poll's counts

    # -- what is due ---------------------------------------------------------------------------

    async def sweep(self, every: float = SWEEP_SECONDS) -> None:
        while True:
            await self.sweep_once()
            await asyncio.sleep(every)

    async def sweep_once(self) -> None:
        try:
            now = self.scheduler.clock()
            if now - self._upkept >= UPKEEP_SECONDS or now < self._upkept:
                self._upkept = now
                await self.scheduler.upkeep(
                    remind_after=self.remind_after, retention_days=self.retention_days
                )
            handlers = {
                POLL_CLOSE: self.due_poll,
                CHECKIN: self.due_checkin,
                REMIND: self.due_remind,
            }
            await self.scheduler.run_due("slack", self.me, handlers)
        except StoreUnavailable as exc:
            log.warning("scheduled work not swept: %s", exc)

    def upkeep_now(self) -> None:
        """Make the next sweep look for reminders and retention at once."""
        self._upkept = 0.0

    async def due_poll(self, job: Job) -> None:
        poll = await self.polls.due(job)
        client = await self.client_for(poll.workspace) if poll is not None else None
        if poll is not None and client is not None:
            await self.closed(client, poll)

    async def due_checkin(self, job: Job) -> None:
        key = ref_key(job.ref)
        client = await self.client_for(key.workspace) if key is not None else None
        if key is None or client is None:
            return
        channel = await delivery.open_dm(client, key.user)

        async def send(question: Question) -> bool:
            buttons = [
                button(label, ANSWER, f"{question.platform}:{bucket}")
                for bucket, label in question.choices
            ]
            message = Message(question.text, [section(question.text), kit.actions(buttons)])
            await delivery.post(client, channel, message)
            return True

        await self.checkins.ask(job, send)

    async def due_remind(self, job: Job) -> None:
        key = ref_key(job.ref)
        client = await self.client_for(key.workspace) if key is not None else None
        if key is None or client is None:
            return
        conv = await self.d.service.store.load(key, fresh=True)
        if conv is None or conv.phase.value == "verdict":
            return  # finished meanwhile, or forgotten: nothing to remind
        text = self.polls.text(conv.lang, "remind.text")
        channel = await delivery.open_dm(client, key.user)
        start = button(self.polls.text(conv.lang, "remind.button"), v.START, "start")
        await delivery.post(client, channel, Message(text, [section(text), kit.actions([start])]))


def _poll_of(body: dict[str, Any]) -> int | None:
    """The poll a vote is for: the first option value of the clicked select."""
    for action in body.get("actions") or []:
        for option in action.get("selected_options") or []:
            head = whole_number(str(option.get("value", "")).partition(":")[0])
            if head is not None:
                return head
    for block in (body.get("message") or {}).get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == VOTE:
                return whole_number(str(element["options"][0]["value"]).partition(":")[0])
    return None

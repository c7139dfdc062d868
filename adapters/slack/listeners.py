"""Every Bolt listener of écoute, as the methods of one class: Slack payloads -> core events.

A listener reads its payload into an :class:`Origin` and an event, hands it to the jobs
(:mod:`adapters.slack.jobs`: recorded in the inbox, acknowledged, run in the background) and
returns, so Slack gets its answer within milliseconds. The modal of a typed answer waits up to
:data:`MODAL_ACK_BUDGET` for the core, to show an invalid answer in the modal itself. A
payload that names no user, or that cannot be read, is acknowledged and ignored in one log
line; anything no listener takes (an event not subscribed to, an old button) is acknowledged.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import values as v
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_decode
from adapters.slack.flows import share_verdict, show_answer_modal, show_home, show_share_modal
from adapters.slack.followups import ACTIONS as FOLLOWUP_ACTIONS
from adapters.slack.followups import ASK, POLL_VIEW, SlackFollowups
from adapters.slack.jobs import Job, Jobs
from adapters.slack.origin import Handshake, Origin
from adapters.slack.payloads import (
    NoUser,
    action_origin,
    chosen_ticks,
    clicked_channel,
    key_of,
    modal_answer,
)
from adapters.slack.state import Background, Sent
from adapters.slack.team import ACTIONS as TEAM_ACTIONS
from adapters.slack.team import SlackTeam
from bot.chat import Failure, guarded
from bot.events import Answer, Back, Confirm, Edit, Event, Restart, Start
from bot.validation import whole_number

log = logging.getLogger(__name__)

Body = dict[str, Any]
Listener = Callable[..., Coroutine[Any, Any, None]]
UNREADABLE = (NoUser, KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What reading a malformed payload raises."""
MODAL_ACK_BUDGET = 2.0
"""Seconds a modal submission waits for the core before closing (Slack allows 3)."""
ANYTHING = re.compile(".*")
FILE_SHARE = "file_share"
ANSWERING = (None, "", FILE_SHARE)
"""The DM messages that answer: typed ones, and files sent with words (the words answer)."""


class Outdated(Exception):
    """A click on one of écoute's elements whose value this version can't read (a message
    from an older version): the user is told it is out of date, never left with nothing."""


def unreadable_ignored(listener: Listener, outdated: Listener | None = None) -> Listener:
    """Run ``listener``; a payload it cannot read is acked (if not yet) and ignored, an
    element it finds :class:`Outdated` is handed to ``outdated``."""

    @functools.wraps(listener)
    async def guarded(ack: AsyncAck, body: Body, **kwargs: Any) -> None:
        try:
            try:
                await listener(ack=ack, body=body, **kwargs)
            except Outdated:
                if outdated is None:
                    raise
                await outdated(ack=ack, body=body, context=kwargs["context"])
        except (*UNREADABLE, Outdated) as exc:
            log.warning("ignored an unreadable Slack payload: %s: %s", type(exc).__name__, exc)
            if ack.response is None:
                await ack()

    return guarded


class Listeners:
    """The listeners of one Bolt app; :meth:`register` puts them on it."""

    def __init__(
        self,
        dialogue: Dialogue,
        jobs: Jobs,
        tasks: Background,
        team: SlackTeam | None = None,
        followups: SlackFollowups | None = None,
    ) -> None:
        self.d, self.jobs, self.tasks = dialogue, jobs, tasks
        self.team, self.followups = team, followups

    def register(self, app: AsyncApp, revoked: Listener | None = None) -> None:
        """Every listener on ``app``; ``revoked`` handles uninstalls (OAuth installs only)."""

        def on(register: Callable[[Listener], object], *listeners: Listener) -> None:
            for listener in listeners:
                register(unreadable_ignored(listener, self.outdated))

        on(app.command("/ecoute"), self.command)
        on(app.event("message"), self.message)
        on(app.event("app_home_opened"), self.home)
        on(app.action(v.ANY_ANSWER), self.answer)
        on(app.action(v.SELECT), self.select)
        on(app.action(v.TICK), self.tick)
        on(app.action(v.MANY), self.many)
        on(app.action(v.MODAL), self.modal)
        on(app.action(v.ANY_EDIT), self.edit)
        on(app.action(v.BACK), self.back)
        on(app.action(v.CONFIRM), self.simple(Confirm()))
        on(app.action(v.RESTART), self.restart)
        on(app.action(v.START), self.simple(Start()))
        on(app.action(v.SHARE), self.share)
        for action_id in TEAM_ACTIONS:
            on(app.action(action_id), self.team_click)
        for action_id in FOLLOWUP_ACTIONS:
            on(app.action(action_id), self.followup_click)
        on(app.view(POLL_VIEW), self.poll_submitted)
        on(app.view(v.TEXT_VIEW), self.typed)
        on(app.view(v.SHARE_VIEW), self.shared)
        for name in ("tokens_revoked", "app_uninstalled"):
            app.event(name)(revoked or self.nothing_to_revoke)
        on(app.action(v.OURS), self.outdated)
        catch_alls = (app.event, app.action, app.view, app.view_closed, app.shortcut, app.options)
        for register in catch_alls:  # every payload type Slack documents: acknowledged
            register(ANYTHING)(self.unknown)

    async def turn(self, ack: AsyncAck, origin: Origin, event: Event) -> None:
        await self.jobs.accept(Job(origin, event), ack)

    # -- commands and events -------------------------------------------------------------------

    async def command(
        self, ack: AsyncAck, body: Body, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        origin = Origin(
            key_of(body, context),
            client,
            bot_user=context.bot_user_id,
            response_url=body.get("response_url"),
            command_channel=body.get("channel_id"),
        )
        text = body.get("text")
        await self.jobs.accept(Job(origin, command=text if isinstance(text, str) else ""), ack)

    async def message(
        self, ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        text = event.get("text")
        text = text if isinstance(text, str) else ""
        subtype = event.get("subtype")
        mine = event.get("channel_type") == "im" and subtype in ANSWERING
        if not mine or event.get("bot_id") or not (text.strip() or subtype == FILE_SHARE):
            await ack()
            return  # edits, joins, our own posts: nothing to answer
        origin = Origin(key_of(body, context), _client(context), bot_user=context.bot_user_id)
        event_id = body.get("event_id")
        event_id = event_id if isinstance(event_id, str) and event_id else None
        if not text.strip():  # a file alone: its words are what écoute reads
            await ack()
            self.tasks.spawn(self.files_only(origin, event_id))
            return
        job = Job(origin, Answer(slack_decode(text)), event_id=event_id)
        await self.jobs.accept(job, ack)

    async def files_only(self, origin: Origin, event_id: str | None) -> None:
        """A file sent without words: a note that only text is read (once, not per retry);
        nothing changes, the question stays."""
        if event_id is None or await self.jobs.first_delivery(event_id):
            texts = self.d.texts(await self.d.lang(origin))
            await self.d.tell(origin, texts.text("files_only"))

    async def home(
        self, ack: AsyncAck, body: Body, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if event.get("tab") == "home":
            origin = Origin(key_of(body, context), _client(context), bot_user=context.bot_user_id)
            self.tasks.spawn(show_home(self.d, origin))

    async def nothing_to_revoke(self, ack: AsyncAck) -> None:
        """With a single bot token there is no installation to delete; answered so Slack
        doesn't retry."""
        await ack()

    async def outdated(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        """A click on an element of écoute's that this version can't read: a private note
        that it is out of date, with the current question (as a click on an old message)."""
        await ack()
        origin = action_origin(body, context)
        log.info("an out-of-date écoute button clicked by %s", origin.key)
        self.tasks.spawn(self.d.outdated(origin, clicked_channel(body)))

    async def unknown(self, ack: AsyncAck, body: Body) -> None:
        """Anything no listener above took: acknowledged, so that Slack neither retries it nor
        shows an error."""
        await ack()
        log.info("ignored a Slack %s that écoute does not handle", body.get("type", "payload"))

    # -- clicks --------------------------------------------------------------------------------

    async def answer(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(action.get("value"))
        if value is None or value.choice is None:
            raise Outdated(action.get("action_id"))
        origin = action_origin(body, context, value.question)
        await self.turn(ack, origin, Answer(value.choice, question=value.question))

    async def select(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(_field(action.get("selected_option"), "value"))
        if value is None or value.choice is None:
            raise Outdated(action.get("action_id"))
        origin = action_origin(body, context, value.question)
        await self.turn(ack, origin, Answer(value.choice, question=value.question))

    async def tick(self, ack: AsyncAck, body: Body) -> None:
        await ack()  # ticks are read from the message's state when "done" is clicked

    async def many(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(action.get("value"))
        if value is None:
            raise Outdated(action.get("action_id"))
        origin = action_origin(body, context, value.question)
        chosen = chosen_ticks(body, value.question)
        await self.turn(ack, origin, Answer(chosen, question=value.question))

    async def modal(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(action.get("value"))
        if value is None:
            raise Outdated(action.get("action_id"))
        await ack()
        trigger = body.get("trigger_id")
        if isinstance(trigger, str):
            origin = action_origin(body, context, value.question)
            self.tasks.spawn(show_answer_modal(self.d, origin, trigger))

    async def edit(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(action.get("value") or _field(action.get("selected_option"), "value"))
        if value is None:
            raise Outdated(action.get("action_id"))
        view = value.choice  # the review or the verdict (none on an older message's)
        await self.turn(ack, action_origin(body, context), Edit(value.question, view))

    async def back(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        value = v.decode(action.get("value"))
        question = value.question if value is not None else None
        await self.turn(ack, action_origin(body, context), Back(question))

    def simple(self, event: Event) -> Listener:
        """A button that always means ``event`` (confirm, restart, start)."""

        async def listener(ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
            await self.turn(ack, action_origin(body, context), event)

        return listener

    async def restart(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Start again: the button names the view it was on (``r:verdict``), so a second
        click, or one on an older message, is stale (a value without it: an older button)."""
        value = v.decode(action.get("value"))
        view = value.question if value is not None and value.tag == v.RESTART_TAG else None
        await self.turn(ack, action_origin(body, context), Restart(view))

    async def share(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        trigger = body.get("trigger_id")
        if isinstance(trigger, str):
            self.tasks.spawn(show_share_modal(self.d, action_origin(body, context), trigger))

    async def team_click(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A team round's button (its value is the round id): answered in the background."""
        round_id = whole_number(action.get("value"))
        if round_id is None:
            raise Outdated(action.get("action_id"))
        await ack()
        if self.team is None:
            return
        origin = action_origin(body, context)
        work = self.team.click(origin, str(action.get("action_id")), round_id, body)
        self.tasks.spawn(self._guarded(origin, work))

    async def followup_click(
        self, ack: AsyncAck, body: Body, action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A poll's vote or close, "ask your audience", a check-in's booking or answer."""
        await ack()
        if self.followups is None:
            return
        origin = action_origin(body, context)
        trigger = body.get("trigger_id")
        if action.get("action_id") == ASK:
            if isinstance(trigger, str):
                self.tasks.spawn(self._guarded(origin, self.followups.ask(origin, trigger)))
            return
        self.tasks.spawn(self._guarded(origin, self.followups.click(origin, action, body)))

    async def poll_submitted(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        values = body.get("view", {}).get("state", {}).get("values", {})
        if self.followups is not None and isinstance(values, dict):
            origin = Origin(key_of(body, context), _client(context), bot_user=context.bot_user_id)
            self.tasks.spawn(self._guarded(origin, self.followups.submitted(origin, values)))

    async def _guarded(self, origin: Origin, work: Coroutine[Any, Any, None]) -> None:
        """``work``, with a database away or a bug told to the user rather than lost."""
        failed = await guarded(self.d.service, self.d.fallback_lang(origin), work, who=origin.key)
        if isinstance(failed, Failure):
            await self.d.tell(origin, failed.text)

    # -- modals --------------------------------------------------------------------------------

    async def typed(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        """A typed answer: an invalid one is shown in the modal, if the core answers in time."""
        meta, text = modal_answer(body)
        if meta is None:
            await ack()
            return
        clicked = Sent(meta.channel, meta.ts) if meta.channel and meta.ts else None
        origin = Origin(
            key_of(body, context),
            _client(context),
            bot_user=context.bot_user_id,
            clicked=clicked,
            question=meta.question,
        )
        handshake = Handshake()
        await self.jobs.accept_waiting(Job(origin, Answer(text, question=meta.question)), handshake)
        shown = False
        try:
            reply = await asyncio.wait_for(asyncio.shield(handshake.reply), MODAL_ACK_BUDGET)
        except TimeoutError:
            await ack()  # the turn goes on; its reply is posted in the DM
            handshake.shown.set_result(False)
            return
        try:
            if reply is None:
                error = self.d.service.unavailable_text(await self.d.lang(origin))
            else:
                error = next((n.text for n in reply.notices if n.code == "invalid"), "")
                error = "" if reply.changed else error
            if error:
                await ack(response_action="errors", errors={v.ANSWER_BLOCK: slack_decode(error)})
                shown = True
            else:
                await ack()
        finally:
            handshake.shown.set_result(shown)

    async def shared(self, ack: AsyncAck, body: Body, context: AsyncBoltContext) -> None:
        await ack()
        values = body.get("view", {}).get("state", {}).get("values", {})
        picked = values.get(v.CHANNEL_BLOCK, {}).get(v.CHANNEL_INPUT, {})
        channel = picked.get("selected_conversation")
        if isinstance(channel, str) and channel:
            origin = Origin(key_of(body, context), _client(context), bot_user=context.bot_user_id)
            self.tasks.spawn(share_verdict(self.d, origin, channel))


def _client(context: AsyncBoltContext) -> AsyncWebClient:
    return context.client


def _field(part: object, name: str) -> object:
    return part.get(name) if isinstance(part, dict) else None


def revoking(app: AsyncApp, tasks: Background) -> Listener:
    """For OAuth installs: Bolt's own handling of revoked tokens and uninstalls, after the ack."""
    revoked = app.default_tokens_revoked_event_listener()
    uninstalled = app.default_app_uninstalled_event_listener()

    async def listener(ack: AsyncAck, event: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        log.info("%s in %s", event.get("type"), context.team_id)
        work: Awaitable[object]
        if event.get("type") == "tokens_revoked":
            work = revoked(event=event, context=context)
        else:
            work = uninstalled(context=context)
        tasks.spawn(_run(work))

    return listener


async def _run(work: Awaitable[object]) -> None:
    await work

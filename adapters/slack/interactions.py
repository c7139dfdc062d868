"""Listeners for clicks and modal submissions: Slack's interactive payloads -> core events.

Each acks first and leaves the work to a background task, except a modal's submission, which
waits up to :data:`MODAL_ACK_BUDGET` for the core, to show an invalid answer in the modal.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack import values as v
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_decode
from adapters.slack.flows import share_verdict, show_answer_modal, show_share_modal
from adapters.slack.jobs import Ack, Job, Jobs
from adapters.slack.origin import Handshake, Origin
from adapters.slack.payloads import action_origin, chosen_ticks, key_of, modal_answer
from adapters.slack.state import Background, Sent
from bot.events import Answer, Back, Confirm, Edit, Event, Restart, Start

log = logging.getLogger(__name__)

Listener = Callable[..., Coroutine[Any, Any, None]]
MODAL_ACK_BUDGET = 2.0
"""Seconds a modal submission waits for the core before closing (Slack allows 3)."""


def listen_interactions(
    app: AsyncApp,
    d: Dialogue,
    tasks: Background,
    jobs: Jobs,
    listen: Callable[[Callable[[Listener], object]], Callable[[Listener], Listener]],
) -> None:
    """Register the block_actions and view_submission listeners on ``app``."""

    def on(action_id: str | re.Pattern[str]) -> Callable[[Listener], Listener]:
        return listen(app.action(action_id))

    async def turn(ack: Ack, origin: Origin, event: Event) -> None:
        await jobs.accept(Job(origin, event), ack)

    @on(v.ANY_ANSWER)
    async def answer(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        value = v.decode(action.get("value"))
        if value is None or value.choice is None:
            await ack()
            return
        origin = action_origin(body, context, value.question)
        await turn(ack, origin, Answer(value.choice, question=value.question))

    @on(v.SELECT)
    async def select(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        value = v.decode(_field(action.get("selected_option"), "value"))
        if value is None or value.choice is None:
            await ack()
            return
        origin = action_origin(body, context, value.question)
        await turn(ack, origin, Answer(value.choice, question=value.question))

    @on(v.TICK)
    async def tick(ack: Any, body: dict[str, Any]) -> None:
        await ack()  # ticks are read from the message's state when "done" is clicked

    @on(v.MANY)
    async def many(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        value = v.decode(action.get("value"))
        if value is None:
            await ack()
            return
        origin = action_origin(body, context, value.question)
        await turn(ack, origin, Answer(chosen_ticks(body, value.question), question=value.question))

    @on(v.MODAL)
    async def modal(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode(action.get("value"))
        trigger = body.get("trigger_id")
        if value is not None and isinstance(trigger, str):
            origin = action_origin(body, context, value.question)
            tasks.spawn(show_answer_modal(d, origin, trigger))

    @on(v.ANY_EDIT)
    async def edit(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        raw = action.get("value") or _field(action.get("selected_option"), "value")
        value = v.decode(raw)
        if value is None:
            await ack()
            return
        await turn(ack, action_origin(body, context), Edit(value.question))

    def simple(action_id: str, event: Event) -> None:
        async def listener(ack: Any, body: dict[str, Any], context: Any) -> None:
            await turn(ack, action_origin(body, context), event)

        on(action_id)(listener)

    @on(v.BACK)
    async def back(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        value = v.decode(action.get("value"))
        question = value.question if value is not None else None
        await turn(ack, action_origin(body, context), Back(question))

    simple(v.CONFIRM, Confirm())
    simple(v.RESTART, Restart())
    simple(v.START, Start())

    @on(v.SHARE)
    async def share(ack: Any, body: dict[str, Any], context: Any) -> None:
        await ack()
        trigger = body.get("trigger_id")
        if isinstance(trigger, str):
            tasks.spawn(show_share_modal(d, action_origin(body, context), trigger))

    @listen(app.view(v.TEXT_VIEW))
    async def typed(ack: Any, body: dict[str, Any], context: Any) -> None:
        meta, text = modal_answer(body)
        if meta is None:
            await ack()
            return
        clicked = Sent(meta.channel, meta.ts) if meta.channel and meta.ts else None
        origin = Origin(
            key_of(body, context),
            context.client,
            bot_user=context.bot_user_id,
            clicked=clicked,
            question=meta.question,
        )
        handshake = Handshake()
        await jobs.accept_waiting(Job(origin, Answer(text, question=meta.question)), handshake)
        shown = False
        try:
            reply = await asyncio.wait_for(asyncio.shield(handshake.reply), MODAL_ACK_BUDGET)
        except TimeoutError:
            await ack()  # the turn goes on; its reply is posted in the DM
            handshake.shown.set_result(False)
            return
        try:
            if reply is None:
                error = d.service.unavailable_text(await d.lang(origin))
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

    @listen(app.view(v.SHARE_VIEW))
    async def shared(ack: Any, body: dict[str, Any], context: Any) -> None:
        await ack()
        values = body.get("view", {}).get("state", {}).get("values", {})
        picked = values.get(v.CHANNEL_BLOCK, {}).get(v.CHANNEL_INPUT, {})
        channel = picked.get("selected_conversation")
        if isinstance(channel, str) and channel:
            origin = Origin(key_of(body, context), context.client, bot_user=context.bot_user_id)
            tasks.spawn(share_verdict(d, origin, channel))


def _field(part: object, name: str) -> object:
    return part.get(name) if isinstance(part, dict) else None

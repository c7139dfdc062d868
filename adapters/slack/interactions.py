"""Listeners for clicks and modal submissions: Slack's interactive payloads -> core events.

Each acks first and leaves the work to a background task, except a modal's submission, which
waits up to :data:`MODAL_ACK_BUDGET` for the core, to show an invalid answer in the modal.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack import values as v
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_decode
from adapters.slack.flows import share_verdict, show_answer_modal, show_share_modal
from adapters.slack.origin import Handshake, Origin
from adapters.slack.payloads import action_origin, chosen_ticks, key_of, modal_answer
from adapters.slack.state import Background, Sent
from bot.events import Answer, Back, Confirm, Edit, Event, Restart, Start

log = logging.getLogger(__name__)

MODAL_ACK_BUDGET = 2.0
"""Seconds a modal submission waits for the core before closing (Slack allows 3)."""


def listen_interactions(app: AsyncApp, d: Dialogue, tasks: Background) -> None:
    """Register the block_actions and view_submission listeners on ``app``."""

    def spawn_turn(origin: Origin, event: Event) -> None:
        tasks.spawn(d.turn(origin, event))

    @app.action(v.ANY_ANSWER)
    async def answer(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode(action.get("value"))
        if value is not None and value.choice is not None:
            origin = action_origin(body, context, value.question)
            spawn_turn(origin, Answer(value.choice, question=value.question))

    @app.action(v.SELECT)
    async def select(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode((action.get("selected_option") or {}).get("value"))
        if value is not None and value.choice is not None:
            origin = action_origin(body, context, value.question)
            spawn_turn(origin, Answer(value.choice, question=value.question))

    @app.action(v.TICK)
    async def tick(ack: Any) -> None:
        await ack()  # ticks are read from the message's state when "done" is clicked

    @app.action(v.MANY)
    async def many(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode(action.get("value"))
        if value is not None:
            chosen = chosen_ticks(body, value.question)
            origin = action_origin(body, context, value.question)
            spawn_turn(origin, Answer(chosen, question=value.question))

    @app.action(v.MODAL)
    async def modal(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode(action.get("value"))
        if value is not None:
            origin = action_origin(body, context, value.question)
            tasks.spawn(show_answer_modal(d, origin, body["trigger_id"]))

    @app.action(v.ANY_EDIT)
    async def edit(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        raw = action.get("value") or (action.get("selected_option") or {}).get("value")
        value = v.decode(raw)
        if value is not None:
            spawn_turn(action_origin(body, context), Edit(value.question))

    def simple(action_id: str, event: Event) -> None:
        async def listener(ack: Any, body: dict[str, Any], context: Any) -> None:
            await ack()
            spawn_turn(action_origin(body, context), event)

        app.action(action_id)(listener)

    @app.action(v.BACK)
    async def back(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        await ack()
        value = v.decode(action.get("value"))
        question = value.question if value is not None else None
        spawn_turn(action_origin(body, context), Back(question))

    simple(v.CONFIRM, Confirm())
    simple(v.RESTART, Restart())
    simple(v.START, Start())

    @app.action(v.SHARE)
    async def share(ack: Any, body: dict[str, Any], context: Any) -> None:
        await ack()
        tasks.spawn(show_share_modal(d, action_origin(body, context), body["trigger_id"]))

    @app.view(v.TEXT_VIEW)
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
            channel=meta.channel,
            clicked=clicked,
            question=meta.question,
        )
        handshake = Handshake()
        tasks.spawn(d.turn(origin, Answer(text, question=meta.question), handshake))
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

    @app.view(v.SHARE_VIEW)
    async def shared(ack: Any, body: dict[str, Any], context: Any) -> None:
        await ack()
        values = body.get("view", {}).get("state", {}).get("values", {})
        picked = values.get(v.CHANNEL_BLOCK, {}).get(v.CHANNEL_INPUT, {})
        channel = picked.get("selected_conversation")
        if isinstance(channel, str) and channel:
            origin = Origin(key_of(body, context), context.client, bot_user=context.bot_user_id)
            tasks.spawn(share_verdict(d, origin, channel))

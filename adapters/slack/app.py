"""The Bolt app: Slack payloads -> :class:`Origin` + core events, handed to the dialogue.

Every listener acks first and leaves the work to a background task, so Slack gets its answer
within milliseconds whatever the database or the Web API do (modal submissions excepted: see
:mod:`adapters.slack.interactions`). Events are de-duplicated by ``event_id``, after the ack.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import http_session, web_client
from adapters.slack.commands import run_command
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_decode, slack_mrkdwn_escape
from adapters.slack.flows import show_home
from adapters.slack.interactions import listen_interactions
from adapters.slack.origin import Origin
from adapters.slack.payloads import key_of
from adapters.slack.state import Background
from bot.app import Core
from bot.events import Answer
from bot.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

MARK_EVENT_BUDGET = 1.0


@dataclass
class SlackApp:
    """The Bolt app with what it runs on; :meth:`close` drains the work in flight."""

    bolt: AsyncApp
    dialogue: Dialogue
    tasks: Background
    on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def close(self, grace: float = 10.0) -> None:
        if not await self.tasks.drain(grace):
            log.warning("Slack work still running at shutdown: cancelled")
            await self.tasks.cancel()
        for hook in self.on_close:
            await hook()


def create_app(core: Core, oauth: AsyncOAuthSettings | None = None) -> SlackApp:
    """The Bolt app for one process: one workspace (bot token) or many (``oauth``).

    Call it with the event loop running (it opens the Web API's HTTP session). Listeners only
    ack and start a task, so Bolt answers Slack as soon as a listener returns
    (``process_before_response``) instead of polling for the ack every 10 ms.
    """
    settings = core.settings
    session = http_session()
    client = web_client(settings, None if oauth else settings.slack_bot_token, session)
    bolt = AsyncApp(
        name="ecoute",
        client=client,
        signing_secret=settings.slack_signing_secret,
        oauth_settings=oauth,
        process_before_response=True,
    )
    dialogue = Dialogue(core.service(escape=slack_mrkdwn_escape), core.catalog)
    slack = SlackApp(bolt, dialogue, Background(), [session.close])
    _listen(slack, core.store)
    return slack


async def once(store: Store, body: dict[str, Any], work: Awaitable[object]) -> None:
    """Run ``work`` unless this Events API delivery's ``event_id`` was seen before.

    Checked after the ack (a retry is answered 200 either way), so the database write never
    delays Slack's answer.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if isinstance(event_id, str) and event_id:
        try:
            mark = asyncio.shield(store.mark_event("slack", event_id))
            fresh = await asyncio.wait_for(mark, MARK_EVENT_BUDGET)
        except (TimeoutError, StoreUnavailable) as exc:
            log.warning("event %s not checked for duplicates: %r", event_id, exc)
            fresh = True  # better twice than never: the core's compare-and-set guards answers
        if not fresh:
            if isinstance(work, Coroutine):
                work.close()  # never started: no "never awaited" warning
            return
    await work


def _listen(slack: SlackApp, store: Store) -> None:
    app, d, tasks = slack.bolt, slack.dialogue, slack.tasks

    @app.command("/ecoute")
    async def command(ack: Any, body: dict[str, Any], context: Any, client: AsyncWebClient) -> None:
        await ack()
        origin = Origin(
            key_of(body, context),
            client,
            bot_user=context.bot_user_id,
            response_url=body.get("response_url"),
            command_channel=body.get("channel_id"),
        )
        tasks.spawn(run_command(d, origin, body.get("text") or ""))

    listen_interactions(app, d, tasks)

    @app.event("message")
    async def message(body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # edits, joins, our own posts: nothing to answer
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            return
        origin = Origin(
            key_of(body, context),
            context.client,
            bot_user=context.bot_user_id,
            channel=event.get("channel"),
        )
        tasks.spawn(once(store, body, d.turn(origin, Answer(slack_decode(text)))))

    @app.event("app_home_opened")
    async def home(body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        if event.get("tab") == "home":
            origin = Origin(key_of(body, context), context.client, bot_user=context.bot_user_id)
            tasks.spawn(once(store, body, show_home(d, origin)))

    if app.installation_store is not None:
        revoked = app.default_tokens_revoked_event_listener()
        uninstalled = app.default_app_uninstalled_event_listener()

        @app.event("tokens_revoked")
        async def tokens_revoked(body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
            log.info("tokens revoked in %s", context.team_id)
            work = revoked(event=event, context=context)
            tasks.spawn(once(store, body, work))

        @app.event("app_uninstalled")
        async def app_uninstalled(body: dict[str, Any], context: Any) -> None:
            log.info("uninstalled from %s: its installation is deleted", context.team_id)
            tasks.spawn(once(store, body, uninstalled(context=context)))

    else:

        async def ignore() -> None:
            """Nothing to revoke with a single bot token; answered so Slack doesn't retry."""

        app.event("tokens_revoked")(ignore)
        app.event("app_uninstalled")(ignore)

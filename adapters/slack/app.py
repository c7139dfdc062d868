"""The Bolt app: Slack payloads -> :class:`Origin` + core events, handed to the dialogue.

Every listener records its work in the inbox, acks, and leaves the turn to a background
task (:mod:`adapters.slack.jobs`), so Slack gets its answer within milliseconds whatever the
Web API does, and an acknowledged event is never lost (modal submissions wait a little for
the core: see :mod:`adapters.slack.interactions`). A payload that names no user, or that
cannot be read, is acknowledged and ignored in one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import http_session, web_client
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_decode, slack_mrkdwn_escape
from adapters.slack.flows import show_home
from adapters.slack.interactions import listen_interactions
from adapters.slack.jobs import Job, Jobs
from adapters.slack.origin import Origin
from adapters.slack.payloads import NoUser, key_of
from adapters.slack.state import Background
from bot.bootstrap import Core
from bot.events import Answer

log = logging.getLogger(__name__)

Listener = Callable[..., Coroutine[Any, Any, None]]
UNREADABLE = (NoUser, KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What reading a malformed payload raises."""


@dataclass
class SlackApp:
    """The Bolt app with what it runs on; :meth:`close` drains the work in flight."""

    bolt: AsyncApp
    dialogue: Dialogue
    tasks: Background
    jobs: Jobs
    on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    sweeper: asyncio.Task[None] | None = None

    def start_sweeping(self) -> None:
        """Replay what stopped processes left in the inbox: now, then every few seconds."""
        if self.sweeper is None:
            self.sweeper = asyncio.get_running_loop().create_task(self.jobs.sweep())

    async def close(self, grace: float = 10.0) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sweeper
        if not await self.tasks.drain(grace):
            log.warning("Slack work still running at shutdown: cancelled")
            await self.tasks.cancel()
        for hook in self.on_close:
            await hook()


def _expected_warning(record: logging.LogRecord) -> bool:
    """Bolt warns that ``SLACK_BOT_TOKEN`` is unused when given a client: it is the client's."""
    return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_expected_warning)


def create_app(core: Core, oauth: AsyncOAuthSettings | None = None) -> SlackApp:
    """The Bolt app for one process: one workspace (bot token) or many (``oauth``).

    Call it with the event loop running (it opens the Web API's HTTP session). Listeners only
    record, ack and start a task, so Bolt answers Slack as soon as a listener returns
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
    tasks = Background()

    async def client_for(team: str) -> AsyncWebClient | None:
        store = bolt.installation_store
        if store is None:
            return client
        bot = await store.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None or not bot.bot_token:
            return None
        return web_client(settings, bot.bot_token, session)

    slack = SlackApp(bolt, dialogue, tasks, Jobs(dialogue, core.store, tasks, client_for))
    slack.on_close.append(session.close)
    _listen(slack)
    slack.start_sweeping()
    return slack


def unreadable_ignored(listener: Listener) -> Listener:
    """Run ``listener``; a payload it cannot read is acked (if not yet) and ignored."""

    @functools.wraps(listener)
    async def guarded(ack: Any, body: dict[str, Any], **kwargs: Any) -> None:
        try:
            await listener(ack=ack, body=body, **kwargs)
        except UNREADABLE as exc:
            log.warning("ignored an unreadable Slack payload: %s: %s", type(exc).__name__, exc)
            if ack is not None and getattr(ack, "response", None) is None:
                await ack()

    return guarded


def _listen(slack: SlackApp) -> None:
    app, d, jobs = slack.bolt, slack.dialogue, slack.jobs

    def listen(register: Callable[[Listener], object]) -> Callable[[Listener], Listener]:
        def decorate(listener: Listener) -> Listener:
            register(unreadable_ignored(listener))
            return listener

        return decorate

    @listen(app.command("/ecoute"))
    async def command(ack: Any, body: dict[str, Any], context: Any, client: AsyncWebClient) -> None:
        origin = Origin(
            key_of(body, context),
            client,
            bot_user=context.bot_user_id,
            response_url=body.get("response_url"),
            command_channel=body.get("channel_id"),
        )
        text = body.get("text")
        await jobs.accept(Job(origin, command=text if isinstance(text, str) else ""), ack)

    listen_interactions(app, d, slack.tasks, jobs, listen)

    @listen(app.event("message"))
    async def message(ack: Any, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            await ack()
            return  # edits, joins, our own posts: nothing to answer
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            await ack()
            return
        origin = Origin(key_of(body, context), context.client, bot_user=context.bot_user_id)
        event_id = body.get("event_id")
        job = Job(
            origin,
            Answer(slack_decode(text)),
            event_id=event_id if isinstance(event_id, str) and event_id else None,
        )
        await jobs.accept(job, ack)

    @listen(app.event("app_home_opened"))
    async def home(ack: Any, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        await ack()
        if event.get("tab") == "home":
            origin = Origin(key_of(body, context), context.client, bot_user=context.bot_user_id)
            slack.tasks.spawn(show_home(d, origin))

    if app.installation_store is not None:
        revoked = app.default_tokens_revoked_event_listener()
        uninstalled = app.default_app_uninstalled_event_listener()

        @app.event("tokens_revoked")
        async def tokens_revoked(event: dict[str, Any], context: Any) -> None:
            log.info("tokens revoked in %s", context.team_id)
            slack.tasks.spawn(_run(revoked(event=event, context=context)))

        @app.event("app_uninstalled")
        async def app_uninstalled(context: Any) -> None:
            log.info("uninstalled from %s: its installation is deleted", context.team_id)
            slack.tasks.spawn(_run(uninstalled(context=context)))

    else:

        async def ignore() -> None:
            """Nothing to revoke with a single bot token; answered so Slack doesn't retry."""

        app.event("tokens_revoked")(ignore)
        app.event("app_uninstalled")(ignore)

    async def unknown(ack: Any, body: dict[str, Any]) -> None:
        """Anything no listener above took (an event not subscribed to, an old button):
        acknowledged, so that Slack neither retries it nor shows an error."""
        await ack()
        log.info("ignored a Slack %s that écoute does not handle", body.get("type", "payload"))

    anything = re.compile(".*")
    app.event(anything)(unknown)
    app.action(anything)(unknown)
    app.view(anything)(unknown)


async def _run(work: Awaitable[object]) -> None:
    await work

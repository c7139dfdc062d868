"""The Bolt app: Slack payloads -> :class:`Origin` + core events, handed to the dialogue.

The listeners (:mod:`adapters.slack.listeners`) record their work in the inbox, ack, and
leave the turn to a background task (:mod:`adapters.slack.jobs`), so Slack gets its answer
within milliseconds whatever the Web API does, and an acknowledged event is never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import http_session, web_client
from adapters.slack.dialogue import Dialogue
from adapters.slack.escape import slack_mrkdwn_escape
from adapters.slack.followups import SlackFollowups
from adapters.slack.installed import InstalledOnly, Say, SlackReachable
from adapters.slack.jobs import Jobs
from adapters.slack.listeners import Listeners, revoking
from adapters.slack.payloads import PLATFORM
from adapters.slack.state import Background
from adapters.slack.team import SlackTeam
from bot.bootstrap import Core
from bot.events import ConversationKey
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)


@dataclass
class SlackApp:
    """The Bolt app with what it runs on; :meth:`close` drains the work in flight."""

    bolt: AsyncApp
    dialogue: Dialogue
    tasks: Background
    jobs: Jobs
    on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    sweeper: asyncio.Task[None] | None = None
    team: SlackTeam | None = None
    team_sweeper: asyncio.Task[None] | None = None
    followups: SlackFollowups | None = None
    followups_sweeper: asyncio.Task[None] | None = None

    def start_sweeping(self) -> None:
        """Replay what stopped processes left in the inbox, and close team rounds past their
        deadline: now, then every few seconds."""
        loop = asyncio.get_running_loop()
        if self.sweeper is None:
            self.sweeper = loop.create_task(self.jobs.sweep())
        if self.team_sweeper is None and self.team is not None:
            self.team_sweeper = loop.create_task(self.team.sweep())
        if self.followups_sweeper is None and self.followups is not None:
            self.followups_sweeper = loop.create_task(self.followups.sweep())

    async def close(self, grace: float = 10.0) -> None:
        for sweeper in (self.sweeper, self.team_sweeper, self.followups_sweeper):
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
        if not await self.tasks.drain(grace):
            log.warning("Slack work still running at shutdown: cancelled")
            await self.tasks.cancel()
        for hook in self.on_close:
            await hook()


class EcouteBolt(AsyncApp):
    """Bolt, answering 200 to a request no listener takes (its default is a 404, which makes
    Slack show an error or retry, and a multi-line "Unhandled request" warning): one line.

    The listeners end with catch-alls for every payload type Slack documents; this is for
    whatever type Slack adds next.
    """

    def _handle_unmatched_requests(self, req: AsyncBoltRequest, resp: BoltResponse) -> BoltResponse:
        kind = req.body.get("type") if isinstance(req.body, dict) else None
        log.info("ignored a Slack %s that no listener takes", kind or "request")
        return BoltResponse(status=200, body="")


def said_in_their_language(dialogue: Dialogue, text: str) -> Say:
    """The Slack text ``text`` for (team, user), in their conversation's language (an
    uninstalled workspace's members keep theirs), else the default one."""

    async def say(team: str | None, user: str | None) -> str:
        lang = dialogue.catalog.default_lang
        if team and user:
            key = ConversationKey(PLATFORM, team, user)
            with contextlib.suppress(StoreUnavailable):
                lang = await dialogue.service.language(key)
        return dialogue.texts(lang).text(text)

    return say


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
    dialogue = Dialogue(core.service(escape=slack_mrkdwn_escape), core.catalog)
    tasks = Background()
    before: AsyncMiddleware
    if oauth is not None and oauth.installation_store is not None:
        say = said_in_their_language(dialogue, "not_installed")
        before = InstalledOnly(oauth.installation_store, say, tasks.spawn)
    else:  # one workspace: Bolt's auth.test is the Web API's first call
        unreachable = said_in_their_language(dialogue, "unreachable")
        refused = said_in_their_language(dialogue, "token_refused")
        before = SlackReachable(unreachable, refused, tasks.spawn)
    bolt = EcouteBolt(
        name="ecoute",
        client=client,
        signing_secret=settings.slack_signing_secret,
        oauth_settings=oauth,
        process_before_response=True,
        before_authorize=before,
    )

    async def client_for(team: str) -> AsyncWebClient | None:
        store = bolt.installation_store
        if store is None:
            return client
        bot = await store.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None or not bot.bot_token:
            return None
        return web_client(settings, bot.bot_token, session)

    slack = SlackApp(bolt, dialogue, tasks, Jobs(dialogue, core.store, tasks, client_for))
    slack.team = SlackTeam(dialogue, core.team(dialogue.service), client_for)
    slack.jobs.team = slack.team
    dialogue.after_verdict = slack.team.after_verdict
    slack.followups = SlackFollowups(
        dialogue,
        core.poll_service(dialogue.service),
        core.checkins(dialogue.service),
        core.scheduler(),
        client_for,
        remind_after=settings.remind_after,
        retention_days=settings.retention_days,
    )
    slack.jobs.followups = slack.followups
    dialogue.verdict_extras = slack.followups.verdict_extras
    slack.on_close.append(session.close)
    revoked = revoking(bolt, tasks) if bolt.installation_store is not None else None
    Listeners(dialogue, slack.jobs, tasks, slack.team, slack.followups).register(bolt, revoked)
    slack.start_sweeping()
    return slack

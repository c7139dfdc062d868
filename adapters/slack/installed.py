"""What Bolt's authorization would answer badly, answered just before it.

- Installs in many workspaces (:class:`InstalledOnly`): a request from a workspace where
  écoute is not installed. Bolt's own answer is an English apology ("We apologize, but for
  some unknown reason…") and an ERROR line per request.
- One workspace (:class:`SlackReachable`): Slack's Web API out of reach, or refusing the
  token, at Bolt's first ``auth.test`` — a 500 with a traceback, or that same apology.

Either way the user reads, privately and in their language (their conversation's, else the
default), what happened; the log gets one line; Slack gets a 200.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from adapters.slack import delivery
from adapters.slack.delivery import DeliveryError

log = logging.getLogger(__name__)

NO_TOKEN_NEEDED = ("app_uninstalled", "tokens_revoked", "team_access_revoked")
"""Events Bolt handles without a token (the installation may be gone already)."""
Say = Callable[[str | None, str | None], Awaitable[str]]
"""A text for (team, user), in that user's language."""
Spawn = Callable[[Coroutine[Any, Any, None]], object]
"""Runs work after the ack (the app's background tasks)."""


class InstalledOnly(AsyncMiddleware):
    """Let a request through only from a workspace (or org) with an installation."""

    def __init__(self, store: AsyncInstallationStore, say: Say, spawn: Spawn) -> None:
        self.store, self.say, self.spawn = store, say, spawn

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # Bolt calls it so
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        event = body.get("event")
        kind = event.get("type") if isinstance(event, dict) else None
        if _handshake(body) or kind in NO_TOKEN_NEEDED:
            return await next()
        context = req.context
        bot = await self.store.async_find_bot(
            enterprise_id=context.enterprise_id,
            team_id=context.team_id,
            is_enterprise_install=bool(context.is_enterprise_install),
        )
        if bot is not None:
            return await next()
        where = context.team_id or context.enterprise_id
        log.warning("Slack request from %s, where écoute is not installed: ignored", where)
        if context.response_url:  # a command or a click: a private answer where it was made
            self.spawn(tell(context.response_url, self.say, where, context.user_id))
        return BoltResponse(status=200, body="")


class SlackReachable(AsyncMiddleware):
    """One workspace: Bolt's first ``auth.test`` — the Web API's first call — made here
    first. Out of reach, Bolt would answer 500 with a traceback and the command would be lost
    unsaid; this answers 200, logs one line and tells the user, where they typed or clicked, to
    try again. A token Slack refuses is said the same way (not in Bolt's English apology), and
    logged as the error it is. Once Slack has answered, requests go through."""

    def __init__(self, say: Say, refused: Say, spawn: Spawn) -> None:
        self.say, self.refused, self.spawn = say, refused, spawn
        self.reached = False

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # Bolt calls it so
    ) -> BoltResponse | None:
        context = req.context
        if self.reached or _handshake(req.body if isinstance(req.body, dict) else {}):
            return await next()
        try:
            await context.client.auth_test()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("Slack's Web API out of reach, request not handled: %r", exc)
            say = self.say
        except SlackApiError as exc:
            log.error("Slack refuses SLACK_BOT_TOKEN (%s): request not handled", _error(exc))
            say = self.refused
        else:
            self.reached = True
            return await next()
        if context.response_url:
            self.spawn(tell(context.response_url, say, context.team_id, context.user_id))
        return BoltResponse(status=200, body="")


def _handshake(body: dict[str, Any]) -> bool:
    """Slack checking the endpoint (``url_verification``, ``ssl_check``): no token needed."""
    return body.get("type") in ("url_verification", "ssl_check")


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    return str(data.get("error")) if isinstance(data, dict) else "no answer"


async def tell(url: str, say: Say, team: str | None, user: str | None) -> None:
    """``say``'s text for (team, user), privately where they typed or clicked."""
    try:
        await delivery.respond(url, await say(team, user))
    except DeliveryError as exc:
        log.info("note not shown: %s", exc)

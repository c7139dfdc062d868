"""Web API calls the dialogue makes, each raising one :class:`DeliveryError` when Slack fails.

The client already retried connection errors, timeouts, 429s (``Retry-After``) and 5xx; what
reaches here is final. ``refused`` tells a Slack answer ("channel_not_found") from an outage.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from aiohttp import ClientError, ClientSession
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.blocks import Message, is_live
from adapters.slack.client import webhook
from adapters.slack.state import Sent

log = logging.getLogger(__name__)
T = TypeVar("T")
HISTORY_LIMIT = 20


class DeliveryError(Exception):
    """Slack did not take a call. ``refused``: Slack answered with an error code."""

    def __init__(self, method: str, reason: str, *, refused: bool) -> None:
        super().__init__(f"{method}: {reason}")
        self.method, self.reason, self.refused = method, reason, refused


async def _call(method: str, call: Awaitable[T]) -> T:
    try:
        return await call
    except SlackApiError as exc:
        status = getattr(exc.response, "status_code", 0)
        error = str(exc.response.get("error", status)) if exc.response is not None else "?"
        raise DeliveryError(method, error, refused=status == 200) from exc
    except (ClientError, TimeoutError) as exc:
        raise DeliveryError(method, type(exc).__name__, refused=False) from exc


async def open_dm(client: AsyncWebClient, user: str) -> str:
    """The id of the user's direct-message channel with the app."""
    resp = await _call("conversations.open", client.conversations_open(users=user))
    return str(resp["channel"]["id"])


async def post(client: AsyncWebClient, channel: str, message: Message) -> Sent:
    payload = message.payload()
    resp = await _call("chat.postMessage", client.chat_postMessage(channel=channel, **payload))
    return Sent(str(resp["channel"]), str(resp["ts"]), payload["blocks"])


async def update(client: AsyncWebClient, sent: Sent, message: Message) -> bool:
    """Replace a sent message; a failure is logged, not raised (the next message matters more)."""
    payload = message.payload()
    try:
        await _call("chat.update", client.chat_update(channel=sent.channel, ts=sent.ts, **payload))
    except DeliveryError as exc:
        log.warning("could not update message %s: %s", sent.ts, exc)
        return False
    sent.blocks = payload["blocks"]
    return True


async def ephemeral(
    client: AsyncWebClient, channel: str, user: str, text: str, message: Message | None = None
) -> None:
    """A message only ``user`` sees (a note, or a note with the current question)."""
    payload = message.payload() if message is not None else {"text": text}
    post = client.chat_postEphemeral(channel=channel, user=user, **payload)
    await _call("chat.postEphemeral", post)


async def delete_ephemeral(url: str, session: ClientSession | None = None) -> None:
    """Remove an ephemeral message through its ``response_url`` (best effort)."""
    try:
        await webhook(url, session).send(delete_original=True)
    except (ClientError, TimeoutError) as exc:
        log.info("ephemeral message not deleted: %s", exc)


async def respond(url: str, text: str, session: ClientSession | None = None) -> None:
    """A private answer in the channel a slash command came from (``session``: the app's)."""
    try:
        resp = await webhook(url, session).send(text=text, response_type="ephemeral")
    except (ClientError, TimeoutError) as exc:
        raise DeliveryError("response_url", type(exc).__name__, refused=False) from exc
    if resp.status_code != 200:
        raise DeliveryError("response_url", str(resp.status_code), refused=False)


async def user_locale(client: AsyncWebClient, user: str) -> str | None:
    """The user's Slack locale (``fr-FR``), or ``None`` if Slack won't say."""
    try:
        resp = await _call("users.info", client.users_info(user=user, include_locale=True))
    except DeliveryError as exc:
        log.info("no locale for %s: %s", user, exc)
        return None
    user_info: dict[str, Any] = resp.get("user") or {}
    locale = user_info.get("locale")
    return locale if isinstance(locale, str) else None


async def _history(client: AsyncWebClient, channel: str, **query: Any) -> list[dict[str, Any]]:
    """The messages ``conversations.history`` gives for ``query``, newest first; none when
    Slack won't say (logged)."""
    try:
        history = client.conversations_history(channel=channel, **query)
        resp: AsyncSlackResponse = await _call("conversations.history", history)
    except DeliveryError as exc:
        log.info("no history for %s: %s", channel, exc)
        return []
    messages: list[dict[str, Any]] = resp.get("messages") or []
    return messages


async def find_live(client: AsyncWebClient, channel: str, bot_user: str | None) -> Sent | None:
    """The latest message of ours in ``channel`` that still has live elements (after a restart)."""
    for msg in await _history(client, channel, limit=HISTORY_LIMIT):
        ours = "bot_id" in msg or (bot_user is not None and msg.get("user") == bot_user)
        blocks: list[dict[str, Any]] = msg.get("blocks") or []
        if ours and is_live(blocks):
            return Sent(channel, str(msg["ts"]), blocks)
    return None


async def latest(client: AsyncWebClient, channel: str) -> Sent | None:
    """The newest message of ``channel`` as Slack has it now, or ``None`` (none, or Slack
    won't say)."""
    messages = await _history(client, channel, limit=1)
    if not messages or not isinstance(messages[0].get("ts"), str):
        return None
    return Sent(channel, messages[0]["ts"], messages[0].get("blocks") or [])


async def fetch_message(client: AsyncWebClient, channel: str, ts: str) -> Sent | None:
    """The message ``ts`` as it is now in Slack, or ``None`` if Slack won't say."""
    messages = await _history(client, channel, latest=ts, inclusive=True, limit=1)
    found = [m for m in messages if m.get("ts") == ts]
    return Sent(channel, ts, found[0].get("blocks") or []) if found else None


async def publish_view(client: AsyncWebClient, user: str, view: dict[str, Any]) -> None:
    """Publish a user's App Home tab."""
    await _call("views.publish", client.views_publish(user_id=user, view=view))


async def open_view(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> None:
    """Open a modal (the trigger id lives 3 seconds)."""
    await _call("views.open", client.views_open(trigger_id=trigger_id, view=view))


async def upload(client: AsyncWebClient, **files: Any) -> None:
    """Files through ``files_upload_v2`` (its three Web API calls), shared where it says."""
    await _call("files.uploadV2", client.files_upload_v2(**files))


async def is_admin(client: AsyncWebClient, user: str) -> bool:
    """Whether ``user`` is an admin or owner of the workspace (``False`` if Slack won't say)."""
    try:
        resp = await _call("users.info", client.users_info(user=user))
    except DeliveryError:
        return False
    found = resp.get("user") or {}
    return bool(found.get("is_admin") or found.get("is_owner"))

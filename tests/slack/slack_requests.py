"""What Slack sends to an app, built and signed as Slack does it."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

APP_ID = "A0ECOUTE"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Raw:
    """A request body and its content type, before signing."""

    body: str
    content_type: str


def signed_headers(secret: str, raw: Raw, *, age: float = 0.0) -> dict[str, str]:
    """Slack's signature headers for ``raw``, as if sent ``age`` seconds ago."""
    ts = str(int(time.time() - age))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=raw.body)
    assert signature is not None
    return {
        "Content-Type": raw.content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def slash_command(
    team: str, user: str, text: str, channel: str, response_url: str
) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": team,
        "team_domain": "team",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "marketer",
        "command": "/ecoute",
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_ids)}",
    }


def block_actions(
    team: str,
    user: str,
    action: dict[str, Any],
    *,
    message: dict[str, Any] | None,
    channel: str | None,
    response_url: str,
    state: dict[str, Any] | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A click; ``message`` is the message clicked (``None``: in App Home)."""
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "team_id": team, "username": "marketer"},
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": f"trigger-{next(_ids)}",
        "team": {"id": team, "domain": "team"},
        "response_url": response_url,
        "actions": [{**action, "action_ts": str(time.time())}],
        "state": {"values": state or {}},
    }
    if message is not None and channel is not None:
        body["container"] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        body["channel"] = {"id": channel, "name": "directmessage"}
        if not ephemeral:  # Slack doesn't send an ephemeral message back
            body["message"] = message
    else:
        body["container"] = {"type": "view", "view_id": "VHOME"}
        body["view"] = {"id": "VHOME", "type": "home"}
    return body


def view_submission(
    team: str, user: str, view: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "team"},
        "user": {"id": user, "team_id": team},
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": f"trigger-{next(_ids)}",
        "view": {**view, "id": "VMODAL", "state": {"values": values}},
        "response_urls": [],
    }


def event_callback(team: str, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
    }


def dm_message(user: str, channel: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
    }


def form(body: dict[str, Any]) -> Raw:
    return Raw(urlencode(body), "application/x-www-form-urlencoded")


def interactive(body: dict[str, Any]) -> Raw:
    return Raw(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")


def event(body: dict[str, Any]) -> Raw:
    return Raw(json.dumps(body), "application/json")

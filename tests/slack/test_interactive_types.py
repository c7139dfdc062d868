"""Every interactive payload type Slack documents gets a 200 and at most one log line: Bolt's
404 "unhandled request" (and its multi-line suggestion) never reaches Slack or the log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from adapters.slack import values as v
from tests.slack import slack_requests as rq
from tests.slack.conftest import TEAM, Harness

USER = "U0TYPES01"


def actor() -> dict[str, Any]:
    return {
        "user": {"id": USER, "team_id": TEAM, "username": "m", "name": "m"},
        "team": {"id": TEAM, "domain": "team"},
        "api_app_id": rq.APP_ID,
        "token": "legacy",
    }


def modal(callback_id: str) -> dict[str, Any]:
    meta = json.dumps({"q": "audience"})
    return {"id": "V1", "type": "modal", "callback_id": callback_id, "private_metadata": meta}


PAYLOADS: dict[str, dict[str, Any]] = {
    "block_actions": {
        "type": "block_actions",
        "trigger_id": "t0",
        "container": {"type": "view", "view_id": "V0"},
        "actions": [{"type": "button", "action_id": "another_app", "block_id": "b", "value": "x"}],
    },
    "block_suggestion": {
        "type": "block_suggestion",
        "action_id": "another_app_select",
        "block_id": "b",
        "value": "ins",
        "container": {"type": "view", "view_id": "V0"},
    },
    "view_submission": {
        "type": "view_submission",
        "trigger_id": "t1",
        "view": {**modal("another_app_view"), "state": {"values": {}}},
    },
    "view_closed (écoute's own modal)": {
        "type": "view_closed",
        "is_cleared": False,
        "view": {**modal(v.TEXT_VIEW), "state": {"values": {}}},
    },
    "view_closed (another modal)": {
        "type": "view_closed",
        "is_cleared": True,
        "view": modal("another_app_view"),
    },
    "shortcut": {"type": "shortcut", "callback_id": "ecoute", "trigger_id": "t2", "action_ts": "1"},
    "message_action": {
        "type": "message_action",
        "callback_id": "ecoute",
        "trigger_id": "t3",
        "action_ts": "1.1",
        "message_ts": "1.2",
        "channel": {"id": "C0GENERAL", "name": "general"},
        "message": {"type": "message", "ts": "1.2", "text": "hi", "user": "U1"},
        "response_url": "http://127.0.0.1:9/r",
    },
    "interactive_message": {
        "type": "interactive_message",
        "callback_id": "legacy_buttons",
        "trigger_id": "t4",
        "actions": [{"name": "yes", "type": "button", "value": "yes"}],
        "channel": {"id": "C0GENERAL", "name": "general"},
        "action_ts": "1.3",
        "message_ts": "1.4",
        "attachment_id": "1",
        "response_url": "http://127.0.0.1:9/r",
    },
    "dialog_submission": {
        "type": "dialog_submission",
        "callback_id": "legacy_dialog",
        "state": "",
        "submission": {"name": "x"},
        "channel": {"id": "C0GENERAL", "name": "general"},
        "action_ts": "1.5",
        "response_url": "http://127.0.0.1:9/r",
    },
    "dialog_cancellation": {
        "type": "dialog_cancellation",
        "callback_id": "legacy_dialog",
        "state": "",
        "channel": {"id": "C0GENERAL", "name": "general"},
        "action_ts": "1.6",
        "response_url": "http://127.0.0.1:9/r",
    },
    "dialog_suggestion": {
        "type": "dialog_suggestion",
        "callback_id": "legacy_dialog",
        "name": "pick",
        "value": "a",
        "action_ts": "1.7",
    },
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
async def test_every_interactive_type_is_acknowledged_in_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    caplog.set_level(logging.INFO)
    status, _ = await harness.http.send("interactive", {**actor(), **payload})
    assert status == 200
    assert await harness.served.slack.tasks.drain(5)
    records = [r for r in caplog.records if r.name != "aiohttp.access"]
    lines = [r.getMessage() for r in records]
    assert len(lines) <= 1, lines
    assert all(r.levelno == logging.INFO for r in records), lines  # a shape Slack documents
    assert all("\n" not in line for line in lines)
    assert "Unhandled request" not in caplog.text
    assert [c.method for c in harness.fake.calls if c.method != "auth.test"] == []


async def test_a_type_no_listener_takes_is_acknowledged_in_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever Slack adds next, past the guard and every catch-all: 200, one line."""
    caplog.set_level(logging.INFO)
    body = rq.event_callback(TEAM, {"type": "message", "subtype": "x", "channel_type": "im"})
    harness.served.slack.bolt._async_listeners.clear()  # nothing takes anything
    status, _ = await harness.http.send("event", body)
    assert status == 200
    lines = [r.getMessage() for r in caplog.records if r.name != "aiohttp.access"]
    assert lines == ["ignored a Slack event_callback that no listener takes"]

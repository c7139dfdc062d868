"""Running a real écoute Discord client against the fake, and reading what it sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.discord.client import EcouteClient, configure_endpoints, new_client
from bot.bootstrap import Core
from tests.discord.fake_discord import FakeDiscord
from tests.discord.oracle import message_problems, modal_problems


@asynccontextmanager
async def running(core: Core, fake: FakeDiscord, **options: Any) -> AsyncIterator[EcouteClient]:
    """A started client, connected and ready; closed (and awaited) on exit."""
    configure_endpoints(core.settings)
    options.setdefault("guild_ready_timeout", 0.05)
    client = new_client(core, **options)
    task = asyncio.create_task(client.start(core.settings.discord_token))
    try:
        async with asyncio.timeout(10):
            ready = asyncio.ensure_future(client.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                ready.cancel()
                task.result()  # raises what stopped the client
                raise AssertionError("the client stopped before it was ready")
        yield client
    finally:
        await client.close()
        async with asyncio.timeout(10):
            await task


def message_payloads(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every message body the bot sent: responses with data, edits and followups, and its
    own messages in channels and DMs."""
    out: list[dict[str, Any]] = []
    for request in fake.requests:
        body = request.body
        if not isinstance(body, dict):
            continue
        if request.path.endswith("/callback") and body.get("type") in (4, 7):
            out.append(body.get("data") or {})
        elif request.method in ("PATCH", "POST") and (
            request.path.startswith("/webhooks/") or _is_message_path(request.path)
        ):
            out.append(body)
    return out


def _is_message_path(path: str) -> bool:
    parts = path.strip("/").split("/")
    return len(parts) in (3, 4) and parts[0] == "channels" and parts[2] == "messages"


def modal_payloads(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [
        r.body["data"]
        for r in fake.requests
        if r.path.endswith("/callback") and isinstance(r.body, dict) and r.body.get("type") == 9
    ]


def assert_sent_well(fake: FakeDiscord) -> None:
    """Everything the bot sent is within Discord's limits and mentions no one, and each
    interaction got exactly one first response, within 3 s."""
    for body in message_payloads(fake):
        assert message_problems(body) == [], body
        assert body.get("allowed_mentions") == {"parse": []}, body
    for body in modal_payloads(fake):
        assert modal_problems(body) == [], body
    for record in fake.interactions.values():
        assert len(record.responses) <= 1
        assert record.refused == []
        if record.responses:
            assert record.responses[0][2] - record.sent_at < 3.0

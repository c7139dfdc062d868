"""Commands the bot does not know (stale registrations) get a private note, never silence.

After ``ecoute discord sync --guild`` with an older build, or while Discord still shows a
previous version of the global commands, members can send commands whose name or options
this bot no longer has. discord.py then raises CommandNotFound / CommandSignatureMismatch in
its command tree; left alone, the member sees "This interaction failed".
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.bootstrap import Core
from tests.discord.conftest import TOKEN
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import AUTOCOMPLETE, Member
from tests.discord.records import Interaction

CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT, EPHEMERAL = 4, 8, 64
SUB = 1
STALE_EN = (
    "I don’t know this command: Discord is showing you an older version of écoute’s "
    "commands. Reload Discord (Ctrl+R), then try /ecoute start or /ecoute help."
)
STALE_FR = (
    "Je ne connais pas cette commande : Discord vous montre une ancienne version des "
    "commandes d’écoute. Rechargez Discord (Ctrl+R), puis essayez /écoute commencer ou "
    "/écoute aide."
)

STALE: dict[str, tuple[str, list[dict[str, Any]], int]] = {
    "an unknown subcommand": ("ecoute", [{"type": SUB, "name": "share", "options": []}], 1),
    "an unknown command": ("listen", [], 1),
    "the group without a subcommand": ("ecoute", [], 1),
    "lang without its option": ("ecoute", [{"type": SUB, "name": "lang", "options": []}], 1),
    "a user command": ("Check listening", [], 2),
}


def note_of(record: Interaction) -> tuple[int, int, str]:
    kind, data, _ = record.responses[0]
    return kind, int(data.get("flags") or 0) & EPHEMERAL, str(data.get("content"))


@pytest.mark.parametrize(("name", "options", "kind"), STALE.values(), ids=list(STALE))
async def test_a_stale_command_gets_a_private_note(
    core: Core,
    fake: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    name: str,
    options: list[dict[str, Any]],
    kind: int,
) -> None:
    alice = Member(fake, 111, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        payload = alice.command_payload(name, options, kind=kind)
        record = await alice.settle(await fake.send_interaction(payload))
        assert note_of(record) == (CHANNEL_MESSAGE, EPHEMERAL, STALE_EN)
        started = await alice.slash("start")  # and the real commands still work
        assert started.first_type == CHANNEL_MESSAGE
        assert not client.is_closed()
    stale = [r for r in caplog.records if "unknown or outdated command" in r.getMessage()]
    assert len(stale) == 1, caplog.text
    assert stale[0].exc_info is None  # one line, no traceback
    bots = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert payload["token"] not in bots  # (the fake's own access log shows its URLs)
    assert TOKEN not in bots
    assert "Ignoring exception in command" not in bots


async def test_the_note_speaks_the_members_language(core: Core, fake: FakeDiscord) -> None:
    marie = Member(fake, 333, "marie", locale="fr")
    async with running(core, fake):
        payload = marie.command_payload("ecoute", [{"type": SUB, "name": "partager"}])
        record = await marie.settle(await fake.send_interaction(payload))
        assert note_of(record) == (CHANNEL_MESSAGE, EPHEMERAL, STALE_FR)


async def test_the_note_works_in_direct_messages_too(core: Core, fake: FakeDiscord) -> None:
    bob = Member(fake, 222, "bob", locale="en-GB", in_guild=False)
    async with running(core, fake):
        payload = bob.command_payload("ecoute", [{"type": SUB, "name": "share"}])
        record = await bob.settle(await fake.send_interaction(payload))
        assert note_of(record) == (CHANNEL_MESSAGE, EPHEMERAL, STALE_EN)


async def test_autocomplete_for_a_stale_command_gets_no_suggestions(
    core: Core, fake: FakeDiscord
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        typed = [{"type": 3, "name": "network", "value": "fa", "focused": True}]
        options = [{"type": SUB, "name": "share", "options": typed}]
        payload = alice.command_payload("ecoute", options, interaction=AUTOCOMPLETE)
        record = await alice.settle(await fake.send_interaction(payload))
        assert [(kind, data) for kind, data, _ in record.responses] == [
            (AUTOCOMPLETE_RESULT, {"choices": []})
        ]

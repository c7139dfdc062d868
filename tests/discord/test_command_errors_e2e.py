"""Every way a command can go wrong gets a private answer, never a traceback.

Autocomplete requests (écoute has no suggestions: an older registration, or a request naming
no option), option values of another type or range than registered, command data discord.py
can't read, and a command that fails: each is answered — in the member's language — and
logged in one line, and the bot goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.bootstrap import Core
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running
from tests.discord.members import APPLICATION_COMMAND, AUTOCOMPLETE, Member
from tests.discord.records import Interaction
from tests.discord.wire import CHANNEL_ID

CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT, EPHEMERAL = 4, 8, 64
SUB, STRING, INTEGER, BOOLEAN = 1, 3, 4, 5
UNKNOWN_EN = (
    "I don’t know this command: Discord is showing you an older version of écoute’s "
    "commands. Reload Discord (Ctrl+R), then try /ecoute start or /ecoute help."
)


def sub(name: str, *options: tuple[str, int, Any], focused: str = "") -> list[dict[str, Any]]:
    """``/ecoute <name>`` with ``options`` (name, type, value); ``focused`` names the one
    being typed (an autocomplete request)."""
    values = [
        {"type": kind, "name": option, "value": value}
        | ({"focused": True} if option == focused else {})
        for option, kind, value in options
    ]
    return [{"type": SUB, "name": name, "options": values}]


def note(record: Interaction) -> str:
    (kind, data, _), *more = record.responses
    assert not more
    assert (kind, int(data.get("flags") or 0) & EPHEMERAL) == (CHANNEL_MESSAGE, EPHEMERAL)
    return str(data.get("content"))


def no_traceback(caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    """Every log line at ERROR or with a traceback (none expected)."""
    for record in caplog.records:
        if record.levelno >= logging.ERROR or record.exc_info:
            yield f"{record.name}: {record.getMessage()}"


AUTOCOMPLETES = {
    "no focused option": sub("start"),
    "an option without suggestions": sub("export", ("round", INTEGER, "1"), focused="round"),
    "the people of a round": sub("team", ("people", STRING, "<@"), focused="people"),
    "an unknown subcommand": sub("share", ("network", STRING, "fa"), focused="network"),
}


@pytest.mark.parametrize("options", AUTOCOMPLETES.values(), ids=list(AUTOCOMPLETES))
@pytest.mark.parametrize("locale", ["en-US", "fr"])
async def test_autocomplete_gets_no_suggestions(
    core: Core,
    fake: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    options: list[dict[str, Any]],
    locale: str,
) -> None:
    alice = Member(fake, 111, "alice", locale=locale)
    async with running(core, fake) as client:
        payload = alice.command_payload("ecoute", options, interaction=AUTOCOMPLETE)
        record = await alice.settle(await fake.send_interaction(payload))
        assert [(kind, data) for kind, data, _ in record.responses] == [
            (AUTOCOMPLETE_RESULT, {"choices": []})
        ]
        assert (await alice.slash("help")).first_type == CHANNEL_MESSAGE
        assert not client.is_closed()
    assert list(no_traceback(caplog)) == []


def poll_usage(word: str) -> str:
    return (
        f"I didn’t understand “{word}”. Use `/ecoute poll`, optionally with a number of days "
        "(1 to 14), for example `/ecoute poll 5`."
    )


def team_usage(word: str) -> str:
    return (
        f"I didn’t understand “{word}”. Use `/ecoute team`, optionally with `named`, the "
        "people to ask (`@name`) and a deadline in days (`3d`, at most 30)."
    )


NO_ROUND = "I can’t find that team round: it may have been deleted."
EXPORT_USAGE = (
    "Type `/ecoute export` for this channel’s latest round, or `/ecoute export 12` for round 12."
)
WRONG_VALUES = {
    "poll days as text": (sub("poll", ("days", STRING, "x")), poll_usage("x")),
    "poll days out of range": (sub("poll", ("days", INTEGER, 15)), poll_usage("15")),
    "poll days as a boolean": (sub("poll", ("days", BOOLEAN, True)), poll_usage("True")),
    "team days as text": (sub("team", ("days", STRING, "x")), team_usage("x")),
    "team days out of range": (sub("team", ("days", INTEGER, 2**70)), team_usage(str(2**70))),
    "team named as text": (sub("team", ("named", STRING, "yes")), team_usage("yes")),
    "team people as a number": (sub("team", ("people", INTEGER, 5)), team_usage("5")),
    "export a round too large to store": (sub("export", ("round", INTEGER, 2**70)), NO_ROUND),
    "export round 0": (sub("export", ("round", INTEGER, 0)), NO_ROUND),
    "export a round as text": (sub("export", ("round", STRING, "abc")), EXPORT_USAGE),
    "lang as a number": (
        sub("lang", ("language", INTEGER, 5)),
        "> I don’t speak “5” yet. Available: en, fr.",
    ),
}


@pytest.mark.parametrize(("options", "said"), WRONG_VALUES.values(), ids=list(WRONG_VALUES))
async def test_an_option_value_of_another_type_or_range_gets_the_usage(
    core: Core,
    fake: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    options: list[dict[str, Any]],
    said: str,
) -> None:
    alice = Member(fake, 111, "alice")
    async with running(core, fake):
        record = await alice.settle(
            await fake.send_interaction(alice.command_payload("ecoute", options))
        )
        assert note(record).startswith(said)
    assert list(no_traceback(caplog)) == []
    assert fake.channel_messages(CHANNEL_ID) == []  # no round, no poll opened


MALFORMED_DATA = {
    "options that are an object": {"id": "1", "name": "ecoute", "type": 1, "options": {"a": 1}},
    "an option that is null": {"id": "1", "name": "ecoute", "type": 1, "options": [None]},
    "a subcommand's options that are text": {
        "id": "1",
        "name": "ecoute",
        "type": 1,
        "options": [{"type": SUB, "name": "start", "options": "x"}],
    },
    "no name": {"id": "1", "name": None, "type": 1},
}


@pytest.mark.parametrize("data", MALFORMED_DATA.values(), ids=list(MALFORMED_DATA))
async def test_command_data_discord_py_cant_read_gets_the_unknown_command_note(
    core: Core, fake: FakeDiscord, caplog: pytest.LogCaptureFixture, data: dict[str, Any]
) -> None:
    alice = Member(fake, 111, "alice")
    caplog.set_level(logging.INFO)
    async with running(core, fake) as client:
        payload = alice.payload(APPLICATION_COMMAND, data)
        record = await alice.settle(await fake.send_interaction(payload))
        assert note(record) == UNKNOWN_EN
        assert (await alice.slash("help")).first_type == CHANNEL_MESSAGE
        assert not client.is_closed()
    assert list(no_traceback(caplog)) == []
    lines = [r for r in caplog.records if r.name == "adapters.discord.tree"]
    assert len(lines) == 1, caplog.text
    assert lines[0].levelno == logging.WARNING
    assert "\n" not in lines[0].getMessage()
    bots = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert payload["token"] not in bots  # (the fake's own access log shows its URLs)


@pytest.mark.parametrize("locale", ["en-US", "fr"])
async def test_a_command_that_fails_gets_the_error_note_in_the_members_language(
    core: Core, fake: FakeDiscord, caplog: pytest.LogCaptureFixture, locale: str
) -> None:
    """The tree's last resort: a command whose callback raises (here one added for the test,
    as no écoute command lets an error out) is answered privately, and logged once."""
    alice = Member(fake, 111, "alice", locale=locale)
    lang = "fr" if locale == "fr" else "en"
    expected = core.catalog.text(lang, "chat.error")

    async def broken(interaction: discord.Interaction) -> None:
        raise RuntimeError("a bug")

    async with running(core, fake) as client:
        client.tree.add_command(
            app_commands.Command(name="broken", description="x", callback=broken)
        )
        payload = alice.command_payload("broken", [])
        record = await alice.settle(await fake.send_interaction(payload))
        assert note(record) == expected
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failed] == [f"command failed in interaction {payload['id']}"]
    assert "Task exception was never retrieved" not in caplog.text

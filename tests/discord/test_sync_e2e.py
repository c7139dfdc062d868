"""Slash commands are synced once for an unchanged payload, again after a change."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from adapters.discord.cli import sync_now
from adapters.discord.client import configure_endpoints
from adapters.discord.sync import SyncLedger
from bot.bootstrap import Core
from bot.catalog import Catalog
from bot.storage.tables import discord_command_sync as command_sync
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import running


def with_text(catalog: Catalog, lang: str, key: str, text: str) -> Catalog:
    texts = {code: dict(entries) for code, entries in catalog.texts.items()}
    texts[lang][key] = text
    return Catalog(texts, catalog.files, catalog.default_lang)


async def stored_hashes(core: Core) -> dict[str, str]:
    ledger = SyncLedger(core.settings.database_url)
    try:
        async with ledger.engine.connect() as conn:
            rows = await conn.execute(select(command_sync.c.scope, command_sync.c.hash))
            return {scope: digest for scope, digest in rows}
    finally:
        await ledger.close()


async def test_commands_sync_once_then_again_after_a_change(core: Core, fake: FakeDiscord) -> None:
    async with running(core, fake) as client:
        assert client.synced is True
    async with running(core, fake) as client:
        assert client.synced is False
    assert [scope for scope, _ in fake.command_syncs] == ["global"]
    first = await stored_hashes(core)

    changed = dataclasses.replace(
        core,
        catalog=with_text(
            core.catalog, "fr", "discord.command.help.description", "À quoi sert écoute"
        ),
    )
    async with running(changed, fake) as client:
        assert client.synced is True
    async with running(changed, fake) as client:
        assert client.synced is False
    assert [scope for scope, _ in fake.command_syncs] == ["global", "global"]
    assert (await stored_hashes(core))["global"] != first["global"]

    (_, before), (_, after) = fake.command_syncs
    help_before = next(o for o in before[0]["options"] if o["name"] == "help")
    help_after = next(o for o in after[0]["options"] if o["name"] == "help")
    assert help_before["description_localizations"] == {"fr": "Comment fonctionne écoute"}
    assert help_after["description_localizations"] == {"fr": "À quoi sert écoute"}


async def test_the_payload_is_localised_and_usable_in_servers_and_dms(
    core: Core, fake: FakeDiscord
) -> None:
    async with running(core, fake):
        pass
    ((_, payload),) = fake.command_syncs
    (group,) = payload
    assert group["name"] == "ecoute"
    assert group["name_localizations"] == {"fr": "écoute"}
    assert group["contexts"] == [0, 1]
    assert group["integration_types"] == [0]
    names = {o["name"]: o["name_localizations"].get("fr") for o in group["options"]}
    assert names == {
        "start": "commencer",
        "resume": "reprendre",
        "restart": "recommencer",
        "forget": "oublier",
        "help": "aide",
        "lang": "langue",
        "team": "equipe",
        "export": "exporter",
        "poll": "sondage",
        "remind": "rappel",
    }
    lang = next(o for o in group["options"] if o["name"] == "lang")
    (option,) = lang["options"]
    assert [c["value"] for c in option["choices"]] == ["en", "fr"]

    team = next(o for o in group["options"] if o["name"] == "team")
    options = {o["name"]: o for o in team["options"]}
    assert {n: o["name_localizations"] for n, o in options.items()} == {
        "named": {"fr": "nominatif"},
        "people": {"fr": "personnes"},
        "days": {"fr": "jours"},
    }
    assert [(o["type"], o["required"]) for o in options.values()] == [
        (5, False),  # boolean
        (3, False),  # string
        (4, False),  # integer
    ]
    assert (options["days"]["min_value"], options["days"]["max_value"]) == (1, 30)
    export = next(o for o in group["options"] if o["name"] == "export")
    (number,) = export["options"]
    assert (number["name"], number["name_localizations"], number["type"]) == (
        "round",
        {"fr": "tour"},
        4,
    )

    poll = next(o for o in group["options"] if o["name"] == "poll")
    assert poll["type"] == 1  # a subcommand
    (days,) = poll["options"]
    assert (days["name"], days["name_localizations"], days["type"], days["required"]) == (
        "days",
        {"fr": "jours"},
        4,
        False,
    )
    assert (days["min_value"], days["max_value"]) == (1, 14)
    remind = next(o for o in group["options"] if o["name"] == "remind")
    assert remind["type"] == 2  # a subcommand group: /ecoute remind off
    (off,) = remind["options"]
    assert (off["name"], off["type"], off.get("options") or []) == ("off", 1, [])


async def test_sync_on_demand_for_one_guild_is_forced(core: Core, fake: FakeDiscord) -> None:
    configure_endpoints(core.settings)
    assert await sync_now(core, 4242) == 0
    assert await sync_now(core, 4242) == 0
    assert [scope for scope, _ in fake.command_syncs] == ["guild:4242", "guild:4242"]
    assert "guild:4242" in await stored_hashes(core)
    assert not fake.sockets  # logged in over REST only, no gateway


async def test_guild_commands_can_be_removed_again(core: Core, fake: FakeDiscord) -> None:
    configure_endpoints(core.settings)
    await sync_now(core, 4242)
    await sync_now(core, 4242, clear=True)
    assert [(scope, len(body)) for scope, body in fake.command_syncs] == [
        ("guild:4242", 1),
        ("guild:4242", 0),
    ]


async def test_the_ledger_keeps_one_hash_per_scope(db_url: str) -> None:
    ledger = SyncLedger(db_url)
    try:
        assert await ledger.stored("global") is None
        await ledger.record("global", "a" * 64)
        await ledger.record("guild:1", "b" * 64)
        await ledger.record("global", "c" * 64)
        assert await ledger.stored("global") == "c" * 64
        assert await ledger.stored("guild:1") == "b" * 64
    finally:
        await ledger.close()

"""The écoute Discord client: minimal intents, no mentions, restart-proof components."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy.exc import SQLAlchemyError

from adapters.discord.commands import CatalogTranslator, build_group
from adapters.discord.components import (
    EcouteButton,
    EcouteChannelSelect,
    EcouteSelect,
    known_shape,
)
from adapters.discord.escape import discord_escape
from adapters.discord.followups import Followups
from adapters.discord.guard import guard_frames, guard_parsers
from adapters.discord.handlers import Handler
from adapters.discord.ids import FOLLOWUP_ACTIONS, TEAM_ACTIONS, CustomId, is_ours, outdated_lang
from adapters.discord.modal import MODAL_ID, persistent_modal
from adapters.discord.rounds import SWEEP_EVERY, Rounds
from adapters.discord.sync import SyncLedger, sync_commands
from adapters.discord.team import TeamHandler
from adapters.discord.texts import Texts
from adapters.discord.tree import EcouteTree
from bot.bootstrap import Core
from bot.settings import Settings

log = logging.getLogger(__name__)


def minimal_intents() -> discord.Intents:
    """Interactions need no intent; ``guilds`` keeps discord.py's guild cache sound."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at ``DISCORD_API_URL`` / ``DISCORD_GATEWAY_URL`` when they are set."""
    if settings.discord_api_url:
        Route.BASE = settings.discord_api_url.rstrip("/")
    if settings.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def application_id(settings: Settings) -> int | None:
    """``DISCORD_APPLICATION_ID``, else the bot's id, which a bot token starts with."""
    if settings.discord_application_id.isdigit():
        return int(settings.discord_application_id)
    head = settings.discord_token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


class EcouteClient(discord.Client):
    """Registers the dynamic components, the persistent modal and ``/ecoute`` at start, and
    syncs the commands when their payload changed (``auto_sync``). Once connected, sweeps the
    team rounds and what is due (polls to close, check-ins, reminders) every ``sweep_every``
    seconds (``None``: never; tests call ``client.rounds.sweep()`` and
    ``client.followups.sweep_once()`` themselves)."""

    def __init__(
        self,
        core: Core,
        *,
        auto_sync: bool = True,
        budget: float = 2.0,
        sweep_every: float | None = SWEEP_EVERY,
        **options: Any,
    ) -> None:
        app_id = application_id(core.settings)
        if app_id is not None:
            options.setdefault("application_id", app_id)
        super().__init__(
            intents=minimal_intents(), allowed_mentions=discord.AllowedMentions.none(), **options
        )
        guard_parsers(self._connection.parsers)  # a malformed event must not end the process
        guard_frames(self._connection)  # nor a malformed frame the gateway session
        self.core = core
        self.texts = Texts(core.catalog)
        self.service = core.service(escape=discord_escape)
        self.handler = Handler(self.service, core.schema, self.texts, budget=budget)
        self.team = core.team(self.service)
        self.rounds = Rounds(self, self.team, self.texts)
        self.team_handler = TeamHandler(self.team, self.rounds, self.handler, self.texts)
        self.handler.after = self.team_handler
        self.followups = Followups(
            self,
            self.handler,
            core.poll_service(self.service),
            core.checkins(self.service),
            core.scheduler(),
            self.texts,
            remind_after=core.settings.remind_after,
            retention_days=core.settings.retention_days,
        )
        self.handler.extras = self.followups.verdict_extras
        self.tree: app_commands.CommandTree[EcouteClient] = EcouteTree(self, self.texts)
        self.auto_sync = auto_sync
        self.synced: bool | None = None
        """After start: whether the commands were synced (None: not attempted or failed)."""
        self.sweep_every = sweep_every
        self._sweepers: list[asyncio.Task[None]] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(EcouteButton, EcouteSelect, EcouteChannelSelect)
        self.add_view(persistent_modal(self.texts))
        await self.tree.set_translator(CatalogTranslator(self.texts))
        group = build_group(
            self.texts,
            self.handler.command,
            on_team=self.team_handler.command,
            on_export=self.team_handler.export,
            on_poll=self.followups.command_poll,
            on_remind_off=self.followups.command_remind_off,
        )
        self.tree.add_command(group)
        if self.auto_sync:
            ledger = SyncLedger(self.core.settings.database_url)
            try:
                self.synced = await sync_commands(self.tree, ledger)
            except (discord.HTTPException, SQLAlchemyError, OSError):
                log.exception("could not sync the slash commands; the previous ones stay")
            finally:
                await ledger.close()

    async def connect(self, *, reconnect: bool = True) -> None:
        """The gateway connection, and the sweeps beside it — team rounds, what is due (a
        client that only logs in over REST, like ``ecoute discord sync``, never sweeps)."""
        if self.sweep_every is not None and not self._sweepers:
            loop = asyncio.get_running_loop()
            self._sweepers = [
                loop.create_task(self.rounds.sweep_forever(self.sweep_every), name="ecoute-sweep"),
                loop.create_task(
                    self.followups.sweep_forever(self.sweep_every), name="ecoute-sweep-due"
                ),
            ]
        await super().connect(reconnect=reconnect)

    async def close(self) -> None:
        sweepers, self._sweepers = self._sweepers, []
        for sweeper in sweepers:
            sweeper.cancel()
        if sweepers:
            await asyncio.wait(sweepers)
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s (%d servers)", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A click or a form with an écoute custom_id of no shape this version knows (a
        message from an older one, or a component of another type than its id says): it
        matches no component, and discord.py would leave it unanswered."""
        data: Any = interaction.data if isinstance(interaction.data, dict) else {}
        custom_id = data.get("custom_id")
        if not isinstance(custom_id, str) or not is_ours(custom_id):
            return
        if interaction.type is discord.InteractionType.component:
            if known_shape(data.get("component_type"), custom_id):
                return
        elif interaction.type is not discord.InteractionType.modal_submit or custom_id == MODAL_ID:
            return
        log.info("an out-of-date component in interaction %s: %.100s", interaction.id, custom_id)
        await self.handler.outdated(interaction, outdated_lang(custom_id))

    async def on_ecoute_component(
        self, interaction: discord.Interaction[Any], custom_id: CustomId, values: list[str]
    ) -> None:
        if custom_id.action in TEAM_ACTIONS:
            await self.team_handler.component(interaction, custom_id)
        elif custom_id.action in FOLLOWUP_ACTIONS:
            await self.followups.component(interaction, custom_id, values)
        else:
            await self.handler.component(interaction, custom_id, values)

    async def on_ecoute_modal(
        self, interaction: discord.Interaction[Any], custom_id: CustomId | None, value: str
    ) -> None:
        await self.handler.modal(interaction, custom_id, value)


class ShardedEcouteClient(EcouteClient, discord.AutoShardedClient):
    """:class:`EcouteClient` over several gateway connections (``DISCORD_SHARDS=auto``): the
    shard count is the one ``GET /gateway/bot`` recommends. Discord requires it from 2,500
    servers."""


def new_client(core: Core, **options: Any) -> EcouteClient:
    """The client ``DISCORD_SHARDS`` asks for: sharded when ``auto``, a plain one otherwise."""
    if core.settings.discord_shards == "auto":
        return ShardedEcouteClient(core, **options)
    return EcouteClient(core, **options)

"""The slash-command tree: commands it cannot run still get an answer.

Discord may send a command this bot no longer has — a subcommand renamed or removed, options
that changed — while an older registration is still shown (global commands take a while to
update; a ``sync --guild`` copy lingers until cleared). discord.py's tree then raises
CommandNotFound / CommandSignatureMismatch and, by default, only logs a traceback: the member
sees "This interaction failed". :class:`EcouteTree` answers with a private note instead.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import discord
from discord import app_commands

from adapters.discord.exchange import Exchange
from adapters.discord.texts import Texts

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)

STALE = (
    app_commands.CommandNotFound,
    app_commands.CommandSignatureMismatch,
    app_commands.TransformerError,
)
"""What a command registered by another version of écoute raises here."""


class EcouteTree(app_commands.CommandTree[ClientT]):
    """A CommandTree whose errors become a private note in the member's language."""

    def __init__(self, client: ClientT, texts: Texts) -> None:
        super().__init__(client)
        self.texts = texts

    async def on_error(
        self, interaction: discord.Interaction[ClientT], error: app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error, STALE):
            log.warning(
                "unknown or outdated command in interaction %s: %s "
                "(`ecoute discord sync` registers the current ones)",
                interaction.id,
                stale_what(error),
            )
            key = "unknown_command"
        else:
            log.error("command failed in interaction %s", interaction.id, exc_info=error)
            key = "error"
        await answer(interaction, self.texts.text(self.texts.pick(locale(interaction)), key))


def stale_what(error: app_commands.AppCommandError) -> str:
    """What did not match, in a few words (the library's own messages run long)."""
    if isinstance(error, app_commands.CommandNotFound):
        return "no command /" + " ".join([*error.parents, error.name])
    if isinstance(error, app_commands.CommandSignatureMismatch):
        return f"other options for /{error.command.qualified_name}"
    if isinstance(error, app_commands.TransformerError):
        return f"an option value that is not a {error.type.name}"
    return type(error).__name__


def locale(interaction: discord.Interaction[Any]) -> str:
    return str(interaction.locale.value)


async def answer(interaction: discord.Interaction[Any], text: str) -> None:
    """A private note; an autocomplete request can only get (no) suggestions."""
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        await Exchange(interaction).notice(text)
    except discord.HTTPException as exc:
        log.warning("could not answer interaction %s: %s", interaction.id, exc)

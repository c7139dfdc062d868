"""The slash-command tree: commands it cannot run still get an answer.

Discord may send a command this bot no longer has — a subcommand renamed or removed, options
that changed — while an older registration is still shown (global commands take a while to
update; a ``sync --guild`` copy lingers until cleared). discord.py's tree then raises
CommandNotFound / CommandSignatureMismatch and, by default, only logs a traceback: the member
sees "This interaction failed". :class:`EcouteTree` answers with a private note instead.

The same for what discord.py's tree does not foresee: écoute offers no suggestions, so every
autocomplete request (an older registration's, or one naming no option) gets an empty list;
command data it cannot read (``options`` that are not a list of objects) gets the "unknown
command" note and one warning line; and any other failure gets the core's "something went
wrong" — the error handler itself never raises.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import discord
from discord import app_commands

from adapters.discord.exchange import Exchange
from adapters.discord.guard import MALFORMED
from adapters.discord.texts import Texts

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)

STALE = (
    app_commands.CommandNotFound,
    app_commands.CommandSignatureMismatch,
    app_commands.TransformerError,
)
"""What a command registered by another version of écoute raises here."""
ERROR = "chat.error"
"""The core's "something went wrong on my side" (``prompts/<lang>/chat.toml``)."""


class EcouteTree(app_commands.CommandTree[ClientT]):
    """A CommandTree whose errors become a private note in the member's language."""

    def __init__(self, client: ClientT, texts: Texts) -> None:
        super().__init__(client)
        self.texts = texts

    async def interaction_check(self, interaction: discord.Interaction[ClientT], /) -> bool:
        """Autocomplete requests are answered here, with no suggestions: no écoute option
        has any, so the request comes from an older registration (or names no option)."""
        if interaction.type is discord.InteractionType.autocomplete:
            log.debug("no suggestions for interaction %s", interaction.id)
            await answer(interaction, "")
            return False
        return True

    async def _call(self, interaction: discord.Interaction[ClientT]) -> None:
        """discord.py's dispatch, with command data it cannot read dropped: its tree reads
        ``data.options`` before any check, and what it raises there (an AttributeError on
        options that are not objects) would otherwise end its task with a traceback."""
        try:
            await super()._call(interaction)
        except MALFORMED as exc:
            log.warning(
                "dropped malformed command data in interaction %s: %s: %.200s",
                interaction.id,
                type(exc).__name__,
                str(exc).replace("\n", " "),
            )
            await answer(interaction, self._text(interaction, "discord.unknown_command"))

    async def on_error(
        self, interaction: discord.Interaction[ClientT], error: app_commands.AppCommandError, /
    ) -> None:
        try:
            if isinstance(error, STALE):
                log.warning(
                    "unknown or outdated command in interaction %s: %s "
                    "(`ecoute discord sync` registers the current ones)",
                    interaction.id,
                    stale_what(error),
                )
                key = "discord.unknown_command"
            else:
                log.error("command failed in interaction %s", interaction.id, exc_info=error)
                key = ERROR
            await answer(interaction, self._text(interaction, key))
        except Exception:  # the safety net must hold: never a task that dies unanswered
            log.exception("the error of interaction %s could not be answered", interaction.id)

    def _text(self, interaction: discord.Interaction[Any], key: str) -> str:
        return self.texts.core(self.texts.pick(locale(interaction)), key)


def stale_what(error: app_commands.AppCommandError) -> str:
    """What did not match, in a few words (the library's own messages run long)."""
    if isinstance(error, app_commands.CommandNotFound):
        return "no command /" + " ".join(str(name) for name in [*error.parents, error.name])
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

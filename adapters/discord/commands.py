"""``/ecoute start|resume|restart|lang|forget|help|team|export|poll|remind off``, named and
described in every language.

Names and descriptions come from ``prompts/<lang>/discord.toml`` (``[command]``): the
reference language gives the default texts, and :class:`CatalogTranslator` gives Discord the
others as localisations.

Discord checks option values against the registration it shows, which may be an older one
(another type, another range), and discord.py passes them on as they came: each value is
checked here against what this version registers, and one it does not allow reaches the
command as :class:`Unusable` (the command then answers with its usage).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

from adapters.discord.texts import Texts
from bot.catalog import REFERENCE_LANG
from bot.chat import Forget
from bot.events import Event, Help, Restart, SetLanguage, Start
from bot.poll import MAX_DAYS as POLL_MAX_DAYS
from bot.validation import ECHOED, echoed

OnCommand = Callable[[discord.Interaction[Any], Event | Forget], Awaitable[None]]
"""The handler: the event for the core, or :class:`Forget`."""


@dataclass(frozen=True, slots=True)
class Unusable:
    """An option value this version's registration does not allow (see the module
    docstring), as the member gave it."""

    word: str
    whole: bool = False
    """A whole number out of the range (rather than a value of another type)."""


@dataclass(frozen=True, slots=True)
class TeamOptions:
    """What ``/ecoute team`` was given (``None``: left out; ``unusable``: the first value
    that is not of its option's type or range)."""

    named: bool | None = None
    people: str | None = None
    days: int | None = None
    unusable: Unusable | None = None


OnTeam = Callable[[discord.Interaction[Any], TeamOptions], Awaitable[None]]
OnExport = Callable[[discord.Interaction[Any], int | Unusable | None], Awaitable[None]]
OnPoll = Callable[[discord.Interaction[Any], int | Unusable | None], Awaitable[None]]
"""``/ecoute poll [days]`` (``None``: left out)."""
OnRemindOff = Callable[[discord.Interaction[Any]], Awaitable[None]]
MAX_DAYS = 30
MAX_ID = 2**63 - 1
"""The largest id a database stores (SQLite's INTEGER, PostgreSQL's BIGINT)."""


def whole_number(value: object, low: int, high: int) -> int | Unusable | None:
    """``value`` when it is a whole number from ``low`` to ``high``; ``None`` left out."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if low <= value <= high else Unusable(echoed(value), whole=True)
    return Unusable(echoed(value))


def team_options(named: object, people: object, days: object) -> TeamOptions:
    """``/ecoute team``'s options, each checked against its type and range."""
    checked = whole_number(days, 1, MAX_DAYS)
    for value, kind in ((named, bool), (people, str)):
        if value is not None and not isinstance(value, kind):
            return TeamOptions(unusable=Unusable(echoed(value)))
    if isinstance(checked, Unusable):
        return TeamOptions(unusable=checked)
    return TeamOptions(
        named if isinstance(named, bool) else None,
        people if isinstance(people, str) else None,
        checked,
    )


SUBCOMMANDS: dict[str, Event | Forget] = {
    "start": Start(),
    "resume": Start(),
    "restart": Restart(),
    "forget": Forget(),
    "help": Help(),
}


class CatalogTranslator(app_commands.Translator):
    """Localised command names, descriptions and choices from ``discord.toml``."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        lang = language_of(locale, self.texts.languages)
        if not isinstance(key, str) or lang is None:
            return None
        text = self.texts.plain(lang, key)
        return None if text == string.message else text


def language_of(locale: discord.Locale, languages: tuple[str, ...]) -> str | None:
    """The catalog language for a Discord locale, only when there is a real match."""
    tag = str(locale.value)
    if tag in languages:
        return tag
    short = tag.split("-")[0]
    return short if short in languages else None


def build_group(
    texts: Texts,
    on_command: OnCommand,
    *,
    on_team: OnTeam | None = None,
    on_export: OnExport | None = None,
    on_poll: OnPoll | None = None,
    on_remind_off: OnRemindOff | None = None,
) -> app_commands.Group:
    """The ``/ecoute`` group, usable in servers and in the bot's DMs (``team``, ``export``,
    ``poll`` and ``remind off`` when their handlers are given: ``team`` and ``poll`` answer
    in DMs that they need a server)."""

    def text(key: str) -> locale_str:
        return locale_str(texts.plain(REFERENCE_LANG, f"command.{key}"), key=f"command.{key}")

    group = app_commands.Group(
        name=text("name"),
        description=text("description"),
        allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )
    for name, event in SUBCOMMANDS.items():
        group.add_command(
            app_commands.Command(
                name=text(f"{name}.name"),
                description=text(f"{name}.description"),
                callback=_simple(on_command, event),
            )
        )

    async def lang(interaction: discord.Interaction, language: str) -> None:
        await on_command(interaction, SetLanguage(str(language)[:ECHOED]))  # the core says which

    choices = [
        Choice(name=locale_str(texts.plain(code, f"language.{code}")), value=code)
        for code in texts.languages
    ]
    lang = app_commands.choices(language=choices)(lang)
    lang = app_commands.describe(language=text("lang.option_description"))(lang)
    lang = app_commands.rename(language=text("lang.option"))(lang)
    group.add_command(
        app_commands.Command(
            name=text("lang.name"), description=text("lang.description"), callback=lang
        )
    )
    if on_team is not None:
        group.add_command(_team_command(text, on_team))
    if on_export is not None:
        group.add_command(_export_command(text, on_export))
    if on_poll is not None:
        group.add_command(_poll_command(text, on_poll))
    if on_remind_off is not None:
        group.add_command(_remind_group(text, on_remind_off))
    return group


def _team_command(
    text: Callable[[str], locale_str], on_team: OnTeam
) -> app_commands.Command[Any, Any, None]:
    async def team(
        interaction: discord.Interaction,
        named: bool | None = None,
        people: str | None = None,
        days: app_commands.Range[int, 1, MAX_DAYS] | None = None,
    ) -> None:
        await on_team(interaction, team_options(named, people, days))

    options = ("named", "people", "days")
    team = app_commands.describe(**{o: text(f"team.{o}.description") for o in options})(team)
    team = app_commands.rename(**{o: text(f"team.{o}.option") for o in options})(team)
    return app_commands.Command(
        name=text("team.name"), description=text("team.description"), callback=team
    )


def _export_command(
    text: Callable[[str], locale_str], on_export: OnExport
) -> app_commands.Command[Any, Any, None]:
    async def export(
        interaction: discord.Interaction,
        round_id: app_commands.Range[int, 1] | None = None,
    ) -> None:
        await on_export(interaction, whole_number(round_id, 1, MAX_ID))

    export = app_commands.describe(round_id=text("export.round.description"))(export)
    export = app_commands.rename(round_id=text("export.round.option"))(export)
    return app_commands.Command(
        name=text("export.name"), description=text("export.description"), callback=export
    )


def _poll_command(
    text: Callable[[str], locale_str], on_poll: OnPoll
) -> app_commands.Command[Any, Any, None]:
    async def poll(
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, POLL_MAX_DAYS] | None = None,
    ) -> None:
        await on_poll(interaction, whole_number(days, 1, POLL_MAX_DAYS))

    poll = app_commands.describe(days=text("poll.days.description"))(poll)
    poll = app_commands.rename(days=text("poll.days.option"))(poll)
    return app_commands.Command(
        name=text("poll.name"), description=text("poll.description"), callback=poll
    )


def _remind_group(text: Callable[[str], locale_str], on_off: OnRemindOff) -> app_commands.Group:
    """``/ecoute remind off``: a group of one, so that the command reads as the core says it."""

    async def off(interaction: discord.Interaction) -> None:
        await on_off(interaction)

    group = app_commands.Group(name=text("remind.name"), description=text("remind.description"))
    group.add_command(
        app_commands.Command(
            name=text("remind.off.name"), description=text("remind.off.description"), callback=off
        )
    )
    return group


def _simple(
    on_command: OnCommand, event: Event | Forget
) -> Callable[[discord.Interaction], Coroutine[Any, Any, None]]:
    async def callback(interaction: discord.Interaction) -> None:
        await on_command(interaction, event)

    return callback

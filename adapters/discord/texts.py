"""The adapter's own texts: ``prompts/<lang>/discord.toml`` and the shared ``[ui]`` labels."""

from __future__ import annotations

from adapters.discord.escape import discord_escape, plain_label
from bot.catalog import Catalog, plain


class Texts:
    """Localised texts for Discord layouts.

    Values given to :meth:`layout` must already be escaped (they come from a view); values
    given to :meth:`message` are raw and get escaped here.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @property
    def languages(self) -> tuple[str, ...]:
        return self.catalog.languages

    def pick(self, locale: str | None) -> str:
        return self.catalog.pick(locale)

    def label(self, lang: str, key: str) -> str:
        """A shared UI label (``interview.ui.<key>``) for a button or a placeholder."""
        return plain_label(self.catalog.text(lang, f"interview.ui.{key}"))

    def plain(self, lang: str, key: str, **values: object) -> str:
        """``discord.<key>`` for places without markdown (labels, modals, command texts)."""
        return plain_label(self.catalog.text(lang, f"discord.{key}", plain, **values))

    def layout(self, lang: str, key: str, **escaped: object) -> str:
        """``discord.<key>`` around values that are already escaped for Discord."""
        return self.catalog.text(lang, f"discord.{key}", plain, **escaped)

    def message(self, lang: str, key: str, **raw: object) -> str:
        """``discord.<key>`` with raw values, escaped for Discord markdown."""
        return self.catalog.text(lang, f"discord.{key}", discord_escape, **raw)

    def core(self, lang: str, key: str) -> str:
        """A core text without values (``interview.notice.forgotten``)."""
        return self.catalog.text(lang, key, discord_escape)

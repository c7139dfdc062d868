"""The adapter's own texts: ``prompts/<lang>/discord.toml`` and the shared ``[ui]`` labels."""

from __future__ import annotations

from adapters.discord.escape import discord_escape, plain_label
from bot.catalog import Catalog, plain


class Texts:
    """Localised texts for Discord, with the Slack adapter's vocabulary: :meth:`text` escapes
    raw values, :meth:`trusted` prints values already escaped (they come from a view),
    :meth:`ui` is a shared button label, :meth:`core` any core text; :meth:`plain` is for the
    places Discord shows without markdown (labels, modals, command texts).
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @property
    def languages(self) -> tuple[str, ...]:
        return self.catalog.languages

    def pick(self, locale: str | None) -> str:
        return self.catalog.pick(locale)

    def ui(self, lang: str, key: str) -> str:
        """A shared UI label (``interview.ui.<key>``) for a button or a placeholder."""
        return plain_label(self.catalog.text(lang, f"interview.ui.{key}"))

    def plain(self, lang: str, key: str, **values: object) -> str:
        """``discord.<key>`` for places without markdown (labels, modals, command texts)."""
        return plain_label(self.catalog.text(lang, f"discord.{key}", plain, **values))

    def trusted(self, lang: str, key: str, **escaped: object) -> str:
        """``discord.<key>`` around values that are already escaped for Discord."""
        return self.catalog.text(lang, f"discord.{key}", plain, **escaped)

    def text(self, lang: str, key: str, **raw: object) -> str:
        """``discord.<key>`` with raw values, escaped for Discord markdown."""
        return self.catalog.text(lang, f"discord.{key}", discord_escape, **raw)

    def core(self, lang: str, key: str) -> str:
        """A core text without values (``interview.notice.forgotten``)."""
        return self.catalog.text(lang, key, discord_escape)

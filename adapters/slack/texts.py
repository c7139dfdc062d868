"""Slack-side texts: ``prompts/<lang>/slack.toml`` and the shared ``interview.ui`` labels."""

from __future__ import annotations

from typing import Any

from adapters.slack.escape import slack_mrkdwn_escape
from bot.catalog import Catalog, plain


class Texts:
    """Texts in one language, rendered for Slack.

    :meth:`text` escapes every value (raw user data is safe there); :meth:`trusted` prints
    values as they are, for strings the core already escaped and ids checked by
    :func:`adapters.slack.escape.mention` / :func:`~adapters.slack.escape.channel_link`.
    """

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog = catalog
        self.lang = lang if lang in catalog.languages else catalog.default_lang

    def text(self, key: str, /, **values: Any) -> str:
        """``slack.<key>`` with every value escaped."""
        return self.catalog.text(self.lang, f"slack.{key}", slack_mrkdwn_escape, **values)

    def trusted(self, key: str, /, **values: Any) -> str:
        """``slack.<key>`` with values printed as given (already escaped or checked ids)."""
        return self.catalog.text(self.lang, f"slack.{key}", plain, **values)

    def ui(self, key: str) -> str:
        """A shared button label (``interview.ui.<key>``)."""
        return self.catalog.text(self.lang, f"interview.ui.{key}", slack_mrkdwn_escape)

    def core(self, key: str, /, **values: Any) -> str:
        """Any core text (``interview.notice.forgotten``) with escaped values."""
        return self.catalog.text(self.lang, key, slack_mrkdwn_escape, **values)

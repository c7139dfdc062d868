"""The errors écoute can meet. Those a user can meet carry a message key in ``prompts/``."""

from __future__ import annotations


class EcouteError(Exception):
    """Base class for écoute's own errors."""


class ConfigError(EcouteError):
    """Missing or contradictory settings: the message says what to set. Stops the start."""


class NoConversation(EcouteError):
    """An event for a conversation that is not there (forgotten, or never begun), where the
    caller asked not to begin one: a click on the message of an interview since deleted."""


class InvalidAnswer(EcouteError):
    """An answer that does not fit its question. ``key`` names the message in ``prompts/``."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

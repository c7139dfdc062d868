"""The ``custom_id`` grammar of every écoute component.

``ec:<action>:<lang>:<user>:<question>:<choice>`` — enough to find the conversation after a
restart (the guild comes with the interaction, the user is checked against the clicker), the
language to answer in without reading the database (a modal must be the first response), the
question the component belongs to (the core's stale-click check) and, last, the schema's
choice id (empty where a component is not a choice: the values of a select carry them).
Ids are schema ids, so the whole stays far below Discord's 100 characters (checked anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "ec"


class Action(StrEnum):
    """What a component does; one letter keeps custom_ids short."""

    CHOICE = "a"  # a button answering with its choice id (one / scale)
    NONE = "n"  # "none of these" for a several-choices question
    SELECT = "m"  # a select answering with its values (choice ids)
    TYPE = "t"  # opens the modal to type a text or a number
    BACK = "b"
    RESTART = "r"
    CONFIRM = "k"
    EDIT = "e"  # a select of question ids (review)
    SHARE = "s"  # post the verdict publicly in the channel
    OWN = "o"  # on a shared verdict: anyone starts their own interview
    FIELD = "v"  # the modal's text input


BUTTON_ACTIONS = "".join(
    a.value for a in (Action.CHOICE, Action.NONE, Action.TYPE, Action.BACK, Action.RESTART)
) + "".join(a.value for a in (Action.CONFIRM, Action.SHARE, Action.OWN))
SELECT_ACTIONS = Action.SELECT.value + Action.EDIT.value

_FIELDS = (
    r":(?P<lang>[a-z]{2,3}(?:-[A-Z]{2})?)"
    r":(?P<user>\d{1,20})"
    r":(?P<question>[A-Za-z0-9_.]{0,60})"
    r":(?P<choice>[A-Za-z0-9_]{0,40})"
)
BUTTON_TEMPLATE = rf"{PREFIX}:(?P<action>[{BUTTON_ACTIONS}]){_FIELDS}"
SELECT_TEMPLATE = rf"{PREFIX}:(?P<action>[{SELECT_ACTIONS}]){_FIELDS}"
FIELD_TEMPLATE = rf"{PREFIX}:(?P<action>{Action.FIELD.value}){_FIELDS}"
_ANY = re.compile(rf"{PREFIX}:(?P<action>[a-z]){_FIELDS}")

ANYONE = "0"
"""The user field of components anyone may use (the shared verdict's button)."""


@dataclass(frozen=True, slots=True)
class CustomId:
    action: Action
    lang: str
    user: str
    question: str = ""
    choice: str = ""

    def __str__(self) -> str:
        return ":".join(
            (PREFIX, self.action.value, self.lang, self.user, self.question, self.choice)
        )

    def belongs_to(self, user_id: int) -> bool:
        return self.user in (ANYONE, str(user_id))


def parse(custom_id: str) -> CustomId | None:
    """The parts of an écoute ``custom_id``, or ``None`` for anything else."""
    match = _ANY.fullmatch(custom_id)
    return None if match is None else from_match(match)


def from_match(match: re.Match[str]) -> CustomId | None:
    try:
        action = Action(match["action"])
    except ValueError:
        return None
    return CustomId(action, match["lang"], match["user"], match["question"], match["choice"])

"""The ``custom_id`` grammar of every écoute component.

``ec:<action>:<lang>:<user>:<question>:<choice>`` — enough to find the conversation after a
restart (the guild comes with the interaction, the user is checked against the clicker), the
language to answer in without reading the database (a modal must be the first response), the
question the component belongs to (the core's stale-click check) and, last, the schema's
choice id (empty where a component is not a choice: the values of a select carry them).
Ids are schema ids, so the whole stays far below Discord's 100 characters (checked anyway).

Back, Change (the select of answers), Start again and Confirm carry the view they are on in
the question field — the question's id, ``review`` or ``verdict``
(:func:`bot.conversation.view_key`): the core then refuses a click from any view but the
live one. Ids made before that (``ec:b:en:111::``) still parse; the view they lack makes
them out of date (:attr:`CustomId.viewless`), and so is an ``ec:`` id of no known shape
(:func:`outdated_lang`).

Team round buttons use the same grammar: the choice field holds the round's id and the
question field the guild's id on buttons that may be clicked in a direct message (the
invitation), where the interaction itself names no guild. Buttons in a guild channel ignore
that field: the guild always comes from the interaction there, so an id taken from another
guild finds nothing.

Follow-up components (:mod:`adapters.discord.followups`) too: on a poll's message the choice
field holds the poll's id (``ec:p:`` the vote, a select; ``ec:l:`` Close); under a verdict,
``ec:w:`` asks the audience (it opens ``ec:i:``, a channel select) and ``ec:y:`` books the
check-in in ``<choice>`` weeks; in a direct message ``ec:f:`` answers a check-in with
``<bucket>_<network>``. Those that may be clicked in a direct message carry the conversation's
workspace (a guild's id, or ``dm``) in the question field, like the team invitations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.conversation import Phase

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
    JOIN = "j"  # a team round: take part (on the round's message, anyone)
    CLOSE = "c"  # a team round: close and report (on the round's message, anyone)
    USE = "u"  # a team round: count the verdict I have
    REDO = "g"  # a team round: answer again (restart the interview)
    DECLINE = "x"  # a team round: not this time
    VOTE = "p"  # a poll: a respondent's whole selection (a select, anyone)
    END = "l"  # a poll: close it (anyone may click; the core lets only its owner)
    ASK = "w"  # under a verdict: ask your audience (opens the channel picker)
    WHERE = "i"  # the channel picker (a channel select): post the poll there
    BOOK = "y"  # under a verdict: book the check-in in <choice> weeks
    CHECK = "f"  # a check-in's answer, in a DM: <bucket>_<network>


TEAM_ACTIONS = frozenset({Action.JOIN, Action.CLOSE, Action.USE, Action.REDO, Action.DECLINE})
FOLLOWUP_ACTIONS = frozenset(
    {Action.VOTE, Action.END, Action.ASK, Action.WHERE, Action.BOOK, Action.CHECK}
)


BUTTON_ACTIONS = (
    "".join(a.value for a in (Action.CHOICE, Action.NONE, Action.TYPE, Action.BACK))
    + "".join(a.value for a in (Action.RESTART, Action.CONFIRM, Action.SHARE, Action.OWN))
    + "".join(sorted(a.value for a in TEAM_ACTIONS))
    + "".join(a.value for a in (Action.END, Action.ASK, Action.BOOK, Action.CHECK))
)
SELECT_ACTIONS = Action.SELECT.value + Action.EDIT.value + Action.VOTE.value
CHANNEL_ACTIONS = Action.WHERE.value

_FIELDS = (
    r":(?P<lang>[a-z]{2,3}(?:-[A-Z]{2})?)"
    r":(?P<user>\d{1,20})"
    r":(?P<question>[A-Za-z0-9_.]{0,60})"
    r":(?P<choice>[A-Za-z0-9_]{0,40})"
)
BUTTON_TEMPLATE = rf"{PREFIX}:(?P<action>[{BUTTON_ACTIONS}]){_FIELDS}"
SELECT_TEMPLATE = rf"{PREFIX}:(?P<action>[{SELECT_ACTIONS}]){_FIELDS}"
CHANNEL_TEMPLATE = rf"{PREFIX}:(?P<action>[{CHANNEL_ACTIONS}]){_FIELDS}"
FIELD_TEMPLATE = rf"{PREFIX}:(?P<action>{Action.FIELD.value}){_FIELDS}"
_ANY = re.compile(rf"{PREFIX}:(?P<action>[a-z]){_FIELDS}")

ANYONE = "0"
"""The user field of components anyone may use (the shared verdict's button)."""

REVIEW, VERDICT = Phase.REVIEW.value, Phase.VERDICT.value
"""The view field of the review's and the verdict's components (a question's id on a
question's)."""
VIEW_ACTIONS = frozenset({Action.BACK, Action.EDIT, Action.RESTART})
"""The interview's components whose events carry their view: the core refuses a click
from any view but the live one (Confirm says ``review`` too, for the record: the core
accepts it only on the review anyway)."""
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?")


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

    @property
    def view(self) -> str:
        """The view a Back, Change, Start again or Confirm was on (``""``: made before they
        said, see :func:`viewless`)."""
        return self.question

    @property
    def viewless(self) -> bool:
        """A Back, Change or Start again from before they carried their view: which view
        it was on can't be told, so it is out of date."""
        return self.action in VIEW_ACTIONS and not self.view

    @property
    def round_id(self) -> int | None:
        """The team round a team button is about (``None`` on any other component)."""
        if self.action not in TEAM_ACTIONS or not self.choice.isdigit():
            return None
        return int(self.choice)


def team_id(
    action: Action, lang: str, round_id: int, *, user: str = ANYONE, guild: str = ""
) -> CustomId:
    """A team round button: ``ec:<action>:<lang>:<user>:<guild>:<round>``."""
    return CustomId(action, lang, user, guild, str(round_id))


def followup_id(
    action: Action, lang: str, *, user: str = ANYONE, workspace: str = "", value: str = ""
) -> CustomId:
    """A follow-up component: ``ec:<action>:<lang>:<user>:<workspace>:<value>``."""
    return CustomId(action, lang, user, workspace, value)


def is_ours(custom_id: object) -> bool:
    """Whether a custom_id is écoute's, whatever its shape (``ec:…``)."""
    return isinstance(custom_id, str) and custom_id.startswith(f"{PREFIX}:")


def outdated_lang(custom_id: str) -> str | None:
    """The language field of an écoute custom_id of no known shape, when it still has one
    (``ec:z:fr:…`` -> ``fr``): what to answer it in."""
    parts = custom_id.split(":")
    if len(parts) > 2 and _LANG.fullmatch(parts[2]):
        return parts[2]
    return None


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

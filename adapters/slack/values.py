"""Ids carried by Slack elements: action ids, callback ids and element values.

Every choice element's value ends with the schema choice id as its last ``:`` field
(``a:<question_id>:<choice_id>``), so a click names exactly what was answered and the core
can tell a stale click from a current one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

ANSWER = "ecoute.answer"  # buttons (one, scale) and their "choose" accessories: a:<q>:<c>
SELECT = "ecoute.select"  # static_select for one choice among many: options a:<q>:<c>
TICK = "ecoute.tick"  # checkboxes / multi select for several choices: options c:<q>:<c>
MANY = "ecoute.many"  # the button that confirms the ticked choices: m:<q>
MODAL = "ecoute.modal"  # opens the modal for a typed answer: t:<q>
EDIT = "ecoute.edit"  # review buttons and the verdict's select: e:<q>:<view they are on>
BACK = "ecoute.back"
CONFIRM = "ecoute.confirm"
RESTART = "ecoute.restart"  # value r:<view>, the view it was shown on (review, verdict)
RESTART_TAG = "r"
START = "ecoute.start"
SHARE = "ecoute.share"

TEXT_VIEW = "ecoute.text"  # callback_id of the typed-answer modal
SHARE_VIEW = "ecoute.share"  # callback_id of the share modal
ANSWER_BLOCK, ANSWER_INPUT = "answer", "value"
CHANNEL_BLOCK, CHANNEL_INPUT = "channel", "value"

OURS = re.compile(r"^[eé]coute", re.IGNORECASE)
"""Any action id écoute wrote, in this version or an older one (``ecoute_answer``)."""

ANY_ANSWER = re.compile(rf"^{re.escape(ANSWER)}(\.\d+)?$")
ANY_EDIT = re.compile(rf"^{re.escape(EDIT)}(\.\d+)?$")


def numbered(action: str, index: int) -> str:
    """A unique action id within a block (Slack wants them unique per block)."""
    return f"{action}.{index}"


def encode(tag: str, question: str, choice: str | None = None) -> str:
    return f"{tag}:{question}" if choice is None else f"{tag}:{question}:{choice}"


@dataclass(frozen=True, slots=True)
class Value:
    tag: str
    question: str
    choice: str | None


def decode(value: object) -> Value | None:
    """The parts of an element value, or ``None`` if it isn't one of ours."""
    if not isinstance(value, str) or not value:
        return None
    parts = value.split(":")
    if len(parts) == 2 and all(parts):
        return Value(parts[0], parts[1], None)
    if len(parts) == 3 and all(parts):
        return Value(parts[0], parts[1], parts[2])
    return None


@dataclass(frozen=True, slots=True)
class ModalMeta:
    """What a modal remembers (``private_metadata``): the question and the message it came from."""

    question: str
    channel: str | None = None
    ts: str | None = None

    def dump(self) -> str:
        return json.dumps({"q": self.question, "c": self.channel, "ts": self.ts})

    @classmethod
    def load(cls, raw: str | None) -> ModalMeta | None:
        try:
            data = json.loads(raw or "")
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("q"), str):
            return None
        channel, ts = data.get("c"), data.get("ts")
        return cls(
            data["q"],
            channel if isinstance(channel, str) else None,
            ts if isinstance(ts, str) else None,
        )

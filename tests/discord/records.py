"""What the fake Discord records: requests, and each interaction's life."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFERRALS = (5, 6)  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_UPDATE_MESSAGE


@dataclass(frozen=True)
class Upload:
    """A file sent with a message (multipart ``files[n]``)."""

    filename: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    """The JSON body (a multipart request's ``payload_json``)."""
    at: float
    files: list[Upload] = field(default_factory=list)


@dataclass
class Interaction:
    payload: dict[str, Any]
    sent_at: float
    responses: list[tuple[int, dict[str, Any], float]] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    """Error codes Discord would have answered (10062 too late, 40060 twice)."""
    original: int | None = None
    """The id of the message ``@original`` refers to."""
    edits: int = 0
    followups: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def first_type(self) -> int | None:
        return self.responses[0][0] if self.responses else None

    @property
    def settled(self) -> bool:
        """Answered, and any deferral followed by an edit or a followup."""
        if self.first_type is None:
            return False
        return self.first_type not in DEFERRALS or bool(self.edits or self.followups)

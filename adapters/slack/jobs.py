"""Slack work that must survive the process: recorded before the ack, replayed if it stopped.

Slack never sends again what it got a 200 for (an Events API delivery is retried only without
one; clicks and commands never are), so every turn-making payload becomes a :class:`Job`,
written to the inbox (:mod:`bot.inbox`) *before* the listener acknowledges it. Then the turn
runs in the background and the row is removed. A process that dies in between leaves the
row, and the next sweep — at start, then every few seconds, in any process — runs it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.commands import run_command
from adapters.slack.dialogue import Dialogue
from adapters.slack.origin import Handshake, Origin
from adapters.slack.state import Background
from bot.chat import Failure, guarded
from bot.events import Event, event_from_json, event_to_json
from bot.inbox import SWEEP_SECONDS, Inbox
from bot.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from adapters.slack.followups import SlackFollowups
    from adapters.slack.team import SlackTeam

log = logging.getLogger(__name__)

MARK_EVENT_BUDGET = 1.0
"""Seconds the duplicate check of an Events API delivery may take before it is skipped."""
TURNS_AT_ONCE = 8
"""Jobs of one process running at once: the rest wait their turn outside the event loop's
ready queue, so an incoming request is acknowledged after at most a few turns' steps, however
long the backlog (a burst beyond capacity slows turns, never acks)."""
RECORD_BUDGET = 1.0
"""Seconds the ack waits for the inbox; past it the ack goes (Slack allows 3) and the job runs
from memory, its record completing meanwhile."""

Ack = Callable[[], Awaitable[object]]
ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]
"""The Web API client of a workspace (by team id), ``None`` if écoute is not installed there."""


@dataclass(frozen=True, slots=True)
class Job:
    """A turn to run (``event``) or a ``/ecoute`` command (``command``), from ``origin``."""

    origin: Origin
    event: Event | None = None
    command: str | None = None
    event_id: str | None = None
    """An Events API delivery's id, to recognise Slack's retries."""

    def dump(self) -> str:
        data: dict[str, Any] = {"origin": self.origin.to_json(), "event_id": self.event_id}
        if self.event is not None:
            data["event"] = event_to_json(self.event)
        if self.command is not None:
            data["command"] = self.command
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def load(cls, text: str, client: AsyncWebClient) -> Job:
        """The job :meth:`dump` wrote; ``ValueError`` (or ``KeyError``) if it is not one."""
        data = json.loads(text)
        event = data.get("event")
        command = data.get("command")
        return cls(
            Origin.from_json(data["origin"], client),
            event_from_json(event) if isinstance(event, dict) else None,
            command if isinstance(command, str) else None,
            data.get("event_id"),
        )


class Jobs:
    """Records, acknowledges and runs jobs; replays the ones stopped processes left."""

    def __init__(
        self, dialogue: Dialogue, store: Store, tasks: Background, client_for: ClientFor
    ) -> None:
        self.dialogue, self.store, self.tasks = dialogue, store, tasks
        self.inbox = Inbox(store, "slack")
        self.client_for = client_for
        self.running = asyncio.Semaphore(TURNS_AT_ONCE)
        self.team: SlackTeam | None = None
        """The team commands (``/ecoute team``, ``/ecoute export``), once the app has them."""
        self.followups: SlackFollowups | None = None
        """``/ecoute poll`` and ``/ecoute remind off``."""

    async def accept(self, job: Job, ack: Ack) -> None:
        """Record ``job``, acknowledge, then run it in the background."""
        item = await self.record(job)
        await ack()
        self.tasks.spawn(self.run(job, item))

    async def accept_waiting(self, job: Job, handshake: Handshake) -> None:
        """Record ``job`` and start it; the caller acknowledges when the handshake says."""
        item = await self.record(job)
        self.tasks.spawn(self.run(job, item, handshake))

    async def record(self, job: Job) -> asyncio.Future[int | None]:
        """The inbox row of ``job``, written within :data:`RECORD_BUDGET` (else still on its
        way: a database that hangs must not delay the ack past Slack's patience)."""
        put = asyncio.ensure_future(self.inbox.put(job.origin.key, job.dump()))
        try:
            await asyncio.wait_for(asyncio.shield(put), RECORD_BUDGET)
        except TimeoutError:
            log.warning("%s acknowledged before its inbox row was written", job.origin.key)
        return put

    async def run(
        self,
        job: Job,
        record: asyncio.Future[int | None] | int | None,
        handshake: Handshake | None = None,
    ) -> None:
        """Run ``job``, then remove its inbox row; cancelled (a shutdown that could not wait),
        the row stays, to be replayed."""
        item = await record if isinstance(record, asyncio.Future) else record
        try:
            if handshake is not None:  # a form waits for it: ahead of the queue
                await self.work(job, handshake)
            else:
                async with self.running:
                    await self.work(job, None)
        except Exception:
            await self.inbox.done(item)  # a bug would fail again: not worth a replay
            raise
        await self.inbox.done(item)

    async def work(self, job: Job, handshake: Handshake | None) -> None:
        # A replayed job passed the duplicate check before its process stopped.
        fresh = job.event_id is None or job.origin.replayed
        if fresh or await self.first_delivery(str(job.event_id)):
            if job.command is not None:
                d, origin = self.dialogue, job.origin
                work = run_command(d, origin, job.command, self.team, self.followups)
                # A command that breaks is said to its user (the turns' apology), and logged.
                failed = await guarded(d.service, lambda: d.lang(origin), work, who=origin.key)
                if isinstance(failed, Failure):
                    await d.tell(origin, failed.text)
            elif job.event is not None:
                await self.dialogue.turn(job.origin, job.event, handshake)

    async def first_delivery(self, event_id: str) -> bool:
        """Whether this Events API delivery is the first one seen (a retry is not)."""
        try:
            mark = asyncio.shield(self.store.mark_event("slack", event_id))
            return await asyncio.wait_for(mark, MARK_EVENT_BUDGET)
        except (TimeoutError, StoreUnavailable) as exc:
            log.warning("event %s not checked for duplicates: %r", event_id, exc)
            return True  # better twice than never: the core's compare-and-set guards answers

    async def replay(self) -> None:
        """Run the jobs stopped processes left (claimed for this one)."""
        for item in await self.inbox.left():
            client = await self.client_for(item.key.workspace)
            try:
                if client is None:
                    raise ValueError(f"écoute is not installed in {item.key.workspace}")
                job = Job.load(item.payload, client)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("inbox row %d dropped: %s", item.id, exc)
                await self.inbox.done(item.id)
                continue
            self.tasks.spawn(self.run(job, item.id))

    async def sweep(self, every: float = SWEEP_SECONDS) -> None:
        """Replay at once, then every ``every`` seconds, until cancelled."""
        while True:
            try:
                await self.replay()
            except Exception:
                log.exception("inbox sweep failed")
            await asyncio.sleep(every)

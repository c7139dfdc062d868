"""Many Slack users at once against one fake Slack, and what each of them saw confirmed.

:class:`QuietSlack` is the fake Slack of ``tests/slack`` made light enough for hundreds of
users in one process; :class:`Marketer` is a user among many who keeps going when the app
dies under them (a refused connection is a click to make again, an event is redelivered with
the same ``event_id`` as Slack does).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import defaultdict
from typing import Any

import aiohttp

from adapters.slack import values as v
from adapters.slack.blocks import record_message
from adapters.slack.escape import slack_mrkdwn_escape
from adapters.slack.texts import Texts
from adapters.slack.values import ModalMeta
from bot.catalog import Catalog
from bot.render import format_answer, question_label
from bot.schema import AnswerValue, Schema, load_schema
from bot.validation import parse_answer
from bot.views import Recorded
from tests.slack import slack_requests as rq
from tests.slack.driver import HttpTransport, SlackUser, kind_of, question_of
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.script import BURRITO, answer

WAIT = 60.0


class QuietSlack(FakeSlack):
    """Payloads are validated only with ``check_payloads`` (slack_sdk's checks are costly), and
    each DM has its own wake-up event instead of every waiter re-checking on every call."""

    def __init__(self, *, check_payloads: bool = False) -> None:
        super().__init__()
        self.changed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.called = asyncio.Event()
        """Set on every recorded call (cleared by whoever waits on it)."""
        self.check_payloads = check_payloads

    def _check(self, method: str, p: dict[str, Any]) -> None:
        if self.check_payloads:
            super()._check(method, p)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        self.called.set()
        channel = call.params.get("channel")
        if isinstance(channel, str):
            self.changed[channel].set()
        if call.method == "views.open":
            async with self._changed:
                self._changed.notify_all()


def _meta_channel(call: Call) -> str | None:
    meta = ModalMeta.load(call.params["view"].get("private_metadata"))
    return meta.channel if meta else None


class Marketer(SlackUser):
    """A user among many: waits on their own DM, and for the modal opened for them.

    ``since`` is the index in the fake's calls where this user last asked to start again:
    what Slack showed before belongs to an interview whose answers were cleared.
    """

    fake: QuietSlack
    since: int = 0

    async def next_live(self, after: str = "", within: float = WAIT) -> dict[str, Any]:
        """The newest live message in the DM once it is newer than ``after``."""
        changed = self.fake.changed[self.dm]
        async with asyncio.timeout(within):
            while True:
                msg = self.fake.live(self.dm)
                if msg is not None and msg["ts"] > after:
                    return msg
                changed.clear()
                await changed.wait()

    async def open_modal(self, msg: dict[str, Any], question: str) -> dict[str, Any]:
        opened = len(self.fake.calls_to("views.open"))
        await self.click(msg, v.encode("t", question))

        def mine() -> list[Call] | None:
            calls = self.fake.calls_to("views.open")[opened:]
            return [c for c in calls if _meta_channel(c) == self.dm] or None

        calls = await self.fake.wait_for(mine, within=10)
        view: dict[str, Any] = calls[0].params["view"]
        return view

    async def say_reliably(self, text: str, tries: int = 4) -> None:
        """A DM message event, redelivered (same ``event_id``) while the app is unreachable."""
        assert isinstance(self.transport, HttpTransport)
        body = rq.event_callback(self.team, rq.dm_message(self.user, self.dm, text))
        for attempt in range(tries):
            retry = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"}
            try:
                await self.transport.send("event", body, retry if attempt else None)
                return
            except (aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(0.3)
        raise aiohttp.ClientConnectionError("the app stayed unreachable")


def plan_of(n: int) -> dict[str, tuple[str, Any]]:
    """BURRITO, with a typed answer that is this user's own (to spot it anywhere else)."""
    return {**BURRITO, "audience": ("say", f"Bakers of street {n}, to sell them flour")}


def answers_of(plan: dict[str, tuple[str, Any]]) -> dict[str, AnswerValue]:
    """The stored values the plan leads to, by concrete question id."""
    out: dict[str, AnswerValue] = {}
    for question in load_schema().sequence({"platforms": tuple(plan["platforms"][1])}):
        value = plan[question.base][1]
        out[question.id] = parse_answer(
            question, tuple(value) if isinstance(value, list) else value
        )
    return out


async def take_interview(
    user: Marketer,
    plan: dict[str, tuple[str, Any]],
    seed: int,
    *,
    arrive_after: float = 0.0,
    deadline: float = 300.0,
    patience: float = 5.0,
    trace: list[str] | None = None,
    again_until: asyncio.Event | None = None,
) -> None:
    """Answer until the verdict shows, whatever happens to the app, as a user does: a click
    that gets no answer is made again, an event is redelivered with its ``event_id``, and a
    user who sees nothing new within ``patience`` seconds asks ``/ecoute resume``. With
    ``again_until``, the user starts again (``/ecoute restart``) at each verdict until that
    event is set. ``trace`` collects what the user did (to tell what happened when a run fails).
    """
    rng = random.Random(seed)
    await asyncio.sleep(arrive_after)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deadline
    note = trace.append if trace is not None else (lambda _: None)
    while loop.time() < deadline:
        live = user.live()
        note(f"{loop.time():.1f} sees {live and live['ts']} {live and kind_of(live)}")
        try:
            if live is None:
                await user.command("resume")
                await user.next_live(within=patience)
                continue
            kind = kind_of(live)
            if kind == "verdict":
                if again_until is None or again_until.is_set():
                    return
                user.since = len(user.fake.calls)
                await user.command("restart")
                await user.next_live(after=live["ts"], within=patience)
                continue
            await asyncio.sleep(rng.uniform(0.0, 0.2))
            if kind == "review":
                await user.click(live, "confirm")
            else:
                how, value = plan[question_of(live).split(".")[0]]
                if how == "say":
                    await user.say_reliably(value)
                else:
                    await answer(user, live, how, value)
            await user.next_live(after=live["ts"], within=patience)
        except (aiohttp.ClientError, TimeoutError, AssertionError) as exc:
            # The app died mid-exchange or never showed the result: look again, as a user does.
            note(f"{loop.time():.1f} {exc!r:.80}")
            await asyncio.sleep(0.2)
            if user.live() is live:
                await _quietly(user.command("resume"))
    raise AssertionError(f"{user.user} never reached the verdict")


async def _quietly(call: Any) -> None:
    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
        await call


def record_texts(
    schema: Schema, catalog: Catalog, answers: dict[str, AnswerValue]
) -> dict[str, tuple[str, AnswerValue]]:
    """The text of the record Slack shows for each answer -> (question id, stored value)."""
    texts = Texts(catalog, "en")
    out: dict[str, tuple[str, AnswerValue]] = {}
    for question in schema.sequence(answers):
        if question.id not in answers:
            continue
        value = parse_answer(question, answers[question.id])
        label = question_label(catalog, "en", question, slack_mrkdwn_escape)
        shown = slack_mrkdwn_escape(format_answer(catalog, "en", question, value))
        out[record_message(Recorded(question.id, label, shown), texts).text] = (question.id, value)
    return out


def records_seen(fake: FakeSlack, dm: str, since: int = 0) -> list[str]:
    """The texts of every ``chat.update`` in ``dm`` from call ``since`` on (records of answers
    among them)."""
    return [
        str(c.params.get("text"))
        for c in fake.calls[since:]
        if c.method == "chat.update" and c.params.get("channel") == dm
    ]

"""Ack latency on the Slack HTTP path, écoute against a bare Bolt app, same load, same run.

    python -m bench.ack_latency                  # 200 users, a click every 0–6 s each
    python -m bench.ack_latency --think 1        # the same users, a click every 0–2 s
    python -m bench.ack_latency --workers 2      # écoute as the Procfile's web: line

écoute runs as ``ecoute slack --http`` in its own process, on a fresh SQLite file, its Web
API pointed at a fake Slack served by this process (with ``--workers N``, as the Procfile's
``web:`` line runs it: gunicorn, N aiohttp workers on one port and one database). A bare Bolt
app that only acks runs in another process. ``--users`` simulated users take the whole
interview at once (slash command,
buttons, checkboxes, a typed DM, a modal, then the review's confirm), pausing a random think
time between clicks (uniform in 0–2×``--think`` seconds: 3 s on average by default, a person
reading a question); every signed request a user sends to écoute is sent at the same moment
to the bare app, so both see the same load. The time to each HTTP answer (the ack) is
recorded; p50, p99 and max are printed for both, overall and per kind of request.
Targets: écoute's p99 ≤ 50 ms and ≤ 2× the bare app's; no ack over 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import aiohttp

from tests.fault.processes import SECRET, bare_bolt, ecoute_slack, ecoute_web
from tests.fault.slack_users import Marketer, QuietSlack
from tests.slack import slack_requests as rq
from tests.slack.driver import HttpTransport, SlackUser, kind_of, question_of
from tests.slack.script import BURRITO, answer

P99_TARGET = 0.050
RATIO_TARGET = 2.0
MAX_TARGET = 1.0
TEAM = "T0BENCH01"


class Mirrored(HttpTransport):
    """Sends each signed request to écoute and, at the same moment, to the bare app."""

    def __init__(self, ecoute: str, bare: str, session: aiohttp.ClientSession) -> None:
        super().__init__(ecoute, SECRET, session)
        self.bare = bare
        self.times: dict[str, dict[str, list[float]]] = {
            "écoute": defaultdict(list),
            "bare Bolt": defaultdict(list),
        }
        self.cpu: dict[str, float] = {}
        """CPU seconds each server used to answer the load (start-up excluded)."""
        self.next_question: list[float] = []
        """Seconds from a click (or typed answer) to the next question shown, for écoute."""
        self.seconds = 0.0
        self.driver_cpu = 0.0
        """CPU seconds this process (users and fake Slack) used meanwhile."""

    async def send(
        self, kind: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        raw = {"command": rq.form, "interactive": rq.interactive, "event": rq.event}[kind](body)
        signed = {**rq.signed_headers(SECRET, raw), **(headers or {})}
        label = str(body.get("type", kind)) if kind == "interactive" else kind
        mine, _ = await asyncio.gather(
            self._timed("écoute", label, self.url, raw, signed),
            self._timed("bare Bolt", label, self.bare, raw, signed),
        )
        return mine

    async def _timed(
        self, who: str, label: str, url: str, raw: rq.Raw, headers: dict[str, str]
    ) -> tuple[int, str]:
        start = time.perf_counter()
        async with self.session.post(url, data=raw.body, headers=headers) as resp:
            body = await resp.text()
            self.times[who][label].append(time.perf_counter() - start)
        if resp.status != 200:
            raise RuntimeError(f"{who} answered {resp.status} to a {label}: {body[:200]}")
        return resp.status, body


async def interview(user: SlackUser, think: float, rng: random.Random, waits: list[float]) -> None:
    """The whole interview, from the slash command to the verdict; ``waits`` gets the time
    from each answer to the next question."""
    await asyncio.sleep(rng.uniform(0, 2 * think))
    await user.command()
    msg = await user.next_live()
    for _ in range(40):
        await asyncio.sleep(rng.uniform(0, 2 * think))
        if kind_of(msg) != "question":
            break
        how, value = BURRITO[question_of(msg).split(".")[0]]
        clicked = time.perf_counter()
        await answer(user, msg, how, value)
        msg = await user.next_live(after=msg["ts"])
        if how != "modal":  # a modal's time includes opening it
            waits.append(time.perf_counter() - clicked)
    assert kind_of(msg) == "review", kind_of(msg)
    await user.click(msg, "confirm")
    verdict = await user.next_live(after=msg["ts"])
    assert kind_of(verdict) == "verdict"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), percentile(values, 0.99), max(values)


async def run(users: int, think: float, seed: int, workers: int = 1) -> Mirrored:
    fake = QuietSlack()
    await fake.start()
    fake.workspace(TEAM, "xoxb-fault-0123456789-abcdefghijklmnop")
    with tempfile.TemporaryDirectory(prefix="ecoute-ack-") as tmp:
        db = Path(tmp) / "ecoute.db"
        ecoute = (
            ecoute_slack(db, fake.api_url)
            if workers == 1
            else ecoute_web(db, fake.api_url, workers)
        )
        bare = bare_bolt(fake.api_url)
        await asyncio.gather(ecoute.start(), bare.start())
        idle = {"écoute": ecoute.cpu_seconds(), "bare Bolt": bare.cpu_seconds()}
        started, driver = time.perf_counter(), time.process_time()
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                via = Mirrored(ecoute.url + "/slack/events", bare.url + "/slack/events", session)
                rng = random.Random(seed)
                people = [Marketer(fake, via, TEAM, f"U{n:08d}") for n in range(users)]
                await asyncio.gather(
                    *(
                        interview(p, think, random.Random(rng.random()), via.next_question)
                        for p in people
                    )
                )
            via.seconds = time.perf_counter() - started
            via.driver_cpu = time.process_time() - driver
            via.cpu = {
                "écoute": ecoute.cpu_seconds() - idle["écoute"],
                "bare Bolt": bare.cpu_seconds() - idle["bare Bolt"],
            }
        finally:
            await asyncio.gather(ecoute.stop(), bare.stop())
            await fake.stop()
    if fake.problems:
        raise RuntimeError(f"fake Slack saw bad payloads: {fake.problems[:5]}")
    return via


def report(via: Mirrored, users: int, think: float, workers: int = 1) -> bool:
    times = via.times
    count = sum(len(values) for values in times["écoute"].values())
    how = "one process" if workers == 1 else f"{workers} gunicorn workers"
    print(
        f"écoute as {how}; {users} users at once, think time 0–{2 * think:.1f} s between clicks: "
        f"{count} requests in {via.seconds:.0f} s ({count / via.seconds:.0f}/s to each app)\n"
    )
    print("| app | requests | p50 | p99 | max | CPU per request |")
    print("|---|---|---|---|---|---|")
    overall: dict[str, tuple[float, float, float]] = {}
    for who, kinds in times.items():
        everything = [t for values in kinds.values() for t in values]
        overall[who] = summary(everything)
        p50, p99, top = overall[who]
        cpu = via.cpu.get(who, 0.0) / len(everything)
        print(f"| {who} | {len(everything)} | {p50 * 1e3:.1f} ms | {p99 * 1e3:.1f} ms "
              f"| {top * 1e3:.1f} ms | {cpu * 1e3:.1f} ms |")  # fmt: skip
    print("\n| app | kind | requests | p50 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for who, kinds in times.items():
        for kind, values in sorted(kinds.items()):
            p50, p99, top = summary(values)
            print(f"| {who} | {kind} | {len(values)} | {p50 * 1e3:.1f} ms | {p99 * 1e3:.1f} ms "
                  f"| {top * 1e3:.1f} ms |")  # fmt: skip
    shown = summary(via.next_question)
    print(
        f"\nécoute, an answer to the next question shown ({len(via.next_question)}): "
        f"p50 {shown[0] * 1e3:.1f} ms, p99 {shown[1] * 1e3:.1f} ms, max {shown[2] * 1e3:.1f} ms "
        f"({shown[1] / overall['bare Bolt'][1]:.2f}× the bare app's ack p99)"
    )
    busy = via.driver_cpu / via.seconds
    print(f"\nthe load driver and fake Slack (this process) kept {busy:.0%} of a CPU busy")
    mine, bare = overall["écoute"], overall["bare Bolt"]
    checks = {
        f"écoute p99 ≤ {P99_TARGET * 1e3:.0f} ms": mine[1] <= P99_TARGET,
        f"écoute p99 ≤ {RATIO_TARGET:.0f}× bare ({mine[1] / bare[1]:.2f}×)": mine[1]
        <= RATIO_TARGET * bare[1],
        f"no écoute ack over {MAX_TARGET:.0f} s": mine[2] <= MAX_TARGET,
    }
    print()
    for name, ok in checks.items():
        print(f"- {name}: {'met' if ok else 'MISSED'}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ack_latency", description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=3.0, help="mean pause between clicks (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="écoute's web processes")
    args = parser.parse_args(argv)
    via = asyncio.run(run(args.users, args.think, args.seed, args.workers))
    return 0 if report(via, args.users, args.think, args.workers) else 1


if __name__ == "__main__":
    sys.exit(main())

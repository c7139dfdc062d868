"""The article's rules, one small pure function each: a platform's call, warnings, alternatives,
the headline. Missing answers count as unknown: they never push a platform up to ``engage``.

Every rule reads answers by id only; none reads the free text (``audience``). A poll
(:mod:`bot.verdict.evidence`) answered by enough people takes the place of the
``presence.<platform>`` guess, with reason codes of its own (:data:`POLL_REASONS`) that carry
its numbers; a smaller poll is only cited (``poll_too_few``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.schema import Answers
from bot.verdict.evidence import MIN_RESPONDENTS, Evidence, poll_presence

ENGAGE, TEST, DROP = "engage", "test", "drop"
RANK = {DROP: 0, TEST: 1, ENGAGE: 2}
"""How good a call is for the business: a flip that raises the rank is an improvement."""

WARNINGS = ("bought_growth", "resource_drain", "vanity_metrics", "broadcast_only")
"""Every warning code, in the order they are shown."""

_FEW_BUYERS = ("handful", "niche")
_MANY_BUYERS = ("community", "mass")
_QUIET = ("silence", "reactions")

_POLL_CODE = {
    "absent": "poll_few",
    "presence_unknown": "poll_some",
    "engaged_hooks": "poll_wanted",
    "engaged_no_hooks": "poll_wanted_no_hooks",
    "engaged_hooks_missing": "poll_wanted_hooks_missing",
}
"""A guess's reason code -> the code used when the poll, not the guess, said it."""
POLL_REASONS = (*_POLL_CODE.values(), "poll_too_few")
"""Every reason code that cites the poll; each carries ``wanting`` and ``respondents``."""
POLL_ALTERNATIVES = ("email_poll", "flyers_poll")
"""Alternatives the poll alone proposes (ranked by the poll, not by ``scoring.toml``)."""
POLL_CHOICE = {"email": "email", "flyers": "in_person"}
"""An alternative's channel -> the poll's choice for it."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a platform got its call: a reason code and the question ids whose answers it quotes."""

    code: str
    questions: tuple[str, ...] = ()
    values: tuple[tuple[str, int], ...] = ()
    """Numbers the reason cites (a poll's ``wanting`` and ``respondents``), for its text."""


@dataclass(frozen=True, slots=True)
class PlatformVerdict:
    platform: str
    verdict: str
    """``engage`` | ``test`` | ``drop``."""
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Alternative:
    """A channel other than social networks (``email``, ``flyers``...) and its reason code."""

    channel: str
    reason: str
    poll: int | None = None
    """With a poll: how many of its respondents asked for this channel (cited in the text)."""


def many(answers: Answers, key: str) -> tuple[str, ...] | None:
    """A ``many`` answer as a tuple, or ``None`` when it was not given."""
    value = answers.get(key)
    return tuple(value) if isinstance(value, tuple | list) else None


def judge_platform(
    platform: str, answers: Answers, evidence: Evidence | None = None
) -> PlatformVerdict:
    """The call for one chosen platform (principles 1–5).

    With a poll answered by enough people, what it says of ``platform`` is the presence the
    rules use, and the reasons cite it; a smaller poll is cited last and changes nothing.
    """
    call = _judge(platform, answers, evidence)
    if evidence is None:
        return call
    if not evidence.used:
        numbers = (*_numbers(evidence, platform), ("needed", MIN_RESPONDENTS))
        cited = Reason("poll_too_few", (), numbers)
        return PlatformVerdict(platform, call.verdict, (*call.reasons, cited))
    first = sorted(call.reasons, key=lambda r: r.code not in POLL_REASONS)  # what decided it
    return PlatformVerdict(platform, call.verdict, tuple(first))


def _numbers(evidence: Evidence, choice: str) -> tuple[tuple[str, int], ...]:
    return (("wanting", evidence.wanting(choice)), ("respondents", evidence.respondents))


def _judge(platform: str, answers: Answers, evidence: Evidence | None) -> PlatformVerdict:
    pq = f"presence.{platform}"
    polled = poll_presence(evidence, platform)
    presence = polled or answers.get(pq)
    model, buyers = answers.get("business_model"), answers.get("buyers")
    hooks = many(answers, "hooks")

    def said(code: str, *questions: str) -> Reason:
        """A reason quoting the presence answer, or the poll when the poll decided it."""
        if polled is None or evidence is None:
            return Reason(code, (pq, *questions))
        return Reason(_POLL_CODE[code], questions, _numbers(evidence, platform))

    reasons: list[Reason] = []
    if presence == "absent":  # principle 1: nothing else matters
        return PlatformVerdict(platform, DROP, (said("absent"),))
    if presence == "personal_only":
        if model == "b2b" and buyers in _FEW_BUYERS:  # principle 2: the licence-plate case
            reason = Reason("b2b_personal", ("business_model", "buyers", pq))
            return PlatformVerdict(platform, DROP, (reason,))
        if hooks == ():
            return PlatformVerdict(platform, DROP, (Reason("personal_no_hooks", (pq, "hooks")),))
        verdict = TEST
        reasons.append(
            Reason("personal_with_hooks", (pq, "hooks"))
            if hooks
            else Reason("personal_only", (pq,))
        )
    elif presence == "engaged":
        if model in ("b2c", "both") and buyers in _MANY_BUYERS:  # principle 3: the burrito case
            reasons.append(Reason("audience_fits", ("business_model", "buyers")))
        if hooks:
            verdict = ENGAGE
            reasons.append(said("engaged_hooks", "hooks"))
        else:
            verdict = TEST
            reasons.append(
                said("engaged_no_hooks", "hooks") if hooks == () else said("engaged_hooks_missing")
            )
    else:  # principle 4: unknown (or not answered yet) is at best a test
        verdict = TEST
        reasons.append(said("presence_unknown") if presence else Reason("presence_missing"))
    honesty = answers.get("honesty")
    if verdict == ENGAGE and isinstance(honesty, int) and honesty <= 2:  # principle 5
        verdict = TEST
        reasons.append(Reason("honesty_cap", ("honesty",)))
    return PlatformVerdict(platform, verdict, tuple(reasons))


def warnings(answers: Answers) -> tuple[str, ...]:
    """Warning codes (principles 6, 7, 8, 11), in :data:`WARNINGS` order."""
    engagement = answers.get("current_engagement")
    found = {
        "bought_growth": answers.get("bought_growth") in ("yes", "considering"),
        "resource_drain": answers.get("effort_owner") in ("agency", "employee")
        and engagement in _QUIET,
        "vanity_metrics": answers.get("success_metric") in ("followers", "volume"),
        "broadcast_only": engagement in _QUIET and many(answers, "hooks") == (),
    }
    return tuple(code for code in WARNINGS if found[code])


def alternatives(
    answers: Answers,
    calls: Sequence[PlatformVerdict],
    rank: Mapping[str, int],
    evidence: Evidence | None = None,
) -> tuple[Alternative, ...]:
    """Channels that may work better, best first by ``rank`` (principle 9).

    Whenever a platform is dropped, or no network is used, at least one is given. A poll's
    ``email`` and ``in_person`` counts are cited on the email and flyers alternatives; a poll
    answered by enough people also proposes them when more than a few asked
    (:data:`POLL_ALTERNATIVES`), and what its respondents asked for comes first, most asked
    first: their word outranks what we infer from the answers.
    """
    owned = many(answers, "owned_channels") or ()
    hooks = many(answers, "hooks") or ()
    model, buyers = answers.get("business_model"), answers.get("buyers")
    drops = sum(1 for c in calls if c.verdict == DROP)
    found: list[Alternative] = []
    if "email_list" in owned:
        found.append(Alternative("email", "email_list"))
    elif model == "b2b":
        found.append(Alternative("email", "email_b2b"))
    elif calls and drops * 2 > len(calls):
        found.append(Alternative("email", "email_most_drop"))
    if "storefront" in owned:
        found.append(Alternative("flyers", "flyers_storefront"))
    elif "local_area" in owned:
        found.append(Alternative("flyers", "flyers_local"))
    if model == "b2b" and buyers in _FEW_BUYERS:
        found.append(Alternative("direct_outreach", "direct_outreach"))
    if "events" in owned:
        found.append(Alternative("events", "events_owned"))
    elif "events" in hooks:
        found.append(Alternative("events", "events_hook"))
    if buyers == "community" or "community" in hooks:
        found.append(Alternative("community", "community"))
    if "website" in owned:
        found.append(Alternative("website", "website"))
    if not found and (drops or many(answers, "platforms") == ()):
        found.append(Alternative("direct_outreach", "fallback"))
    if evidence is not None:
        found = _polled(found, evidence)
    used = evidence is not None and evidence.used

    def order(a: Alternative) -> tuple[int, int]:
        return (-(a.poll or 0) if used else 0, -rank.get(a.reason, 0))

    return tuple(sorted(found, key=order))


def _polled(found: list[Alternative], evidence: Evidence) -> list[Alternative]:
    """``found`` with the poll's counts cited, and the channels only the poll asks for."""
    out = list(found)
    for (channel, choice), reason in zip(POLL_CHOICE.items(), POLL_ALTERNATIVES, strict=True):
        wanting = evidence.wanting(choice)
        if not wanting:
            continue
        at = next((i for i, a in enumerate(out) if a.channel == channel), None)
        if at is not None:
            out[at] = Alternative(channel, out[at].reason, wanting)
        elif poll_presence(evidence, choice) in ("engaged", "unknown"):
            out.append(Alternative(channel, reason, wanting))
    return out


def headline(answers: Answers, calls: Sequence[PlatformVerdict]) -> str:
    """The headline code. No network at all is a plain, blameless outcome (principle 10)."""
    platforms = many(answers, "platforms")
    if platforms is None:
        return "platforms_unknown"
    if not platforms:
        return "no_network"
    verdicts = {c.verdict for c in calls}
    if verdicts == {ENGAGE}:
        return "listening"
    if verdicts == {DROP}:
        return "nobody_listening"
    return "focus" if ENGAGE in verdicts else "test_first"

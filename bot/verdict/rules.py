"""The article's rules, one small pure function each: a platform's call, warnings, alternatives,
the headline. Missing answers count as unknown: they never push a platform up to ``engage``.

Every rule reads answers by id only; none reads the free text (``audience``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.schema import Answers

ENGAGE, TEST, DROP = "engage", "test", "drop"
RANK = {DROP: 0, TEST: 1, ENGAGE: 2}
"""How good a call is for the business: a flip that raises the rank is an improvement."""

WARNINGS = ("bought_growth", "resource_drain", "vanity_metrics", "broadcast_only")
"""Every warning code, in the order they are shown."""

_FEW_BUYERS = ("handful", "niche")
_MANY_BUYERS = ("community", "mass")
_QUIET = ("silence", "reactions")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a platform got its call: a reason code and the question ids whose answers it quotes."""

    code: str
    questions: tuple[str, ...] = ()


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


def many(answers: Answers, key: str) -> tuple[str, ...] | None:
    """A ``many`` answer as a tuple, or ``None`` when it was not given."""
    value = answers.get(key)
    return tuple(value) if isinstance(value, tuple | list) else None


def judge_platform(platform: str, answers: Answers) -> PlatformVerdict:
    """The call for one chosen platform (principles 1–5)."""
    pq = f"presence.{platform}"
    presence = answers.get(pq)
    model, buyers = answers.get("business_model"), answers.get("buyers")
    hooks = many(answers, "hooks")
    reasons: list[Reason] = []
    if presence == "absent":  # principle 1: nothing else matters
        return PlatformVerdict(platform, DROP, (Reason("absent", (pq,)),))
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
            reasons.append(Reason("engaged_hooks", (pq, "hooks")))
        else:
            verdict = TEST
            code = "engaged_no_hooks" if hooks == () else "engaged_hooks_missing"
            reasons.append(Reason(code, (pq, "hooks") if hooks == () else (pq,)))
    else:  # principle 4: unknown (or not answered yet) is at best a test
        verdict = TEST
        reasons.append(
            Reason("presence_unknown", (pq,)) if presence else Reason("presence_missing")
        )
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
    answers: Answers, calls: Sequence[PlatformVerdict], rank: Mapping[str, int]
) -> tuple[Alternative, ...]:
    """Channels that may work better, best first by ``rank`` (principle 9).

    Whenever a platform is dropped, or no network is used, at least one is given.
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
    return tuple(sorted(found, key=lambda a: -rank.get(a.reason, 0)))


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

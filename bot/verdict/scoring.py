"""The "listening" score and the alternatives' ranking weights, from ``prompts/scoring.toml``.

The score says how much of the effort put into social networks reaches people who listen and
answer; it is never a forecast of sales (see the comments in ``prompts/scoring.toml``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.schema import PROMPTS_DIR, Answers

SCORED = ("presence", "current_engagement", "honesty", "success_metric", "hooks")
HONESTY_MIN, HONESTY_MAX = 1, 5


class ScoringError(ValueError):
    """The scoring file is malformed; the message names the file and key."""


@dataclass(frozen=True)
class Weights:
    """Everything the score and the ranking of alternatives are tuned with."""

    weight: Mapping[str, int]
    value: Mapping[str, Mapping[str, float]]
    hooks_full: int
    hooks_missing: float
    honesty_missing: float
    penalty: Mapping[str, int]
    alternative: Mapping[str, int]


def load_weights(path: Path | None = None) -> Weights:
    """Read and check ``prompts/scoring.toml``; raise :class:`ScoringError` naming the key."""
    path = path or PROMPTS_DIR / "scoring.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        score = data["score"]
        weights = Weights(
            weight={k: int(score["weight"][k]) for k in SCORED},
            value={k: _fractions(score["value"][k]) for k in score["value"]},
            hooks_full=int(score["hooks"]["hooks_full"]),
            hooks_missing=float(score["hooks"]["missing"]),
            honesty_missing=float(score["honesty"]["missing"]),
            penalty={k: int(v) for k, v in score["penalty"]["bought_growth"].items()},
            alternative={k: int(v) for k, v in data["alternative"].items()},
        )
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScoringError(f"{path}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ScoringError(f"{path}: missing or malformed key {exc}") from exc
    problems: list[str] = []
    if sum(weights.weight.values()) != 100:
        problems.append(f"{path}: score.weight: the weights must add up to 100")
    for question in ("presence", "current_engagement", "success_metric"):
        if "missing" not in weights.value.get(question, {}):
            problems.append(f"{path}: score.value.{question}.missing: needed")
    if "no_network" not in weights.value.get("presence", {}):
        problems.append(f"{path}: score.value.presence.no_network: needed")
    if weights.hooks_full < 1:
        problems.append(f"{path}: score.hooks.hooks_full: must be at least 1")
    if problems:
        raise ScoringError("\n".join(problems))
    return weights


def _fractions(table: Mapping[str, Any]) -> dict[str, float]:
    out = {k: float(v) for k, v in table.items()}
    bad = [k for k, v in out.items() if not 0.0 <= v <= 1.0]
    if bad:
        raise ValueError(f"values must be between 0 and 1: {', '.join(bad)}")
    return out


@cache
def default_weights() -> Weights:
    """The shipped weights, read once."""
    return load_weights()


def listening_score(answers: Answers, weights: Weights) -> int:
    """The 0–100 listening score of a set of (possibly partial) answers."""
    value = weights.value
    platforms = answers.get("platforms")
    presence = value["presence"]
    if not isinstance(platforms, tuple | list):
        fractions = {"presence": presence["missing"]}
    elif not platforms:
        fractions = {"presence": presence["no_network"]}
    else:
        each = [
            presence.get(str(answers.get(f"presence.{p}")), presence["missing"]) for p in platforms
        ]
        fractions = {"presence": sum(each) / len(each)}
    for question in ("current_engagement", "success_metric"):
        table = value[question]
        fractions[question] = table.get(str(answers.get(question)), table["missing"])
    hooks = answers.get("hooks")
    fractions["hooks"] = (
        min(len(hooks), weights.hooks_full) / weights.hooks_full
        if isinstance(hooks, tuple | list)
        else weights.hooks_missing
    )
    honesty = answers.get("honesty")
    fractions["honesty"] = (
        (min(max(honesty, HONESTY_MIN), HONESTY_MAX) - HONESTY_MIN) / (HONESTY_MAX - HONESTY_MIN)
        if isinstance(honesty, int)
        else weights.honesty_missing
    )
    total = sum(weights.weight[q] * fractions[q] for q in SCORED)
    total -= weights.penalty.get(str(answers.get("bought_growth")), 0)
    return min(100, max(0, int(total + 0.5)))

"""``ecoute diagnose --answers FILE [--evidence FILE] [--lang fr|en] [--format json|text]``: a
verdict without chat.

Reads the answers as a JSON object (``-`` for standard input), checks them like the interview
does (missing answers are allowed), and prints the verdict. ``--evidence`` adds a listening
poll's closed counts, ``{"respondents": N, "wants": {"instagram": 9, "email": 4}}``
(:mod:`bot.verdict.evidence`); the JSON verdict then gains an ``evidence`` key, and only then.
Bad input exits with status 2 and one line per problem on stderr: key, value, why. Imports no
chat platform, so it starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from adapters.console.escape import terminal_escape
from bot.catalog import Catalog, CatalogError, Escape, load_catalog, plain
from bot.prompts_check import check_prompts
from bot.schema import SchemaError, load_schema
from bot.validation import AnswerProblem, check_answers, echoed
from bot.verdict import Verdict, diagnose
from bot.verdict.evidence import Evidence, EvidenceError, evidence_from_json, poll_presence
from bot.verdict.flips import POLL
from bot.verdict.scoring import ScoringError
from bot.verdict.view import verdict_text, verdict_view
from bot.views import VerdictView

BAD_INPUT = 2
BROKEN_PROMPTS = 1
ECHOED = 80
"""A refused value is echoed up to this many characters (a flood is not printed back)."""


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status (0, or 2 for bad input)."""
    try:  # the checks every start makes: a broken text must not fail half-way through
        schema, catalog = load_schema(), load_catalog()
        weights = check_prompts(schema, catalog)
    except (CatalogError, SchemaError) as exc:
        print(exc, file=sys.stderr)
        return BROKEN_PROMPTS
    env_lang = catalog.pick(_env_locale(os.environ))
    parser = _parser(catalog, env_lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    lang: str = args.lang
    if args.answers == "-" and args.evidence == "-":
        _report([AnswerProblem("--evidence", "-", "stdin_twice", {})], catalog, lang)
        return BAD_INPUT
    raw, problems = _read("--answers", args.answers)
    if problems:
        _report(problems, catalog, lang)
        return BAD_INPUT
    answers, problems = check_answers(schema, raw)
    evidence: Evidence | None = None
    if args.evidence is not None:
        data, read_problems = _read("--evidence", args.evidence, "evidence_not_object")
        problems += read_problems
        if not read_problems:
            try:
                evidence = evidence_from_json(data, schema)
            except EvidenceError as exc:
                problems += exc.problems
    if problems:
        _report(problems, catalog, lang)
        return BAD_INPUT
    try:
        verdict = diagnose(answers, evidence=evidence, schema=schema, weights=weights)
    except ScoringError as exc:
        print(exc, file=sys.stderr)
        return BROKEN_PROMPTS
    if args.format == "json":
        view = verdict_view(verdict, answers, catalog, lang, plain)
        document = as_json(view, verdict)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        view = verdict_view(verdict, answers, catalog, lang, terminal_escape)
        sys.stdout.write(verdict_text(view, catalog, lang))
    return 0


def as_json(view: VerdictView, verdict: Verdict) -> dict[str, Any]:
    """The documented JSON form of a verdict (a stable public shape); ``evidence`` is there
    only when the verdict weighed a poll, and ``flips`` keeps answer changes only (a poll's
    flips are under ``evidence``)."""
    codes = {p.platform: [r.code for r in p.reasons] for p in verdict.platforms}
    document: dict[str, Any] = {
        "platforms": [
            {
                "platform": p.platform,
                "verdict": p.verdict,
                "reasons": list(p.reasons),
                "reason_codes": codes[p.platform],
            }
            for p in view.platforms
        ],
        "warnings": [{"code": w.code, "text": w.text} for w in view.warnings],
        "alternatives": [{"channel": a.channel, "text": a.text} for a in view.alternatives],
        "score": view.score,
        "headline": view.headline,
        "flips": [
            {
                "platform": f.platform,
                "question": f.question,
                "answer": list(f.answer) if isinstance(f.answer, tuple) else f.answer,
                "verdict": f.verdict,
                "text": f.text,
            }
            for f in view.flips
            if f.question != POLL
        ],
    }
    if verdict.evidence is not None:
        document["evidence"] = _evidence_json(verdict.evidence, view, verdict)
    return document


def _evidence_json(evidence: Evidence, view: VerdictView, verdict: Verdict) -> dict[str, Any]:
    """The poll as given, whether it decided (``used``), and per chosen platform the share of
    respondents who want it, the presence it stands for (``null`` when not used) and the
    further answers that would change the call (``flip``, or ``null``)."""
    texts = {f.platform: f.text for f in view.flips if f.question == POLL}
    flips = {
        f.platform: {"more": f.more, "wanting": f.wanting, "verdict": f.verdict}
        | {"text": texts[f.platform]}
        for f in verdict.poll_flips
    }
    return {
        "respondents": evidence.respondents,
        "wants": dict(evidence.wants),
        "used": evidence.used,
        "platforms": [
            {
                "platform": p.platform,
                "wanting": evidence.wanting(p.platform),
                "share": round(float(evidence.share(p.platform)), 4),
                "presence": poll_presence(evidence, p.platform),
                "flip": flips.get(p.platform),
            }
            for p in verdict.platforms
        ],
    }


def _env_locale(env: Mapping[str, str]) -> str | None:
    for name in ("ECOUTE_LANG", "LANG"):
        if env.get(name):
            return env[name].split(".")[0]
    return None


def _parser(catalog: Catalog, lang: str) -> argparse.ArgumentParser:
    def t(key: str) -> str:
        return catalog.text(lang, f"verdict.diagnose.{key}")

    parser = argparse.ArgumentParser(prog="ecoute diagnose", description=t("description"))
    parser.add_argument("--answers", required=True, metavar="FILE", help=t("answers_help"))
    parser.add_argument("--evidence", metavar="FILE", help=t("evidence_help"))
    parser.add_argument("--lang", choices=catalog.languages, default=lang, help=t("lang_help"))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("format_help"))
    return parser


def _read(
    flag: str, source: str, not_object: str = "not_object"
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """The JSON object in ``source`` (a file, or ``-`` for standard input), or the problems
    that keep it from being one (their ``why`` are message keys under verdict.diagnose)."""

    def problem(why: str, **values: object) -> list[AnswerProblem]:
        return [AnswerProblem(flag, source, why, values)]

    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        text = data.decode("utf-8-sig")  # strict: a byte that is not UTF-8 is refused
    except (OSError, UnicodeDecodeError) as exc:
        return {}, problem("unreadable", error=getattr(exc, "strerror", None) or str(exc))
    duplicated: dict[str, list[object]] = {}
    try:
        raw = json.loads(text, object_pairs_hook=_pairs(duplicated), parse_int=_whole_number)
    except RecursionError:
        return {}, problem("too_deep", depth=MAX_DEPTH)
    except _NumberTooLong:
        return {}, problem("number_too_long", digits=_MAX_DIGITS)
    except json.JSONDecodeError as exc:
        return {}, problem("invalid_json", error=str(exc))
    duplicates = [
        AnswerProblem(key, values, "duplicate_key", {}) for key, values in duplicated.items()
    ]
    if duplicates:
        return {}, duplicates
    if _depth(raw) > MAX_DEPTH:
        return {}, problem("too_deep", depth=MAX_DEPTH)
    if not isinstance(raw, dict):
        return {}, problem(not_object)
    return raw, []


MAX_DEPTH = 16
"""Arrays and objects nested deeper than this are refused (answers need two levels)."""
_MAX_DIGITS = sys.get_int_max_str_digits() or 10**6


class _NumberTooLong(Exception):
    """A JSON integer longer than Python converts."""


def _whole_number(digits: str) -> int:
    if len(digits) > _MAX_DIGITS:
        raise _NumberTooLong
    return int(digits)


def _pairs(
    duplicated: dict[str, list[object]],
) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A JSON object hook that records, in ``duplicated``, every key one object gives more
    than once, with its values (the same key in two objects is no duplicate)."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        given: dict[str, list[object]] = {}
        for key, value in pairs:
            given.setdefault(key, []).append(value)
        duplicated.update((key, values) for key, values in given.items() if len(values) > 1)
        return dict(pairs)

    return hook


def _depth(value: object) -> int:
    """How deep arrays and objects nest in ``value`` (0 for a scalar), without recursion."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, depth = level.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is not None:
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                return deepest
            level += [(child, depth + 1) for child in children]
    return deepest


def _report(problems: list[AnswerProblem], catalog: Catalog, lang: str) -> None:
    escape: Escape = terminal_escape
    for p in problems:
        prefix = "interview.invalid" if catalog.has(lang, f"interview.invalid.{p.why}") else None
        key = f"{prefix or 'verdict.diagnose'}.{p.why}"
        values = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in p.values.items()}
        why = catalog.text(lang, key, plain, **values)
        if "choices" in values:
            why = catalog.text(lang, "verdict.diagnose.allowed", plain, why=why, **values)
        literal = p.key in ("--answers", "--evidence")
        value = str(p.value) if literal else json.dumps(p.value, ensure_ascii=False)
        value = echoed(value, ECHOED)
        line = catalog.text(
            lang, "verdict.diagnose.problem", escape, key=p.key, value=value, why=why
        )
        print(line, file=sys.stderr)

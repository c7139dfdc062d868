"""The verdict in words: :class:`bot.verdict.Verdict` + answers -> :class:`bot.views.VerdictView`.

Texts come from ``prompts/<lang>/verdict.toml``; answers are quoted through the choice labels
of ``interview.toml``. Labels and the user's own text are passed to the templates as values, so
the target's ``escape`` is applied to them exactly once. A poll's numbers reach the texts as
values too: the reasons' own (:attr:`bot.verdict.rules.Reason.values`), the counts cited on
the alternatives, a sentence after the headline, and one flip per platform (``question`` is
:data:`bot.verdict.flips.POLL`, ``answer`` the number of further answers).
"""

from __future__ import annotations

from typing import Any

from bot.catalog import Catalog, Escape, plain
from bot.schema import Answers, AnswerValue
from bot.verdict import Verdict
from bot.verdict.evidence import MIN_RESPONDENTS
from bot.verdict.flips import POLL
from bot.verdict.rules import POLL_CHOICE
from bot.views import AlternativeView, CodedText, FlipView, PlatformView, VerdictTitles, VerdictView

_ONE = (
    "business_model",
    "buyers",
    "current_engagement",
    "success_metric",
    "bought_growth",
    "effort_owner",
)


class _Words:
    """Unescaped labels and fragments, to be passed as values into escaped templates."""

    def __init__(self, catalog: Catalog, lang: str) -> None:
        self.catalog, self.lang = catalog, lang

    def text(self, key: str, **values: Any) -> str:
        return self.catalog.text(self.lang, key, plain, **values)

    def choice(self, question: str, choice: object) -> str:
        key = f"interview.question.{question}.choice.{choice}"
        return self.text(key) if isinstance(choice, str) and self._has(key) else ""

    def listing(self, question: str, value: object) -> str:
        if not isinstance(value, tuple | list):
            return ""
        if not value:
            return self.text("interview.answer.none")
        quoted = [self.text("verdict.quote", text=self.choice(question, c)) for c in value]
        if len(quoted) == 1:
            return quoted[0]
        return self.text("verdict.list_and", head=", ".join(quoted[:-1]), last=quoted[-1])

    def answer(self, question: str, value: AnswerValue) -> str:
        """Any answer as a short phrase (for flips)."""
        base = question.partition(".")[0]
        if isinstance(value, tuple):
            return self.listing(base, value)
        if isinstance(value, int):
            key = "interview.answer.hours" if base == "effort_hours" else "interview.answer.scale"
            return self.text(key, hours=value, value=value)
        return self.choice(base, value) or value

    def _has(self, key: str) -> bool:
        return self.catalog.has(self.lang, key) or self.catalog.has(self.catalog.default_lang, key)


def answer_values(answers: Answers, catalog: Catalog, lang: str) -> dict[str, Any]:
    """The values every verdict text may print: the answers as labels ("" when unanswered)."""
    words = _Words(catalog, lang)
    values: dict[str, Any] = {q: words.choice(q, answers.get(q)) for q in _ONE}
    values["hooks"] = words.listing("hooks", answers.get("hooks"))
    values["owned_channels"] = words.listing("owned_channels", answers.get("owned_channels"))
    honesty, hours = answers.get("honesty"), answers.get("effort_hours")
    values["honesty"] = words.answer("honesty", honesty) if isinstance(honesty, int) else ""
    values["hours"] = words.answer("effort_hours", hours) if isinstance(hours, int) else ""
    audience = answers.get("audience")
    values["audience"] = audience if isinstance(audience, str) else ""
    return values


def verdict_view(
    verdict: Verdict, answers: Answers, catalog: Catalog, lang: str, escape: Escape
) -> VerdictView:
    """Render ``verdict`` in ``lang``; every string is escaped for the target by ``escape``."""
    words = _Words(catalog, lang)
    values = answer_values(answers, catalog, lang)

    def shown(key: str, **extra: Any) -> str:
        return catalog.text(lang, f"verdict.{key}", escape, **{**values, **extra})

    headline = shown(f"headline.{verdict.headline}", count=len(verdict.platforms))
    poll = verdict.evidence
    if poll is not None:
        summary = "summary" if poll.used else "summary_too_few"
        said = shown(
            f"poll.{summary}",
            respondents=poll.respondents,
            nowhere=poll.wanting("nowhere"),
            needed=MIN_RESPONDENTS,
        )
        headline = f"{headline} {said}"
    if values["audience"]:
        headline = f"{headline} {shown('audience')}"
    names = {
        p.platform: words.choice("platforms", p.platform) or p.platform for p in verdict.platforms
    }
    platforms = tuple(
        PlatformView(
            platform=p.platform,
            name=escape(names[p.platform]),
            verdict=p.verdict,
            verdict_label=shown(f"label.{p.verdict}"),
            reasons=tuple(
                shown(
                    f"reason.{r.code}",
                    platform=names[p.platform],
                    presence=words.choice("presence", answers.get(f"presence.{p.platform}")),
                    **dict(r.values),
                )
                for r in p.reasons
            ),
        )
        for p in verdict.platforms
    )
    flips: list[FlipView] = []
    for p in verdict.platforms:
        flips += [
            FlipView(
                platform=f.platform,
                question=f.question,
                answer=f.answer,
                verdict=f.verdict,
                text=shown(
                    "flip.text",
                    platform=names[f.platform],
                    question=_question_label(words, f.question, names),
                    answer=words.answer(f.question, f.answer),
                    verdict=words.text(f"verdict.label.{f.verdict}"),
                ),
            )
            for f in verdict.flips
            if f.platform == p.platform
        ]
        flips += [
            FlipView(
                platform=f.platform,
                question=POLL,
                answer=f.more,
                verdict=f.verdict,
                text=shown(
                    "flip.poll_wanting" if f.wanting else "flip.poll_not_wanting",
                    platform=names[f.platform],
                    more=f.more,
                    verdict=words.text(f"verdict.label.{f.verdict}"),
                ),
            )
            for f in verdict.poll_flips
            if f.platform == p.platform
        ]

    def alternative_text(channel: str, reason: str, asked: int | None) -> str:
        text = shown(f"alternative.{reason}")
        if poll is None or asked is None:
            return text
        cited = shown(f"poll.{POLL_CHOICE[channel]}", wanting=asked, respondents=poll.respondents)
        return f"{cited} {text}"

    return VerdictView(
        titles=VerdictTitles(*(shown(f"title.{name}") for name in VerdictTitles.__slots__)),
        headline=headline,
        score=verdict.score,
        score_label=shown("score_label"),
        platforms=platforms,
        warnings=tuple(CodedText(w, shown(f"warning.{w}")) for w in verdict.warnings),
        alternatives=tuple(
            AlternativeView(
                a.channel,
                shown(f"channel.{a.channel}"),
                alternative_text(a.channel, a.reason, a.poll),
            )
            for a in verdict.alternatives
        ),
        flips=tuple(flips),
    )


def _question_label(words: _Words, question: str, names: dict[str, str]) -> str:
    base, _, subject = question.partition(".")
    return words.text(f"interview.question.{base}.label", platform=names.get(subject, subject))


def verdict_text(view: VerdictView, catalog: Catalog, lang: str) -> str:
    """The whole verdict as plain text (``prompts/<lang>/verdict.txt.j2``), e.g. for a terminal.

    ``view`` must already be escaped for that terminal.
    """
    return catalog.render_file(lang, "verdict.txt.j2", plain, view=view).rstrip() + "\n"

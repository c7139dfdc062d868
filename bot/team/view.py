"""Team rounds and reports in words: :mod:`bot.team.rounds` and :mod:`bot.team.report` ->
neutral views, in the participant's or the round's language.

Mentions of people and channels and dates are the platform's own markup (Slack and Discord
each have theirs, and show a date in the reader's time zone), so the adapter passes
:class:`Refs` that make them; everything else is escaped for the target.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog, Escape, plain
from bot.refs import Refs, Safe
from bot.render import choice_label, question_label
from bot.schema import Schema
from bot.team.chart import ChartLabels, chart_labels
from bot.team.report import TeamReport
from bot.team.rounds import Round, Tally


@dataclass(frozen=True, slots=True)
class RoundView:
    """The channel message of a round, kept up to date."""

    round_id: int
    title: str
    lines: tuple[str, ...]
    progress: str
    open: bool
    join: str
    close: str


@dataclass(frozen=True, slots=True)
class InviteView:
    """What a participant is told privately before answering."""

    round_id: int
    text: str
    privacy: str
    reuse: str | None
    """Set when they have a verdict already: the question "use it or answer again?"."""
    use: str
    redo: str
    start: str
    decline: str


@dataclass(frozen=True, slots=True)
class TeamReportView:
    round_id: int
    title: str
    summary: str
    privacy: str | None
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    """(title, lines) in the order shown."""
    chart_alt: str
    report: TeamReport
    chart: ChartLabels | None
    """``None`` when there is nothing to draw (no network chosen)."""


class TeamTexts:
    """Team texts in one language for one target."""

    def __init__(self, catalog: Catalog, lang: str, escape: Escape, refs: Refs) -> None:
        self.catalog, self.lang, self.escape, self.refs = catalog, lang, escape, refs

    def text(self, key: str, /, **values: object) -> str:
        return self.catalog.text(self.lang, f"team.{key}", self.escape, **values)

    def user(self, user_id: str) -> Safe:
        return Safe(self.refs.user(user_id)) if user_id else Safe("—")

    def channel(self, channel_id: str) -> Safe:
        return Safe(self.refs.channel(channel_id))

    def round_view(self, round_: Round, tally: Tally, invited: tuple[str, ...] = ()) -> RoundView:
        owner = self.user(round_.owner)
        lines = [self.text("round.opened", owner=owner)]
        lines.append(self.text("round.named" if round_.named else "round.anonymous"))
        date = Safe(self.refs.date(round_.deadline))
        key = "round.deadline" if round_.invited_only else "round.deadline_open"
        lines.append(self.text(key, owner=owner, date=date))
        if invited:
            people = Safe(", ".join(self.refs.user(u) for u in invited))
            lines.append(self.text("round.invited", people=people))
        progress = self.text("round.progress", answered=tally.answered, expected=tally.expected)
        if tally.declined:
            progress += " · " + self.text("round.declined", declined=tally.declined)
        if not round_.open:
            lines = [self.text("round.closed" if tally.answered else "round.closed_empty")]
        return RoundView(
            round_.id,
            self.text("round.title"),
            tuple(lines),
            progress,
            round_.open,
            self.text("round.join"),
            self.text("round.close"),
        )

    def invite_view(self, round_: Round, *, has_verdict: bool) -> InviteView:
        return InviteView(
            round_.id,
            self.text(
                "invite.text", owner=self.user(round_.owner), channel=self.channel(round_.channel)
            ),
            self.text("round.named" if round_.named else "round.anonymous"),
            self.text("invite.reuse") if has_verdict else None,
            self.text("invite.use"),
            self.text("invite.redo"),
            self.text("invite.start"),
            self.text("invite.decline"),
        )

    def notice(self, key: str, round_: Round | None = None) -> str:
        """``team.notice.<key>`` (or ``team.invite.<key>``), naming the round's owner."""
        owner = self.user(round_.owner) if round_ is not None else Safe("")
        channel = self.channel(round_.channel) if round_ is not None else Safe("")
        full = key if "." in key else f"notice.{key}"
        return self.text(full, owner=owner, channel=channel)

    def report_view(self, round_: Round, report: TeamReport, schema: Schema) -> TeamReportView:
        sections: list[tuple[str, tuple[str, ...]]] = []
        names = self._names(report)
        verdict_label = {v: self._core(f"verdict.label.{v}") for v in ("engage", "test", "drop")}
        if report.answered:
            lines = []
            for n in report.networks:
                lines.append(
                    self.text(
                        "report.network",
                        name=names.get(n.platform, n.platform),
                        engage=n.engage,
                        test=n.test,
                        drop=n.drop,
                        verdict=verdict_label[n.team],
                    )
                )
                if report.named and n.who:
                    for verdict, who in n.who.items():
                        if who:
                            people = Safe(", ".join(self.refs.user(u) for u in who))
                            lines.append(
                                self.text(
                                    "report.names", verdict=verdict_label[verdict], people=people
                                )
                            )
            sections.append(
                (self.text("report.networks"), tuple(lines or [self.text("report.no_network")]))
            )
            diverging = []
            for d in report.divergences:
                question = schema.question(d.question, _presence_answers(d.question))
                if question is None:
                    continue
                counts = ", ".join(
                    self.catalog.text(
                        self.lang,
                        "team.report.count",
                        plain,
                        n=n,
                        answer=choice_label(self.catalog, self.lang, question, answer),
                    )
                    for answer, n in d.counts
                )
                if question.base == "presence":
                    diverging.append(
                        self.text(
                            "report.diverge_presence",
                            platform=names.get(question.subject, question.subject),
                            counts=counts,
                        )
                    )
                else:
                    label = question_label(self.catalog, self.lang, question, plain)
                    diverging.append(self.text("report.diverge", question=label, counts=counts))
            sections.append(
                (self.text("report.diverge_title"), tuple(diverging or [self.text("report.agree")]))
            )
            if report.warnings:
                sections.append(
                    (
                        self.text("report.warnings_title"),
                        tuple(
                            self._warning(w.code, w.count, report.answered, w.who)
                            for w in report.warnings
                        ),
                    )
                )
            if report.alternatives:
                sections.append(
                    (
                        self.text("report.alternatives_title"),
                        tuple(
                            self.text(
                                "report.alternative",
                                name=self._core(f"verdict.channel.{a.channel}"),
                                count=a.count,
                                answered=report.answered,
                            )
                            for a in report.alternatives
                        ),
                    )
                )
        summary = self.text("report.answered", answered=report.answered, expected=report.expected)
        if not report.answered:
            summary = self.text("report.empty")
        chart = None
        if report.networks:
            chart = chart_labels(report, self.catalog, self.lang)
        return TeamReportView(
            round_.id,
            self.text("report.title"),
            summary,
            None if report.named else self.text("report.anonymous"),
            tuple(sections),
            self.text("report.chart_alt"),
            report,
            chart,
        )

    def _warning(self, code: str, count: int, answered: int, who: tuple[str, ...] | None) -> str:
        line = self.text(
            "report.warning", name=self.text(f"warning.{code}"), count=count, answered=answered
        )
        if who:
            line += " (" + ", ".join(self.refs.user(u) for u in who) + ")"
        return line

    def _names(self, report: TeamReport) -> dict[str, str]:
        key = "interview.question.platforms.choice.{}"
        platforms = {n.platform for n in report.networks}
        for d in report.divergences:
            base, _, subject = d.question.partition(".")
            if base == "presence":
                platforms.add(subject)
        return {p: self._core(key.format(p)) for p in platforms}

    def _core(self, key: str) -> str:
        return self.catalog.text(self.lang, key)


def _presence_answers(question_id: str) -> dict[str, tuple[str, ...]]:
    """The answers that make a ``presence.<platform>`` question exist (to look it up)."""
    base, _, subject = question_id.partition(".")
    return {"platforms": (subject,)} if base == "presence" and subject else {}

"""Escaping user text for Discord markdown, so that it shows as typed and pings no one.

``discord_escape`` is the escape the conversation service applies to every value it prints
(the user's own words, quoted labels). It backslash-escapes the characters Discord markdown
gives a meaning to, breaks ``<@123>``-style mentions, channel links, role mentions, custom
emoji and timestamps, and neutralises ``@everyone`` / ``@here`` with a zero-width space. The
bot also sends every message with ``AllowedMentions.none()``: escaping keeps the text inert to
the eye as well.

``plain_label`` undoes the markdown escaping for places Discord does not render markdown
(button labels, select options, modal texts), where a backslash would show.

Lone surrogates (which no UTF-8 payload can carry) become U+FFFD.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"

# Characters with a meaning anywhere in a line: emphasis, code, spoilers, masked links,
# mentions/emoji/timestamps (all start with "<").
_INLINE = re.compile(r"([\\*_~`|\[\]<>])")
# Characters with a meaning only at the start of a line: headings, lists, quotes, subtext.
_LINE_START = re.compile(r"^(\s*)([#+\-]|\d+\.)", re.MULTILINE)
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def discord_escape(text: str) -> str:
    """``text`` made safe to print inside a Discord message or embed."""
    out = _INLINE.sub(r"\\\1", _LONE_SURROGATE.sub("\ufffd", text))
    out = _LINE_START.sub(_escape_line_start, out)
    # "<" is already escaped above; a zero-width space after it also breaks the mention
    # syntax for clients that ignore the backslash in some places (embed field names).
    out = out.replace("\\<", "\\<" + ZWSP)
    return _MASS_MENTION.sub("@" + ZWSP + r"\1", out)


def _escape_line_start(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{space}{marker[:-1]}\\."
    return f"{space}\\{marker}"


def plain_label(text: str) -> str:
    """Escaped text as shown where Discord renders no markdown (labels, options, modals)."""
    return _ESCAPED.sub(r"\1", text.replace("\\<" + ZWSP, "\\<"))

"""The database schema as SQLAlchemy Core tables: the reference the migrations must produce.

``migrations/`` creates exactly these tables (a test compares them). Slack's OAuth tables
(``slack_installations``, ``slack_bots``, ``slack_oauth_states``) are not declared here: slack_sdk
reads and writes them with its own table objects; migration ``0002_slack_oauth`` holds a frozen
copy of their columns, and a test compares it with the installed slack_sdk.

Timestamps are UTC. On SQLite they are stored as text in SQLAlchemy's own ``DATETIME`` format
(``YYYY-MM-DD HH:MM:SS.ffffff``), which sorts as time does.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

conversations = Table(
    "conversations",
    metadata,
    # AUTOINCREMENT on SQLite: an id is never reused after ``forget``, so a compare-and-set that
    # names the id can never land on a newer conversation of the same user.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("interview_version", Integer, nullable=False),
    Column("phase", String(16), nullable=False),
    Column("cursor", String(128)),
    Column("return_to", String(16)),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("shown_channel", String(64)),
    Column("shown_message", String(64)),
    Column("shown_view", String(128)),
    UniqueConstraint("platform", "workspace", "user_id"),
    sqlite_autoincrement=True,
)
"""One row per (platform, workspace or guild, user). ``version`` counts stored turns;
``shown_*`` say which message shows the live view (see :class:`bot.conversation.Shown`)."""

answers = Table(
    "answers",
    metadata,
    Column(
        "conversation_id",
        Integer,
        ForeignKey("conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("question_id", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    # Clustered on (conversation_id, question_id): a conversation's answers are one range read.
    sqlite_with_rowid=False,
)
"""One answer per conversation and question. ``value`` is JSON: a list (many), an int, a string."""

processed_events = Table(
    "processed_events",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("event_id", String(255), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Index(None, "seen_at"),
)
"""Platform event ids already handled, for de-duplication of retried deliveries.

It holds no personal data (an opaque id and a time), so ``forget`` has nothing to remove here;
old rows are pruned by age (``seen_at`` is indexed for that).
"""

discord_command_sync = Table(
    "discord_command_sync",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
)
"""The hash of the slash commands last registered with Discord, one row per scope (``global``
or ``guild:<id>``), so that an unchanged command set is not registered again at each start."""

inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(128)),
    Column("claimed_at", DateTime(timezone=True)),
    Index(None, "claimed_at"),
    sqlite_autoincrement=True,
)
"""Platform events recorded before they are acknowledged, until their turn is done.

``claimed_by`` names the process working on one (see :mod:`bot.inbox`); a row whose claimant
died is claimed again and replayed. ``forget`` removes a user's rows.
"""

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(64), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("named", Integer, nullable=False),
    Column("invited_only", Integer, nullable=False),
    Column("lang", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("deadline", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float),
    Column("closed_by", String(16)),
    Column("message", String(64)),
    Column("report_message", String(64)),
    Column("report_claim", String(128)),
    Column("report_claimed_at", Float),
    Column("version", Integer, nullable=False),
    Index(None, "platform", "workspace", "channel"),
    Index(None, "status", "deadline"),
    sqlite_autoincrement=True,
)
"""Team rounds (:mod:`bot.team.rounds`), one channel each. Times are epoch seconds (a float,
the same on both databases), so that the scheduler compares them with its own clock.
``status`` changes once, by compare-and-set; ``report_claim`` says which process is posting
the report (taken over after a lease)."""

round_participants = Table(
    "round_participants",
    metadata,
    Column(
        "round_id",
        Integer,
        ForeignKey("rounds.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String(64), primary_key=True),
    Column("taking", String(16), nullable=False),
    Column("answers", Text),
    Column("joined_at", Float, nullable=False),
    Column("answered_at", Float),
    Index(None, "user_id"),
    sqlite_with_rowid=False,
)
"""Who takes part in a round and, once they reached a verdict, a copy of their answers
(JSON) — written only while the round is open."""

polls = Table(
    "polls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(64), nullable=False),
    Column("owner", String(64), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("message", String(64)),
    Column("lang", String(16), nullable=False),
    Column("choices", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("closes_at", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("closed_at", Float),
    Index(None, "platform", "workspace", "owner"),
    sqlite_autoincrement=True,
)
"""Listening polls (:mod:`bot.poll`): a marketer asks their audience where it wants to hear
from them. ``choices`` is a JSON list of choice ids; the status changes once (compare-and-set)."""

poll_votes = Table(
    "poll_votes",
    metadata,
    Column("poll_id", Integer, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True),
    Column("voter", String(64), primary_key=True),
    Column("choices", Text, nullable=False),
    Column("voted_at", Float, nullable=False),
    sqlite_with_rowid=False,
)
"""One row per respondent: their current choices (JSON list), changeable while the poll is
open. Never shown per person: only counts leave the database."""

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("ref", String(255), nullable=False),
    Column("due_at", Float, nullable=False),
    Column("payload", Text),
    Column("claimed_by", String(128)),
    Column("claimed_at", Float),
    Column("done_at", Float),
    UniqueConstraint("kind", "ref"),
    Index(None, "due_at"),
    sqlite_autoincrement=True,
)
"""Everything scheduled (:mod:`bot.schedule`): a poll's closing, a check-in, a reminder. One
row per (kind, ref); a process claims a due row by compare-and-set, and a claim older than a
lease is taken over. ``done_at`` set: it ran (or was turned off) and never runs again."""

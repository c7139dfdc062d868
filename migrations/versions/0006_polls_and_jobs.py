"""Listening polls and their votes, and the jobs table of everything scheduled.

A poll's votes are one row per respondent (changeable while it is open); ``jobs`` holds what
must happen at a time — a poll's closing, a check-in, a reminder — claimed by one process at
a time with a compare-and-set. Times are epoch seconds.

Revision ID: 0006_polls_and_jobs
Revises: 0005_team_rounds
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_polls_and_jobs"
down_revision = "0005_team_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("message", sa.String(64)),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("closes_at", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float()),
        sa.PrimaryKeyConstraint("id", name="pk_polls"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_polls_platform", "polls", ["platform", "workspace", "owner"])
    op.create_table(
        "poll_votes",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("voted_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("poll_id", "voter", name="pk_poll_votes"),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name="fk_poll_votes_poll_id_polls", ondelete="CASCADE"
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.Column("payload", sa.Text()),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("claimed_at", sa.Float()),
        sa.Column("done_at", sa.Float()),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("kind", "ref", name="uq_jobs_kind_ref"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_jobs_due_at", "jobs", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_due_at", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("poll_votes")
    op.drop_index("ix_polls_platform", table_name="polls")
    op.drop_table("polls")

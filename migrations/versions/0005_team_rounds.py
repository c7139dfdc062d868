"""Team rounds and their participants (``bot.team``).

A round is opened in one channel, its participants answer privately, and a copy of each
participant's answers is kept with the round for its report. Times are epoch seconds.

Revision ID: 0005_team_rounds
Revises: 0004_shown_and_inbox
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_team_rounds"
down_revision = "0004_shown_and_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("named", sa.Integer(), nullable=False),
        sa.Column("invited_only", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float()),
        sa.Column("closed_by", sa.String(16)),
        sa.Column("message", sa.String(64)),
        sa.Column("report_message", sa.String(64)),
        sa.Column("report_claim", sa.String(128)),
        sa.Column("report_claimed_at", sa.Float()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rounds_platform", "rounds", ["platform", "workspace", "channel"])
    op.create_index("ix_rounds_status", "rounds", ["status", "deadline"])
    op.create_table(
        "round_participants",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("taking", sa.String(16), nullable=False),
        sa.Column("answers", sa.Text()),
        sa.Column("joined_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float()),
        sa.PrimaryKeyConstraint("round_id", "user_id", name="pk_round_participants"),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name="fk_round_participants_round_id_rounds",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_round_participants_user_id", "round_participants", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_round_participants_user_id", table_name="round_participants")
    op.drop_table("round_participants")
    op.drop_index("ix_rounds_status", table_name="rounds")
    op.drop_index("ix_rounds_platform", table_name="rounds")
    op.drop_table("rounds")

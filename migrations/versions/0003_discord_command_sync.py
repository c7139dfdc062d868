"""The hash of the slash commands last registered with Discord, per scope.

Before this revision the Discord adapter created ``discord_command_sync`` by itself on first
use; a table already there is kept as it is, with its rows.

Revision ID: 0003_discord_command_sync
Revises: 0002_slack_oauth
Create Date: 2026-05-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_discord_command_sync"
down_revision = "0002_slack_oauth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("discord_command_sync"):
        return
    op.create_table(
        "discord_command_sync",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name="pk_discord_command_sync"),
    )


def downgrade() -> None:
    op.drop_table("discord_command_sync")

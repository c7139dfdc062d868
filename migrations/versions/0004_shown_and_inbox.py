"""Where each conversation's live view is shown, and the inbox of acknowledged events.

``conversations.shown_*`` keep the adapter's reference to the one message with live elements
(a Slack DM channel, a message ts, and which view it shows), so that any process can continue
any conversation. ``inbox`` holds each platform event from before its acknowledgement until
its turn is done: one acknowledged, then lost by a process that died, is replayed.

Revision ID: 0004_shown_and_inbox
Revises: 0003_discord_command_sync
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_shown_and_inbox"
down_revision = "0003_discord_command_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("shown_channel", sa.String(64)))
    op.add_column("conversations", sa.Column("shown_message", sa.String(64)))
    op.add_column("conversations", sa.Column("shown_view", sa.String(128)))
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbox_claimed_at", "inbox", ["claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_claimed_at", table_name="inbox")
    op.drop_table("inbox")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("shown_view")
        batch.drop_column("shown_message")
        batch.drop_column("shown_channel")

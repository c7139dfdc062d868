"""Slack's OAuth tables (installations, bots, states), as slack_sdk declares them.

slack_sdk's ``AsyncSQLAlchemyInstallationStore`` and ``AsyncSQLAlchemyOAuthStateStore`` read and
write these tables under their default names. Their columns are slack_sdk's own: this revision
asks slack_sdk's table builders for them rather than restating them. Tables already created by
slack_sdk's ``create_tables()`` are left as they are.

Revision ID: 0002_slack_oauth
Revises: 0001_initial
Create Date: 2026-05-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_slack_oauth"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def slack_metadata() -> sa.MetaData:
    # Imported here, not at the top: loading the revision files must not load slack_sdk.
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, TABLES[0])
    SQLAlchemyInstallationStore.build_bots_table(metadata, TABLES[1])
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, TABLES[2])
    return metadata


def upgrade() -> None:
    slack_metadata().create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    slack_metadata().drop_all(op.get_bind(), checkfirst=True)

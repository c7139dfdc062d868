"""Slack's OAuth tables (installations, bots, states), frozen as slack_sdk 3.x declares them.

slack_sdk's ``AsyncSQLAlchemyInstallationStore`` and ``AsyncSQLAlchemyOAuthStateStore`` read and
write these tables under their default names, with their own table objects. The columns,
types, nullability, defaults and indexes below are a copy of what slack_sdk's table builders
(``build_installations_table``, ``build_bots_table``, ``build_oauth_states_table``) declare, so
that running this revision neither loads slack_sdk nor depends on its installed version
(``tests/integration/test_migrations.py`` compares them with the installed slack_sdk). The two
defaults are applied by slack_sdk when it inserts a row, not by the database: they change no
DDL. Each primary key bears the name PostgreSQL gives an unnamed one.

A table that already exists (slack_sdk's ``create_tables()`` made it) is left as it is.

Revision ID: 0002_slack_oauth
Revises: 0001_initial
Create Date: 2026-05-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0002_slack_oauth"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

INDEXES = {
    "slack_installations": (
        "slack_installations_idx",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    ),
    "slack_bots": ("slack_bots_idx", ["client_id", "enterprise_id", "team_id", "installed_at"]),
}


def installations() -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False, default=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False, default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name=op.f("slack_installations_pkey")),
    ]


def bots() -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False, default=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False, default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name=op.f("slack_bots_pkey")),
    ]


def oauth_states() -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("slack_oauth_states_pkey")),
    ]


TABLES = {
    "slack_installations": installations,
    "slack_bots": bots,
    "slack_oauth_states": oauth_states,
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, columns in TABLES.items():
        if not inspector.has_table(name):
            op.create_table(name, *columns())
        if name in INDEXES:
            index, indexed = INDEXES[name]
            if index not in {i["name"] for i in inspector.get_indexes(name)}:
                op.create_index(index, name, indexed)


def downgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name in reversed(TABLES):
        if inspector.has_table(name):
            op.drop_table(name)  # its index goes with it

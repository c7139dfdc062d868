"""The head schema on SQLite as one DDL script, for a brand-new database file.

A new SQLite file gets its tables from :data:`SCRIPT` (run by ``bot.storage.sqlite.backend``
with the standard ``sqlite3`` module, in one ``BEGIN IMMEDIATE`` transaction) instead of from the
revisions in ``migrations/versions/``, so that a first start loads neither Alembic nor
SQLAlchemy. The script ends by stamping the head revision: Alembic then sees the file as it
would after ``upgrade head`` and applies later revisions to it as usual.

The statements are the ones the revisions emit on SQLite. It is a module rather than an
``.sql`` file so that it is installed with the code. ``tests/integration/test_sqlite_head.py``
checks that this script and the revisions produce the same schema: a new revision must come
with its DDL here and the new stamp.
"""

from __future__ import annotations

SCRIPT = """
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE conversations (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    platform VARCHAR(32) NOT NULL,
    workspace VARCHAR(64) NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    lang VARCHAR(16) NOT NULL,
    interview_version INTEGER NOT NULL,
    phase VARCHAR(16) NOT NULL,
    cursor VARCHAR(128),
    return_to VARCHAR(16),
    version INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    shown_channel VARCHAR(64),
    shown_message VARCHAR(64),
    shown_view VARCHAR(128),
    CONSTRAINT uq_conversations_platform_workspace_user_id UNIQUE (platform, workspace, user_id)
);

CREATE TABLE answers (
    conversation_id INTEGER NOT NULL,
    question_id VARCHAR(128) NOT NULL,
    value TEXT NOT NULL,
    answered_at DATETIME NOT NULL,
    CONSTRAINT pk_answers PRIMARY KEY (conversation_id, question_id),
    CONSTRAINT fk_answers_conversation_id_conversations FOREIGN KEY(conversation_id)
        REFERENCES conversations (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE processed_events (
    platform VARCHAR(32) NOT NULL,
    event_id VARCHAR(255) NOT NULL,
    seen_at DATETIME NOT NULL,
    CONSTRAINT pk_processed_events PRIMARY KEY (platform, event_id)
);

CREATE INDEX ix_processed_events_seen_at ON processed_events (seen_at);

CREATE TABLE slack_installations (
    id INTEGER NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    enterprise_url VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at DATETIME,
    user_id VARCHAR(32) NOT NULL,
    user_token VARCHAR(200),
    user_scopes VARCHAR(1000),
    user_refresh_token VARCHAR(200),
    user_token_expires_at DATETIME,
    incoming_webhook_url VARCHAR(200),
    incoming_webhook_channel VARCHAR(200),
    incoming_webhook_channel_id VARCHAR(200),
    incoming_webhook_configuration_url VARCHAR(200),
    is_enterprise_install BOOLEAN NOT NULL,
    token_type VARCHAR(32),
    installed_at DATETIME NOT NULL,
    CONSTRAINT slack_installations_pkey PRIMARY KEY (id)
);

CREATE INDEX slack_installations_idx
    ON slack_installations (client_id, enterprise_id, team_id, user_id, installed_at);

CREATE TABLE slack_bots (
    id INTEGER NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at DATETIME,
    is_enterprise_install BOOLEAN NOT NULL,
    installed_at DATETIME NOT NULL,
    CONSTRAINT slack_bots_pkey PRIMARY KEY (id)
);

CREATE INDEX slack_bots_idx ON slack_bots (client_id, enterprise_id, team_id, installed_at);

CREATE TABLE slack_oauth_states (
    id INTEGER NOT NULL,
    state VARCHAR(200) NOT NULL,
    expire_at DATETIME NOT NULL,
    CONSTRAINT slack_oauth_states_pkey PRIMARY KEY (id)
);

CREATE TABLE discord_command_sync (
    scope VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    synced_at DATETIME NOT NULL,
    CONSTRAINT pk_discord_command_sync PRIMARY KEY (scope)
);

CREATE TABLE inbox (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    platform VARCHAR(32) NOT NULL,
    workspace VARCHAR(64) NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    payload TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    claimed_by VARCHAR(128),
    claimed_at DATETIME
);

CREATE INDEX ix_inbox_claimed_at ON inbox (claimed_at);

CREATE TABLE rounds (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    platform VARCHAR(32) NOT NULL,
    workspace VARCHAR(64) NOT NULL,
    channel VARCHAR(64) NOT NULL,
    owner VARCHAR(64) NOT NULL,
    named INTEGER NOT NULL,
    invited_only INTEGER NOT NULL,
    lang VARCHAR(16) NOT NULL,
    status VARCHAR(16) NOT NULL,
    deadline FLOAT NOT NULL,
    created_at FLOAT NOT NULL,
    closed_at FLOAT,
    closed_by VARCHAR(16),
    message VARCHAR(64),
    report_message VARCHAR(64),
    report_claim VARCHAR(128),
    report_claimed_at FLOAT,
    version INTEGER NOT NULL
);

CREATE INDEX ix_rounds_platform ON rounds (platform, workspace, channel);

CREATE INDEX ix_rounds_status ON rounds (status, deadline);

CREATE TABLE round_participants (
    round_id INTEGER NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    taking VARCHAR(16) NOT NULL,
    answers TEXT,
    joined_at FLOAT NOT NULL,
    answered_at FLOAT,
    CONSTRAINT pk_round_participants PRIMARY KEY (round_id, user_id),
    CONSTRAINT fk_round_participants_round_id_rounds FOREIGN KEY(round_id)
        REFERENCES rounds (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX ix_round_participants_user_id ON round_participants (user_id);

CREATE TABLE polls (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    platform VARCHAR(32) NOT NULL,
    workspace VARCHAR(64) NOT NULL,
    owner VARCHAR(64) NOT NULL,
    channel VARCHAR(64) NOT NULL,
    message VARCHAR(64),
    lang VARCHAR(16) NOT NULL,
    choices TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    closes_at FLOAT NOT NULL,
    created_at FLOAT NOT NULL,
    closed_at FLOAT
);

CREATE INDEX ix_polls_platform ON polls (platform, workspace, owner);

CREATE TABLE poll_votes (
    poll_id INTEGER NOT NULL,
    voter VARCHAR(64) NOT NULL,
    choices TEXT NOT NULL,
    voted_at FLOAT NOT NULL,
    CONSTRAINT pk_poll_votes PRIMARY KEY (poll_id, voter),
    CONSTRAINT fk_poll_votes_poll_id_polls FOREIGN KEY(poll_id)
        REFERENCES polls (id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE jobs (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind VARCHAR(32) NOT NULL,
    ref VARCHAR(255) NOT NULL,
    due_at FLOAT NOT NULL,
    payload TEXT,
    claimed_by VARCHAR(128),
    claimed_at FLOAT,
    done_at FLOAT,
    CONSTRAINT uq_jobs_kind_ref UNIQUE (kind, ref)
);

CREATE INDEX ix_jobs_due_at ON jobs (due_at);

INSERT INTO alembic_version (version_num) VALUES ('0006_polls_and_jobs');
"""

-- Every table's key starts with tenant_id: isolation is structural, and no hot query crosses tenants.
-- Timestamps are Unix milliseconds; flags are 0/1 integers; JSON is stored as text.

CREATE TABLE tenants (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    settings        TEXT    NOT NULL,
    event_position  INTEGER NOT NULL DEFAULT 0,   -- the last position handed out in this tenant's event log
    pruned_through  INTEGER NOT NULL DEFAULT 0,   -- events up to here are gone (retention); resuming from before needs a resync
    created_at      INTEGER NOT NULL
);

CREATE TABLE api_keys (
    tenant_id   TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    key_hash    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);

CREATE TABLE users (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    username     TEXT,
    email        TEXT,
    avatar_url   TEXT,
    status_text  TEXT,
    role         TEXT    NOT NULL,
    metadata     TEXT,
    search_key   TEXT    NOT NULL,            -- id, name and username, case-folded by the server
    last_seen_at INTEGER,                     -- when the user's last connection closed
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    deleted_at   INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_by_username ON users (tenant_id, lower(username)) WHERE username IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE sessions (
    tenant_id   TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sessions_by_hash ON sessions (token_hash);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE conversations (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    title            TEXT,
    description      TEXT,
    avatar_url       TEXT,
    public_username  TEXT,
    read_only        INTEGER NOT NULL DEFAULT 0,
    metadata         TEXT,
    owner_id         TEXT,
    direct_key       TEXT,                        -- the two user IDs of a direct conversation, sorted
    search_key       TEXT    NOT NULL,            -- title and description, case-folded by the server
    member_count     INTEGER NOT NULL DEFAULT 0,
    last_seq         INTEGER NOT NULL DEFAULT 0,  -- the seq of the newest message
    activity_at      INTEGER NOT NULL,            -- orders the conversation list
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX conversations_by_direct_key ON conversations (tenant_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE UNIQUE INDEX conversations_by_public_username ON conversations (tenant_id, lower(public_username)) WHERE public_username IS NOT NULL;

CREATE TABLE members (
    tenant_id                  TEXT    NOT NULL,
    conversation_id            TEXT    NOT NULL,
    user_id                    TEXT    NOT NULL,
    role                       TEXT    NOT NULL,
    permissions                TEXT,              -- JSON array replacing the role's defaults, when set
    title                      TEXT,
    joined_at                  INTEGER NOT NULL,
    muted_until                INTEGER,           -- cannot post until then
    notifications_muted        INTEGER NOT NULL DEFAULT 0,
    notifications_muted_until  INTEGER,
    pinned                     INTEGER NOT NULL DEFAULT 0,
    archived                   INTEGER NOT NULL DEFAULT 0,
    last_read_seq              INTEGER NOT NULL DEFAULT 0,
    last_read_at               INTEGER,
    last_delivered_seq         INTEGER NOT NULL DEFAULT 0,
    last_delivered_at          INTEGER,
    PRIMARY KEY (tenant_id, conversation_id, user_id)
);
CREATE INDEX members_by_user ON members (tenant_id, user_id);
CREATE INDEX members_by_join ON members (tenant_id, conversation_id, joined_at, user_id);

CREATE TABLE conversation_bans (
    tenant_id        TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    banned_until     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, user_id)
);

CREATE TABLE messages (
    tenant_id                       TEXT    NOT NULL,
    id                              TEXT    NOT NULL,
    conversation_id                 TEXT    NOT NULL,
    seq                             INTEGER NOT NULL,
    sender_id                       TEXT,             -- null for system messages
    kind                            TEXT    NOT NULL,
    text                            TEXT,
    reply_to_id                     TEXT,
    forwarded_from_user_id          TEXT,
    forwarded_from_conversation_id  TEXT,
    forwarded_from_message_id       TEXT,
    mentions                        TEXT,             -- JSON array of user IDs
    metadata                        TEXT,
    client_message_id               TEXT,
    created_at                      INTEGER NOT NULL,
    updated_at                      INTEGER,
    edited_at                       INTEGER,
    deleted_at                      INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX messages_by_seq ON messages (tenant_id, conversation_id, seq);
-- System messages have no sender; COALESCE makes their retries collide too (NULLs never do).
CREATE UNIQUE INDEX messages_by_client_id ON messages (tenant_id, conversation_id, COALESCE(sender_id, ''), client_message_id) WHERE client_message_id IS NOT NULL;

-- Messages a user deleted for themselves only.
CREATE TABLE hidden_messages (
    tenant_id        TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, user_id, message_id)
);

-- Every forward move of a member's delivered or read pointer, so each message's receipt time is exact.
CREATE TABLE receipt_moves (
    tenant_id        TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    up_to_seq        INTEGER NOT NULL,
    at               INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, up_to_seq, user_id, status)
);

-- The durable event log. Position is per tenant and assigned in commit order.
-- An event reaches the members of conversation_id (see membership_periods) or the one user_id.
CREATE TABLE events (
    tenant_id        TEXT    NOT NULL,
    position         INTEGER NOT NULL,
    type             TEXT    NOT NULL,
    conversation_id  TEXT,
    user_id          TEXT,
    payload          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, position)
);
CREATE INDEX events_by_conversation ON events (tenant_id, conversation_id, position) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_by_user ON events (tenant_id, user_id, position) WHERE user_id IS NOT NULL;
CREATE INDEX events_by_time ON events (tenant_id, created_at);

-- When a user belonged to a conversation, in event positions (to_position inclusive, null while a member),
-- so a reader resuming from any position knows which conversation events were theirs.
CREATE TABLE membership_periods (
    tenant_id        TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    from_position    INTEGER NOT NULL,
    to_position      INTEGER,
    PRIMARY KEY (tenant_id, user_id, conversation_id, from_position)
);

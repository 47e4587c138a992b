-- Reactions: one row per (message, emoji, user).
CREATE TABLE reactions (
    tenant_id        TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    emoji            TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, message_id, emoji, user_id)
);

-- Pinned messages of a conversation, shared by its members.
CREATE TABLE pins (
    tenant_id        TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    pinned_by        TEXT    NOT NULL,
    pinned_at        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, message_id)
);
CREATE INDEX pins_by_time ON pins (tenant_id, conversation_id, pinned_at);

-- Messages a user starred, for that user only.
CREATE TABLE stars (
    tenant_id        TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    starred_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, message_id)
);
CREATE INDEX stars_by_time ON stars (tenant_id, user_id, starred_at);

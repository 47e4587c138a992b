-- Secrets every node of the server shares, such as the key that signs attachment URLs.
CREATE TABLE server_secrets (
    name             TEXT    NOT NULL PRIMARY KEY,
    value            TEXT    NOT NULL
);

-- Stored content, once per tenant and SHA-256; attachments and avatars point at it.
-- touched_at guards content an upload is about to use from the collector.
CREATE TABLE blobs (
    tenant_id        TEXT    NOT NULL,
    sha256           TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    mime_type        TEXT    NOT NULL,
    touched_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
) WITHOUT ROWID;

-- Uploaded files. attached turns true when a message first holds one; unattached ones are collected after a day.
CREATE TABLE attachments (
    tenant_id            TEXT    NOT NULL,
    id                   TEXT    NOT NULL,
    uploader_id          TEXT    NOT NULL,
    type                 TEXT    NOT NULL,
    mime_type            TEXT    NOT NULL,
    name                 TEXT,
    size                 INTEGER NOT NULL,
    width                INTEGER,
    height               INTEGER,
    duration             REAL,
    caption              TEXT,
    metadata             TEXT,
    sha256               TEXT    NOT NULL,
    thumbnail_sha256     TEXT,
    thumbnail_mime_type  TEXT,
    conversation_id      TEXT,
    attached             INTEGER NOT NULL DEFAULT FALSE,
    created_at           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX attachments_by_blob ON attachments (tenant_id, sha256);
CREATE INDEX attachments_by_thumbnail ON attachments (tenant_id, thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (tenant_id, created_at) WHERE attached = FALSE;

-- Which attachments a message holds, in order.
CREATE TABLE message_attachments (
    tenant_id        TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    position         INTEGER NOT NULL,
    attachment_id    TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, message_id, position)
) WITHOUT ROWID;
CREATE INDEX message_attachments_by_attachment ON message_attachments (tenant_id, attachment_id);
CREATE INDEX message_attachments_by_conversation ON message_attachments (tenant_id, conversation_id);

-- The avatar each user or conversation (owner: user:{id} | conversation:{id}) uses, when it is a stored image.
-- Only avatars in use are served, and their content is kept from the collector.
CREATE TABLE avatars (
    tenant_id        TEXT    NOT NULL,
    owner            TEXT    NOT NULL,
    sha256           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, owner)
) WITHOUT ROWID;
CREATE INDEX avatars_by_blob ON avatars (tenant_id, sha256);

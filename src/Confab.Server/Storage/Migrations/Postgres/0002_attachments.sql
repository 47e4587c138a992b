-- The schema of SQLite migration 0005: attachments, the blobs they point at, and avatars.

-- Secrets every node of the server shares, such as the key that signs attachment URLs.
CREATE TABLE server_secrets (
    name   text COLLATE "C" NOT NULL PRIMARY KEY,
    value  text COLLATE "C" NOT NULL
);

-- Stored content, once per tenant and SHA-256; attachments and avatars point at it.
-- touched_at guards content an upload is about to use from the collector.
CREATE TABLE blobs (
    tenant_id   text COLLATE "C" NOT NULL,
    sha256      text COLLATE "C" NOT NULL,
    size        bigint NOT NULL,
    mime_type   text COLLATE "C" NOT NULL,
    touched_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

-- Uploaded files. attached turns true when a message first holds one; unattached ones are collected after a day.
CREATE TABLE attachments (
    tenant_id            text COLLATE "C" NOT NULL,
    id                   text COLLATE "C" NOT NULL,
    uploader_id          text COLLATE "C" NOT NULL,
    type                 text COLLATE "C" NOT NULL,
    mime_type            text COLLATE "C" NOT NULL,
    name                 text COLLATE "C",
    size                 bigint NOT NULL,
    width                integer,
    height               integer,
    duration             double precision,
    caption              text COLLATE "C",
    metadata             text COLLATE "C",
    sha256               text COLLATE "C" NOT NULL,
    thumbnail_sha256     text COLLATE "C",
    thumbnail_mime_type  text COLLATE "C",
    conversation_id      text COLLATE "C",
    attached             boolean NOT NULL DEFAULT false,
    created_at           bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX attachments_by_blob ON attachments (tenant_id, sha256);
CREATE INDEX attachments_by_thumbnail ON attachments (tenant_id, thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (tenant_id, created_at) WHERE attached = false;

-- Which attachments a message holds, in order.
CREATE TABLE message_attachments (
    tenant_id        text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    position         integer NOT NULL,
    attachment_id    text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, message_id, position)
);
CREATE INDEX message_attachments_by_attachment ON message_attachments (tenant_id, attachment_id);
CREATE INDEX message_attachments_by_conversation ON message_attachments (tenant_id, conversation_id);

-- The avatar each user or conversation (owner: user:{id} | conversation:{id}) uses, when it is a stored image.
-- Only avatars in use are served, and their content is kept from the collector.
CREATE TABLE avatars (
    tenant_id   text COLLATE "C" NOT NULL,
    owner       text COLLATE "C" NOT NULL,
    sha256      text COLLATE "C" NOT NULL,
    created_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, owner)
);
CREATE INDEX avatars_by_blob ON avatars (tenant_id, sha256);

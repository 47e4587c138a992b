-- Reports of messages by members, for the tenant's moderators.
CREATE TABLE reports (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    message_id       TEXT    NOT NULL,
    reporter_id      TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    status           TEXT    NOT NULL,   -- open | resolved
    resolution       TEXT,
    created_at       INTEGER NOT NULL,
    resolved_at      INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX reports_by_status ON reports (tenant_id, status, id);

-- A tenant-wide ban: the user's sessions and sockets stop working until then.
ALTER TABLE users ADD COLUMN banned_until INTEGER;

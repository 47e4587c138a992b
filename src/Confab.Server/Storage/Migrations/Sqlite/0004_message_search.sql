-- Full-text search over message text. FTS5 rows are keyed by search_keys.id, an explicit INTEGER PRIMARY
-- KEY (stable across VACUUM, unlike the implicit rowid of messages).
CREATE TABLE search_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT    NOT NULL,
    message_id  TEXT    NOT NULL
);
CREATE UNIQUE INDEX search_keys_by_message ON search_keys (tenant_id, message_id);

CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO search_keys (tenant_id, message_id) SELECT tenant_id, id FROM messages WHERE deleted_at IS NULL AND text IS NOT NULL;
INSERT INTO message_text (rowid, text)
    SELECT k.id, m.text FROM search_keys k JOIN messages m ON m.tenant_id = k.tenant_id AND m.id = k.message_id;

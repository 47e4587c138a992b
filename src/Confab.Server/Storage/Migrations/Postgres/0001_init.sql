-- The schema of SQLite migrations 0001-0004 as one PostgreSQL migration.
-- Every table's key starts with tenant_id: isolation is structural, and no hot query crosses tenants.
-- Timestamps are Unix milliseconds (bigint); JSON is stored as text, as the server reads and writes it.
-- Text compares and sorts by code point (COLLATE "C"), as on SQLite: cursors, ORDER BY id and lower()
-- behave the same whatever the database's locale.

CREATE TABLE tenants (
    id              text COLLATE "C" NOT NULL PRIMARY KEY,
    name            text COLLATE "C" NOT NULL,
    settings        text COLLATE "C" NOT NULL,
    event_position  bigint NOT NULL DEFAULT 0,   -- the last position handed out in this tenant's event log
    pruned_through  bigint NOT NULL DEFAULT 0,   -- events up to here are gone (retention); resuming from before needs a resync
    created_at      bigint NOT NULL
);

CREATE TABLE api_keys (
    tenant_id   text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    key_hash    text COLLATE "C" NOT NULL,
    created_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);

CREATE TABLE users (
    tenant_id    text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    username     text COLLATE "C",
    email        text COLLATE "C",
    avatar_url   text COLLATE "C",
    status_text  text COLLATE "C",
    role         text COLLATE "C" NOT NULL,
    metadata     text COLLATE "C",
    search_key   text COLLATE "C" NOT NULL,   -- id, name and username, case-folded by the server
    last_seen_at bigint,                     -- when the user's last connection closed
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    deleted_at   bigint,
    banned_until bigint,                     -- a tenant-wide ban: sessions and sockets stop working until then
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_by_username ON users (tenant_id, lower(username)) WHERE username IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE sessions (
    tenant_id   text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    user_id     text COLLATE "C" NOT NULL,
    token_hash  text COLLATE "C" NOT NULL,
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX sessions_by_hash ON sessions (token_hash);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE conversations (
    tenant_id        text COLLATE "C" NOT NULL,
    id               text COLLATE "C" NOT NULL,
    type             text COLLATE "C" NOT NULL,
    title            text COLLATE "C",
    description      text COLLATE "C",
    avatar_url       text COLLATE "C",
    public_username  text COLLATE "C",
    read_only        boolean NOT NULL DEFAULT false,
    metadata         text COLLATE "C",
    owner_id         text COLLATE "C",
    direct_key       text COLLATE "C",           -- the two user IDs of a direct conversation, sorted
    search_key       text COLLATE "C" NOT NULL,  -- title and description, case-folded by the server
    member_count     integer NOT NULL DEFAULT 0,
    last_seq         bigint NOT NULL DEFAULT 0,  -- the seq of the newest message
    activity_at      bigint NOT NULL,            -- orders the conversation list
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX conversations_by_direct_key ON conversations (tenant_id, direct_key) WHERE direct_key IS NOT NULL;
CREATE UNIQUE INDEX conversations_by_public_username ON conversations (tenant_id, lower(public_username)) WHERE public_username IS NOT NULL;

CREATE TABLE members (
    tenant_id                  text COLLATE "C" NOT NULL,
    conversation_id            text COLLATE "C" NOT NULL,
    user_id                    text COLLATE "C" NOT NULL,
    role                       text COLLATE "C" NOT NULL,
    permissions                text COLLATE "C",   -- JSON array replacing the role's defaults, when set
    title                      text COLLATE "C",
    joined_at                  bigint NOT NULL,
    muted_until                bigint,             -- cannot post until then
    notifications_muted        boolean NOT NULL DEFAULT false,
    notifications_muted_until  bigint,
    pinned                     boolean NOT NULL DEFAULT false,
    archived                   boolean NOT NULL DEFAULT false,
    last_read_seq              bigint NOT NULL DEFAULT 0,
    last_read_at               bigint,
    last_delivered_seq         bigint NOT NULL DEFAULT 0,
    last_delivered_at          bigint,
    PRIMARY KEY (tenant_id, conversation_id, user_id)
);
CREATE INDEX members_by_user ON members (tenant_id, user_id);
CREATE INDEX members_by_join ON members (tenant_id, conversation_id, joined_at, user_id);

CREATE TABLE conversation_bans (
    tenant_id        text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    banned_until     bigint NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, user_id)
);

CREATE TABLE messages (
    tenant_id                       text COLLATE "C" NOT NULL,
    id                              text COLLATE "C" NOT NULL,
    conversation_id                 text COLLATE "C" NOT NULL,
    seq                             bigint NOT NULL,
    sender_id                       text COLLATE "C",   -- null for system messages
    kind                            text COLLATE "C" NOT NULL,
    text                            text COLLATE "C",
    reply_to_id                     text COLLATE "C",
    forwarded_from_user_id          text COLLATE "C",
    forwarded_from_conversation_id  text COLLATE "C",
    forwarded_from_message_id       text COLLATE "C",
    mentions                        text COLLATE "C",   -- JSON array of user IDs
    metadata                        text COLLATE "C",
    client_message_id               text COLLATE "C",
    created_at                      bigint NOT NULL,
    updated_at                      bigint,
    edited_at                       bigint,
    deleted_at                      bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX messages_by_seq ON messages (tenant_id, conversation_id, seq);
-- System messages have no sender; COALESCE makes their retries collide too (NULLs never do).
CREATE UNIQUE INDEX messages_by_client_id ON messages (tenant_id, conversation_id, COALESCE(sender_id, ''), client_message_id) WHERE client_message_id IS NOT NULL;

-- Messages a user deleted for themselves only.
CREATE TABLE hidden_messages (
    tenant_id        text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, user_id, message_id)
);

-- Every forward move of a member's delivered or read pointer, so each message's receipt time is exact.
CREATE TABLE receipt_moves (
    tenant_id        text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    status           text COLLATE "C" NOT NULL,
    up_to_seq        bigint NOT NULL,
    at               bigint NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, up_to_seq, user_id, status)
);

-- The durable event log. Position is per tenant and assigned in commit order: the tenant row's
-- event_position is incremented in the appending transaction and stays locked until it commits.
CREATE TABLE events (
    tenant_id        text COLLATE "C" NOT NULL,
    position         bigint NOT NULL,
    type             text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C",
    user_id          text COLLATE "C",
    payload          text COLLATE "C" NOT NULL,
    created_at       bigint NOT NULL,
    PRIMARY KEY (tenant_id, position)
);
CREATE INDEX events_by_conversation ON events (tenant_id, conversation_id, position) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_by_user ON events (tenant_id, user_id, position) WHERE user_id IS NOT NULL;
CREATE INDEX events_by_time ON events (tenant_id, created_at);

-- When a user belonged to a conversation, in event positions (to_position inclusive, null while a member).
CREATE TABLE membership_periods (
    tenant_id        text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    from_position    bigint NOT NULL,
    to_position      bigint,
    PRIMARY KEY (tenant_id, user_id, conversation_id, from_position)
);

CREATE TABLE reactions (
    tenant_id        text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    emoji            text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    created_at       bigint NOT NULL,
    PRIMARY KEY (tenant_id, message_id, emoji, user_id)
);

CREATE TABLE pins (
    tenant_id        text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    pinned_by        text COLLATE "C" NOT NULL,
    pinned_at        bigint NOT NULL,
    PRIMARY KEY (tenant_id, conversation_id, message_id)
);
CREATE INDEX pins_by_time ON pins (tenant_id, conversation_id, pinned_at);

CREATE TABLE stars (
    tenant_id        text COLLATE "C" NOT NULL,
    user_id          text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    starred_at       bigint NOT NULL,
    PRIMARY KEY (tenant_id, user_id, message_id)
);
CREATE INDEX stars_by_time ON stars (tenant_id, user_id, starred_at);

CREATE TABLE reports (
    tenant_id        text COLLATE "C" NOT NULL,
    id               text COLLATE "C" NOT NULL,
    conversation_id  text COLLATE "C" NOT NULL,
    message_id       text COLLATE "C" NOT NULL,
    reporter_id      text COLLATE "C" NOT NULL,
    reason           text COLLATE "C" NOT NULL,
    status           text COLLATE "C" NOT NULL,   -- open | resolved
    resolution       text COLLATE "C",
    created_at       bigint NOT NULL,
    resolved_at      bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX reports_by_status ON reports (tenant_id, status, id);

-- SQLite's instr(), so that store SQL testing "contains" is one text for both engines.
CREATE FUNCTION instr(haystack text, needle text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN strpos(haystack, needle);

-- Full-text search over message text, with the semantics of SQLite's FTS5 table (unicode61, diacritics
-- removed): words are runs of letters and digits, compared without case or accents. message_text is keyed
-- by search_keys.id in a column named rowid, as FTS5's is, so the statements that fill and empty it are
-- shared; only matching and ranking are spelled per engine (PostgresDialect).
CREATE TABLE search_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text COLLATE "C" NOT NULL,
    message_id  text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX search_keys_by_message ON search_keys (tenant_id, message_id);

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION search_words (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION search_words
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;

-- Punctuation separates words (as in unicode61), so hosts, e-mail addresses and paths are split into their words.
CREATE FUNCTION search_words_of(body text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(body, '[[:punct:]]+', ' ', 'g');

CREATE TABLE message_text (
    rowid     bigint NOT NULL PRIMARY KEY,
    text      text NOT NULL,
    document  tsvector GENERATED ALWAYS AS (to_tsvector('search_words', search_words_of(text))) STORED
);
CREATE INDEX message_text_by_word ON message_text USING gin (document);

-- The query for a list of words: each word a phrase of its tokens, all of them required, the last one a
-- prefix. The words are parsed as text, never as tsquery syntax; a word without letters or digits is dropped.
CREATE FUNCTION search_query(words text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (
        SELECT COALESCE(string_agg(
                   '(' || CASE WHEN place = cardinality(words) THEN phrase::text || ':*' ELSE phrase::text END || ')', ' & '),
                   '')::tsquery
        FROM (SELECT phraseto_tsquery('search_words', search_words_of(word)) AS phrase, place
              FROM unnest(words) WITH ORDINALITY AS w(word, place)) phrases
        WHERE phrase::text <> ''
    );

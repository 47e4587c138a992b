-- The server processes sharing this database; each is alive while its lease lasts (renewed by its heartbeat).
CREATE TABLE nodes (
    id          text COLLATE "C" NOT NULL PRIMARY KEY,
    expires_at  bigint NOT NULL
);

-- Users with at least one socket open on a node, and the status they chose (the same on every node).
CREATE TABLE presence (
    tenant_id  text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL,
    node_id    text COLLATE "C" NOT NULL,
    status     text COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, user_id, node_id)
);
CREATE INDEX presence_by_node ON presence (node_id);

-- A user's memberships in conversation order, from the index alone. A new database has no statistics, and
-- without them SQLite read every member of the tenant to find one user's: a user's unread counts (ordered by
-- conversation) took the conversation index for its order, and a user's peers started the join from the wrong side.
DROP INDEX members_by_user;
CREATE INDEX members_by_user ON members (tenant_id, user_id, conversation_id);

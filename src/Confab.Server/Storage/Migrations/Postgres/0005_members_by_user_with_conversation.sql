-- A user's memberships in conversation order, from the index alone (as on SQLite, where the planner needs it).
DROP INDEX members_by_user;
CREATE INDEX members_by_user ON members (tenant_id, user_id, conversation_id);

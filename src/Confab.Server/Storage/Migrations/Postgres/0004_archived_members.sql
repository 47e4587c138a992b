-- Every send unarchives the conversation for its members; this index finds the few archived ones without
-- reading every member of a large room.
CREATE INDEX members_archived ON members (tenant_id, conversation_id) WHERE archived;

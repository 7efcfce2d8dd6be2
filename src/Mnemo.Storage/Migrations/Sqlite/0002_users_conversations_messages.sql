-- Users: chosen by the caller, or derived from an external identity (usr_ + 16 hex).
CREATE TABLE users (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    email text,
    name text,
    metadata text NOT NULL DEFAULT '{}',
    external_provider text,
    external_id text,
    created_at integer NOT NULL,
    last_seen integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX users_external_identity ON users (tenant_id, external_provider, external_id)
    WHERE external_provider IS NOT NULL;

-- Conversations and messages hang off the tenant, not the users row: a campaign participant
-- has messages without being a system user. Erasure deletes them explicitly.
CREATE TABLE conversations (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    user_id text NOT NULL,
    campaign_id text,
    workflow_name text,
    status text NOT NULL CHECK (status IN ('active', 'ended')),
    started_at integer NOT NULL,
    ended_at integer,
    last_message_at integer,
    message_count integer NOT NULL DEFAULT 0,
    metadata text NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX conversations_by_user ON conversations (tenant_id, user_id, started_at DESC, id DESC);

-- seq is the rowid: it numbers messages in the order they were written and breaks ties
-- between messages of the same microsecond. Every index still leads with tenant_id.
CREATE TABLE messages (
    seq integer PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    user_id text NOT NULL,
    conversation_id text,
    campaign_id text,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content text NOT NULL,
    metadata text NOT NULL DEFAULT '{}',
    tags text NOT NULL DEFAULT '[]',
    created_at integer NOT NULL,
    edited_at integer,
    idempotency_key text
);

CREATE INDEX messages_history ON messages (tenant_id, user_id, created_at, seq);
CREATE UNIQUE INDEX messages_by_id ON messages (tenant_id, id);
CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, created_at, seq) WHERE conversation_id IS NOT NULL;
CREATE UNIQUE INDEX messages_idempotency ON messages (tenant_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Full-text index over message content, kept in step by triggers (so erasure clears it too).
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE events (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    user_id text,
    event_type text NOT NULL,
    event_data text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX events_by_user ON events (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX events_by_type ON events (tenant_id, event_type, created_at DESC, id DESC);

-- What was erased and when: counts and a salted hash of the user id, never content.
CREATE TABLE erasure_ledger (
    tenant_id text NOT NULL,
    id text NOT NULL,
    user_hash text NOT NULL,
    salt text NOT NULL,
    counts text NOT NULL,
    erased_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

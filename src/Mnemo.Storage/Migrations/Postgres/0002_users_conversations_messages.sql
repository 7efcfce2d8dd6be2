-- Users: chosen by the caller, or derived from an external identity (usr_ + 16 hex).
CREATE TABLE users (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    email text,
    name text,
    metadata jsonb NOT NULL DEFAULT '{}',
    external_provider text,
    external_id text,
    created_at timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX users_external_identity ON users (tenant_id, external_provider, external_id)
    WHERE external_provider IS NOT NULL;

-- Conversations and messages hang off the tenant, not the users row: a campaign participant
-- has messages without being a system user. Erasure deletes them explicitly.
CREATE TABLE conversations (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    user_id text NOT NULL,
    campaign_id text,
    workflow_name text,
    status text NOT NULL CHECK (status IN ('active', 'ended')),
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    last_message_at timestamptz,
    message_count bigint NOT NULL DEFAULT 0,
    metadata jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX conversations_by_user ON conversations (tenant_id, user_id, started_at DESC, id DESC);

-- Messages are ordered by (created_at, seq): seq breaks ties between messages of the same
-- microsecond in the order they were written.
CREATE TABLE messages (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    id uuid NOT NULL,
    user_id text NOT NULL,
    conversation_id uuid,
    campaign_id text,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    tags jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    edited_at timestamptz,
    idempotency_key text,
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
    PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX messages_history ON messages (tenant_id, user_id, created_at, seq);
CREATE UNIQUE INDEX messages_by_id ON messages (tenant_id, id);
CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, created_at, seq) WHERE conversation_id IS NOT NULL;
CREATE UNIQUE INDEX messages_idempotency ON messages (tenant_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX messages_search ON messages USING gin (search);

CREATE TABLE events (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    user_id text,
    event_type text NOT NULL,
    event_data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX events_by_user ON events (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX events_by_type ON events (tenant_id, event_type, created_at DESC, id DESC);

-- What was erased and when: counts and a salted hash of the user id, never content.
CREATE TABLE erasure_ledger (
    tenant_id text NOT NULL,
    id uuid NOT NULL,
    user_hash text NOT NULL,
    salt text NOT NULL,
    counts jsonb NOT NULL,
    erased_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

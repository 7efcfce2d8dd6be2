-- Seed 003's user profile; version is the ETag and grows with every write.
CREATE TABLE profiles (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id text NOT NULL,
    language text NOT NULL,
    persona text NOT NULL,
    tone text NOT NULL,
    preferred_topics jsonb NOT NULL DEFAULT '[]',
    memory_summary text,
    summary_updated_at timestamptz,
    version bigint NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- Seed 002's user insights, by topic and subtopic.
CREATE TABLE insights (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    user_id text NOT NULL,
    topic text NOT NULL,
    subtopic text,
    content text NOT NULL,
    confidence double precision,
    source text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX insights_by_user ON insights (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX insights_by_topic ON insights (tenant_id, user_id, topic, subtopic);

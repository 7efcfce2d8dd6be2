-- Seed 003's user profile; version is the ETag and grows with every write.
CREATE TABLE profiles (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id text NOT NULL,
    language text NOT NULL,
    persona text NOT NULL,
    tone text NOT NULL,
    preferred_topics text NOT NULL DEFAULT '[]',
    memory_summary text,
    summary_updated_at integer,
    version integer NOT NULL,
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;

-- Seed 002's user insights, by topic and subtopic.
CREATE TABLE insights (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    user_id text NOT NULL,
    topic text NOT NULL,
    subtopic text,
    content text NOT NULL,
    confidence real,
    source text,
    created_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX insights_by_user ON insights (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX insights_by_topic ON insights (tenant_id, user_id, topic, subtopic);

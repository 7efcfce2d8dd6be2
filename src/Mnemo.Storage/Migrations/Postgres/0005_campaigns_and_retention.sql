-- Seed 000: temporary campaign users, kept per campaign until they expire or subscribe.
CREATE TABLE campaigns (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    ttl_days integer,
    status text NOT NULL CHECK (status IN ('active', 'ended')),
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE campaign_participants (
    tenant_id text NOT NULL,
    campaign_id text NOT NULL,
    user_id text NOT NULL,
    context jsonb NOT NULL DEFAULT '{}',
    ttl_days integer,
    expires_at timestamptz NOT NULL,
    expiry_fixed boolean NOT NULL DEFAULT false,
    migrated_to text,
    migrated_at timestamptz,
    migration jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, user_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX campaign_participants_by_user ON campaign_participants (tenant_id, user_id);
CREATE INDEX campaign_participants_expiry ON campaign_participants (tenant_id, expires_at) WHERE migrated_to IS NULL;

-- The system user's context (seed 000/002 user context).
ALTER TABLE users ADD COLUMN context jsonb NOT NULL DEFAULT '{}';

-- Retention walks these by time within a tenant.
CREATE INDEX messages_retention ON messages (tenant_id, created_at);
CREATE INDEX events_retention ON events (tenant_id, created_at);
CREATE INDEX conversations_idle ON conversations (tenant_id, status, last_message_at);

-- Leases for jobs that one node at a time may run (retention). A lease row works behind
-- PgBouncer in transaction mode, where session advisory locks do not hold, and a node that
-- dies mid-pass blocks the next one only until its lease runs out.
CREATE TABLE job_leases (
    name text PRIMARY KEY,
    holder text,
    expires_at timestamptz NOT NULL
);

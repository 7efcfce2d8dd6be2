-- Seed 000: temporary campaign users, kept per campaign until they expire or subscribe.
CREATE TABLE campaigns (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    ttl_days integer,
    status text NOT NULL CHECK (status IN ('active', 'ended')),
    metadata text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE campaign_participants (
    tenant_id text NOT NULL,
    campaign_id text NOT NULL,
    user_id text NOT NULL,
    context text NOT NULL DEFAULT '{}',
    ttl_days integer,
    expires_at integer NOT NULL,
    expiry_fixed integer NOT NULL DEFAULT 0,
    migrated_to text,
    migrated_at integer,
    migration text,
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, user_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX campaign_participants_by_user ON campaign_participants (tenant_id, user_id);
CREATE INDEX campaign_participants_expiry ON campaign_participants (tenant_id, expires_at) WHERE migrated_to IS NULL;

-- The system user's context (seed 000/002 user context).
ALTER TABLE users ADD COLUMN context text NOT NULL DEFAULT '{}';

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
    expires_at integer NOT NULL
);

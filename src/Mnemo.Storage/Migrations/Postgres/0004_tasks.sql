-- Seed 002's task repository as a durable queue with leases.
CREATE TABLE tasks (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    task_type text NOT NULL,
    request jsonb NOT NULL,
    template jsonb,
    tags jsonb NOT NULL DEFAULT '{}',
    user_id text,
    dedupe_key text,
    status text NOT NULL CHECK (status IN ('pending', 'claimed', 'completed', 'dead')),
    priority integer NOT NULL,
    attempts integer NOT NULL,
    max_attempts integer NOT NULL,
    available_at timestamptz NOT NULL,
    worker_id text,
    lease_token text,
    lease_expires_at timestamptz,
    result jsonb,
    last_error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);

-- Claims walk this index: highest priority, then oldest due.
CREATE INDEX tasks_queue ON tasks (tenant_id, status, priority DESC, available_at, id);
CREATE INDEX tasks_by_user ON tasks (tenant_id, user_id) WHERE user_id IS NOT NULL;
-- At most one open task per dedupe key (one pending summarisation per user).
CREATE UNIQUE INDEX tasks_open_dedupe ON tasks (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'claimed');

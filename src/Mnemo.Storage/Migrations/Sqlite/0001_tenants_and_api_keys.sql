-- Tenants own everything; deleting one cascades to all its rows.
CREATE TABLE tenants (
    id text PRIMARY KEY,
    name text NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'suspended')),
    settings text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    updated_at integer NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_keys (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    secret_hash blob NOT NULL,
    scopes text NOT NULL,
    created_at integer NOT NULL,
    last_used_at integer,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;

-- Authentication finds a key by its public prefix before it knows the tenant.
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);

CREATE TABLE platform_api_keys (
    id text PRIMARY KEY,
    prefix text NOT NULL UNIQUE,
    secret_hash blob NOT NULL,
    created_at integer NOT NULL
) WITHOUT ROWID;

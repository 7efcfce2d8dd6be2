-- Seed 002's management system repository: systems the platform defines, their versions, their
-- assignment to tenants, and their configuration in revisions, with a tenant's override of it.
CREATE TABLE systems (
    id text PRIMARY KEY,
    name text NOT NULL,
    type text NOT NULL,
    description text NOT NULL DEFAULT '',
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE system_versions (
    system_id text NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    version text NOT NULL,
    released_at timestamptz NOT NULL,
    notes text NOT NULL DEFAULT '',
    PRIMARY KEY (system_id, version)
);

CREATE TABLE tenant_systems (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    system_id text NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    version text,
    enabled boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, system_id)
);

CREATE INDEX tenant_systems_by_system ON tenant_systems (system_id);

CREATE TABLE system_config_revisions (
    system_id text NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    revision bigint NOT NULL,
    config jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (system_id, revision)
);

CREATE TABLE tenant_config_revisions (
    tenant_id text NOT NULL,
    system_id text NOT NULL,
    revision bigint NOT NULL,
    config jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, system_id, revision),
    FOREIGN KEY (tenant_id, system_id) REFERENCES tenant_systems (tenant_id, system_id) ON DELETE CASCADE
);

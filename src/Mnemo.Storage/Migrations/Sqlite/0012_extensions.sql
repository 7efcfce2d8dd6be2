-- Seed 002's user extensions: a user's extensions, their usage metrics, and their practicality
-- factors (values of the tenant's factor registry). Every table names the user, so erasure and
-- the erasure test find them.
CREATE TABLE extensions (
    tenant_id text NOT NULL,
    id text NOT NULL,
    user_id text NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    config text NOT NULL DEFAULT '{}',
    enabled integer NOT NULL,
    metadata text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX extensions_by_user ON extensions (tenant_id, user_id, id);

CREATE TABLE extension_metrics (
    tenant_id text NOT NULL,
    extension_id text NOT NULL,
    id text NOT NULL,
    user_id text NOT NULL,
    name text NOT NULL,
    value real NOT NULL,
    recorded_at integer NOT NULL,
    PRIMARY KEY (tenant_id, extension_id, id),
    FOREIGN KEY (tenant_id, extension_id) REFERENCES extensions (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX extension_metrics_by_time ON extension_metrics (tenant_id, extension_id, recorded_at);

CREATE TABLE extension_factors (
    tenant_id text NOT NULL,
    extension_id text NOT NULL,
    factor_id text NOT NULL,
    user_id text NOT NULL,
    value real NOT NULL,
    PRIMARY KEY (tenant_id, extension_id, factor_id),
    FOREIGN KEY (tenant_id, extension_id) REFERENCES extensions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, factor_id) REFERENCES factors (tenant_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Seed 002's category repository: a tree of categories, a registry of weighted factors with
-- ranges, and entities (users, campaigns, extensions, systems) assigned to categories.
CREATE TABLE categories (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    parent_id text,
    description text NOT NULL DEFAULT '',
    metadata text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES categories (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX categories_by_parent ON categories (tenant_id, parent_id, id);

CREATE TABLE factors (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    name text NOT NULL,
    category_id text,
    weight real NOT NULL,
    min real NOT NULL,
    max real NOT NULL,
    description text NOT NULL DEFAULT '',
    created_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX factors_by_category ON factors (tenant_id, category_id, id);

CREATE TABLE entity_assignments (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    entity_type text NOT NULL CHECK (entity_type IN ('user', 'campaign', 'extension', 'system')),
    entity_id text NOT NULL,
    category_id text NOT NULL,
    factor_values text NOT NULL DEFAULT '{}',
    created_at integer NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, entity_id, category_id),
    FOREIGN KEY (tenant_id, category_id) REFERENCES categories (tenant_id, id)
) WITHOUT ROWID;

CREATE INDEX entity_assignments_by_category ON entity_assignments (tenant_id, category_id, id);

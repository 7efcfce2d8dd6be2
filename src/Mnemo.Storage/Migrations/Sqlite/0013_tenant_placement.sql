-- Tenant placement: SQLite is one file on one node, so its only database is itself. The
-- columns exist so that both backends read tenants with the same statements.
CREATE TABLE databases (
    id text PRIMARY KEY,
    connection_secret blob,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
) WITHOUT ROWID;

ALTER TABLE tenants ADD COLUMN database_id text;
ALTER TABLE tenants ADD COLUMN placed_here integer NOT NULL DEFAULT 1;

CREATE TABLE database_marker (
    database_id text PRIMARY KEY
) WITHOUT ROWID;

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
    only_row integer PRIMARY KEY DEFAULT 1 CHECK (only_row = 1),
    database_id text NOT NULL
) WITHOUT ROWID; -- so that only_row is a key of its own, not the rowid (which would count up)

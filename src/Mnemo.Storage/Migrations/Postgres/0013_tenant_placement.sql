-- Tenant placement (seed 002's tenant databases). The configured database is the catalog: it
-- lists the databases tenants may live in, itself among them (the row without a connection).
CREATE TABLE databases (
    id text PRIMARY KEY,
    connection_secret bytea,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);

-- In the catalog: where each tenant lives (NULL: the catalog). In every database: whether the
-- tenant's data lives here and takes writes; a tenant placed elsewhere keeps its catalog row
-- (keys and sessions hang on it) with placed_here false.
ALTER TABLE tenants ADD COLUMN database_id text;
ALTER TABLE tenants ADD COLUMN placed_here boolean NOT NULL DEFAULT true;

-- Which registered id this database answers to (one row at most), so that one PostgreSQL
-- database is never registered twice (a move between two names of one database would delete
-- what it copied), even by two registrations at once.
CREATE TABLE database_marker (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    database_id text NOT NULL
);

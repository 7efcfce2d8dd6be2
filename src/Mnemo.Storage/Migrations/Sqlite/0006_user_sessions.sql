-- End-user sign-in: a session is a chain of rotating refresh tokens; revoking it ends them all.
CREATE TABLE user_sessions (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id text NOT NULL,
    user_id text NOT NULL,
    created_at integer NOT NULL,
    revoked_at integer,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX user_sessions_by_user ON user_sessions (tenant_id, user_id);

-- Opaque tokens, stored as SHA-256 hashes only. Authentication finds a token by its hash before
-- it knows the tenant, so this key does not lead with tenant_id.
CREATE TABLE user_tokens (
    token_hash blob PRIMARY KEY,
    tenant_id text NOT NULL,
    session_id text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at integer NOT NULL,
    used_at integer,
    created_at integer NOT NULL,
    FOREIGN KEY (tenant_id, session_id) REFERENCES user_sessions (tenant_id, id) ON DELETE CASCADE
);

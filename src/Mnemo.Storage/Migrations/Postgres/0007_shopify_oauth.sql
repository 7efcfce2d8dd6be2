-- Seed 004's Shopify OAuth: per-tenant app credentials, one-time state nonces, installed shops.
-- Secrets (client secret, shop access tokens) are stored AES-GCM encrypted.
CREATE TABLE oauth_apps (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider text NOT NULL,
    client_id text NOT NULL,
    client_secret_encrypted bytea NOT NULL,
    scopes text NOT NULL,
    redirect_url text NOT NULL,
    frontend_url text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);

CREATE TABLE oauth_states (
    state_hash bytea PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shop text NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE oauth_merchants (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shop text NOT NULL,
    user_id text NOT NULL,
    access_token_encrypted bytea NOT NULL,
    scopes text NOT NULL,
    installed_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, shop)
);

CREATE INDEX oauth_merchants_by_user ON oauth_merchants (tenant_id, user_id);

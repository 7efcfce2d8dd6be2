-- Seed 004's Shopify OAuth: per-tenant app credentials, one-time state nonces, installed shops.
-- Secrets (client secret, shop access tokens) are stored AES-GCM encrypted.
CREATE TABLE oauth_apps (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider text NOT NULL,
    client_id text NOT NULL,
    client_secret_encrypted blob NOT NULL,
    scopes text NOT NULL,
    redirect_url text NOT NULL,
    frontend_url text NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);

CREATE TABLE oauth_states (
    state_hash blob PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shop text NOT NULL,
    expires_at integer NOT NULL,
    used_at integer
);

CREATE TABLE oauth_merchants (
    tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    shop text NOT NULL,
    user_id text NOT NULL,
    access_token_encrypted blob NOT NULL,
    scopes text NOT NULL,
    installed_at integer NOT NULL,
    updated_at integer NOT NULL,
    PRIMARY KEY (tenant_id, shop)
);

CREATE INDEX oauth_merchants_by_user ON oauth_merchants (tenant_id, user_id);

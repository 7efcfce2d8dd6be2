using System.Text.Json;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.OAuth;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;
using Mnemo.Users;

namespace Mnemo.Storage.OAuth;

/// <summary>The OAuth flow's rows on either backend.</summary>
public sealed class OAuthStore(MnemoDatabase database, TimeProvider timeProvider) : IOAuthStore
{
    private const string Provider = "shopify";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> SaveAppAsync(string tenantId, ShopifyAppRequest app, byte[] encryptedSecret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        const string sql = """
            INSERT INTO oauth_apps (tenant_id, provider, client_id, client_secret_encrypted, scopes, redirect_url, frontend_url, updated_at)
            SELECT id, @provider, @client_id, @secret, @scopes, @redirect_url, @frontend_url, @now FROM tenants WHERE id = @tenant_id
            ON CONFLICT (tenant_id, provider) DO UPDATE SET
                client_id = excluded.client_id, client_secret_encrypted = excluded.client_secret_encrypted, scopes = excluded.scopes,
                redirect_url = excluded.redirect_url, frontend_url = excluded.frontend_url, updated_at = excluded.updated_at
            """;
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(sql).With("provider", Provider).With("client_id", app.ClientId).With("secret", encryptedSecret)
                .With("scopes", app.Scopes).With("redirect_url", app.RedirectUrl).With("frontend_url", app.FrontendUrl)
                .With("now", timeProvider.GetUtcNowMicroseconds());
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<(ShopifyAppResponse App, byte[] EncryptedSecret)?> GetAppAsync(string tenantId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT client_id, scopes, redirect_url, frontend_url, client_secret_encrypted FROM oauth_apps
            WHERE tenant_id = @tenant_id AND provider = @provider
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("provider", Provider);
        return await command.SingleOrDefaultAsync(reader => ((ShopifyAppResponse, byte[])?)(
            new ShopifyAppResponse(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)), reader.GetFieldValue<byte[]>(4)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task CreateStateAsync(string tenantId, string shop, byte[] stateHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command("INSERT INTO oauth_states (state_hash, tenant_id, shop, expires_at) VALUES (@hash, @tenant_id, @shop, @expires_at)")
                .With("hash", stateHash).With("shop", shop).With("expires_at", expiresAt);
            return await command.ExecuteAsync(token);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<string?> FindStateAsync(byte[] stateHash, string shop, CancellationToken cancellationToken)
    {
        const string sql = "SELECT tenant_id FROM oauth_states WHERE state_hash = @hash AND shop = @shop AND used_at IS NULL AND expires_at > @now";
        // The callback names no tenant: the state is looked for in every database tenants live in.
        string? tenantId = null;
        await database.ForEachDatabaseAsync(async (_, token) =>
        {
            if (tenantId is null)
            {
                await using var session = await database.ReadAsync(token);
                await using var command = session.Command(sql).With("hash", stateHash).With("shop", shop).With("now", timeProvider.GetUtcNowMicroseconds());
                tenantId = await command.ScalarAsync(token) as string;
            }
        }, cancellationToken);
        return tenantId;
    }

    /// <inheritdoc />
    public Task<ResolvedUser?> CompleteInstallAsync(
        string tenantId, string shop, byte[] stateHash, byte[] encryptedAccessToken, string scopes, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            // Consuming the state is the guard: of two callbacks with one state, only one gets here.
            await using (var consume = session.Command("UPDATE oauth_states SET used_at = @now WHERE state_hash = @hash AND tenant_id = @tenant_id AND used_at IS NULL AND expires_at > @now")
                .With("now", now).With("hash", stateHash))
            {
                if (await consume.ExecuteAsync(token) == 0)
                {
                    return null;
                }
            }
            var candidate = UserRows.Bare(UserIds.Derive(tenantId, Provider, shop), now) with { ExternalProvider = Provider, ExternalId = shop };
            var isNew = await UserRows.InsertIfMissingAsync(session, candidate, token);
            await using (var select = session.Command($"SELECT {UserRows.Columns} FROM users WHERE tenant_id = @tenant_id AND id = @id").With("id", candidate.Id))
            {
                var user = await select.SingleOrDefaultAsync(reader => UserRows.Read(_sql, reader), token);
                if (user is null || user.ExternalProvider != Provider || user.ExternalId != shop)
                {
                    throw new UserIdCollisionException(candidate.Id);
                }
                candidate = user;
            }
            await using (var merchant = session.Command("""
                INSERT INTO oauth_merchants (tenant_id, shop, user_id, access_token_encrypted, scopes, installed_at, updated_at)
                VALUES (@tenant_id, @shop, @user_id, @token, @scopes, @now, @now)
                ON CONFLICT (tenant_id, shop) DO UPDATE SET
                    access_token_encrypted = excluded.access_token_encrypted, scopes = excluded.scopes, updated_at = excluded.updated_at
                """).With("shop", shop).With("user_id", candidate.Id).With("token", encryptedAccessToken)
                .With("scopes", scopes).With("now", now))
            {
                await merchant.ExecuteAsync(token);
            }
            var shopJson = JsonSerializer.Serialize(shop, MnemoJsonContext.Default.String);
            if (isNew)
            {
                await EventRows.InsertAsync(session, candidate.Id, EventTypes.UserCreated, $$"""{"provider":"shopify"}""", now, token);
            }
            await EventRows.InsertAsync(session, candidate.Id, EventTypes.OAuthComplete,
                $$"""{"shop":{{shopJson}},"first_time":{{(isNew ? "true" : "false")}}}""", now, token);
            return new ResolvedUser(candidate, isNew);
        }, cancellationToken);
}

using System.Security.Cryptography;
using Mnemo.Sessions;
using Mnemo.Time;

namespace Mnemo.Storage.Sessions;

/// <summary>Sessions and tokens on either backend.</summary>
public sealed class SessionStore(MnemoDatabase database, TimeProvider timeProvider) : ISessionStore
{
    private const string TokenSql = """
        SELECT t.tenant_id, t.session_id, t.kind, t.expires_at, t.used_at, s.user_id, s.revoked_at, t.token_hash,
               (SELECT status FROM tenants WHERE id = t.tenant_id) AS tenant_status
        FROM user_tokens t JOIN user_sessions s ON s.tenant_id = t.tenant_id AND s.id = t.session_id
        WHERE t.token_hash = @hash
        """;

    private const string InsertTokenSql = """
        INSERT INTO user_tokens (token_hash, tenant_id, session_id, kind, expires_at, created_at)
        VALUES (@hash, @tenant_id, @session_id, @kind, @expires_at, @now)
        """;

    private const string RevokeSql = "UPDATE user_sessions SET revoked_at = @now WHERE tenant_id = @tenant_id AND id = @id AND revoked_at IS NULL";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<TokenPair> LoginAsync(string tenantId, string userId, TokenLifetimes lifetimes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lifetimes);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            var sessionId = Guid.CreateVersion7(now);
            await using (var insert = session.Command("INSERT INTO user_sessions (tenant_id, id, user_id, created_at) VALUES (@tenant_id, @id, @user_id, @now)")
                .With("id", sessionId).With("user_id", userId).With("now", now))
            {
                await insert.ExecuteAsync(token);
            }
            return await IssueAsync(session, sessionId, lifetimes, now, token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string?> TenantOfAsync(string token, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        return (await FindAsync(session, token, lockRow: false, cancellationToken))?.TenantId;
    }

    /// <inheritdoc />
    public Task<(RefreshOutcome Outcome, TokenPair? Tokens)> RefreshAsync(string refreshToken, TokenLifetimes lifetimes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lifetimes);
        return database.WriteAsync(async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            var found = await FindAsync(session, refreshToken, lockRow: true, token);
            if (found is not { Kind: "refresh" } || found.RevokedAt is not null || found.ExpiresAt <= now)
            {
                return (RefreshOutcome.Invalid, (TokenPair?)null);
            }
            if (found.UsedAt is not null)
            {
                // A refresh token is good once. Seeing it again means it leaked: end the session,
                // so neither the thief nor the user can go on with that chain.
                await RevokeSessionAsync(session.ForTenant(found.TenantId), found.SessionId, now, token);
                return (RefreshOutcome.Reused, null);
            }
            await using (var use = session.Command("UPDATE user_tokens SET used_at = @now WHERE token_hash = @hash")
                .With("now", now).With("hash", SessionTokens.Hash(refreshToken)))
            {
                await use.ExecuteAsync(token);
            }
            return (RefreshOutcome.Rotated, await IssueAsync(session.ForTenant(found.TenantId), found.SessionId, lifetimes, now, token));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UserPrincipal?> AuthenticateAsync(string accessToken, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        var found = await FindAsync(session, accessToken, lockRow: false, cancellationToken);
        return found is { Kind: "access", RevokedAt: null, TenantStatus: { } tenantStatus } && found.ExpiresAt > timeProvider.GetUtcNow()
            ? new UserPrincipal(found.TenantId, found.UserId, found.SessionId, tenantStatus)
            : null;
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync(string? accessToken, string? refreshToken, CancellationToken cancellationToken) =>
        database.WriteAsync(async (session, token) =>
        {
            var revoked = false;
            foreach (var presented in new[] { accessToken, refreshToken })
            {
                if (presented is not null && await FindAsync(session, presented, lockRow: false, token) is { } found)
                {
                    await RevokeSessionAsync(session.ForTenant(found.TenantId), found.SessionId, timeProvider.GetUtcNowMicroseconds(), token);
                    revoked = true;
                }
            }
            return revoked;
        }, cancellationToken);

    private static async Task<TokenPair> IssueAsync(StoreSession session, Guid sessionId, TokenLifetimes lifetimes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var access = SessionTokens.New(SessionTokens.AccessMarker);
        var refresh = SessionTokens.New(SessionTokens.RefreshMarker);
        foreach (var (value, kind, lifetime) in new[] { (access, "access", lifetimes.Access), (refresh, "refresh", lifetimes.Refresh) })
        {
            await using var insert = session.Command(InsertTokenSql)
                .With("hash", SessionTokens.Hash(value)).With("session_id", sessionId)
                .With("kind", kind).With("expires_at", now + lifetime).With("now", now);
            await insert.ExecuteAsync(cancellationToken);
        }
        return new TokenPair { AccessToken = access, RefreshToken = refresh, ExpiresIn = (int)lifetimes.Access.TotalSeconds };
    }

    private static async Task RevokeSessionAsync(StoreSession session, Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var revoke = session.Command(RevokeSql).With("id", sessionId).With("now", now);
        await revoke.ExecuteAsync(cancellationToken);
    }

    private async Task<FoundToken?> FindAsync(StoreSession session, string presented, bool lockRow, CancellationToken cancellationToken)
    {
        var hash = SessionTokens.Hash(presented);
        await using var command = session.Command(lockRow ? $"{TokenSql} {_sql.ForUpdate}" : TokenSql).With("hash", hash);
        var found = await command.SingleOrDefaultAsync(reader => new FoundToken(
            reader.GetString(0), _sql.GetGuid(reader, 1), reader.GetString(2), _sql.GetTimestamp(reader, 3), _sql.GetNullableTimestamp(reader, 4),
            reader.GetString(5), _sql.GetNullableTimestamp(reader, 6), reader.GetFieldValue<byte[]>(7), reader.IsDBNull(8) ? null : reader.GetString(8)), cancellationToken);
        // Found by an index on the hash; compared again in constant time all the same.
        return found is not null && CryptographicOperations.FixedTimeEquals(found.Hash, hash) ? found : null;
    }

    private sealed record FoundToken(
        string TenantId, Guid SessionId, string Kind, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, string UserId, DateTimeOffset? RevokedAt, byte[] Hash,
        string? TenantStatus);
}

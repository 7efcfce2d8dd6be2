using System.Data.Common;
using Mnemo.ApiKeys;

namespace Mnemo.Storage.ApiKeys;

/// <summary>Tenant and platform API keys on either backend.</summary>
public sealed class ApiKeyStore(MnemoDatabase database) : IApiKeyStore
{
    private const string KeyColumns = "k.id, k.tenant_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at";

    // Inserting through SELECT ... FROM tenants makes a missing tenant "0 rows" instead of a
    // foreign-key error whose code differs per backend.
    private const string InsertSql = """
        INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, scopes, created_at)
        SELECT id, @id, @name, @prefix, @secret_hash, @scopes, @created_at FROM tenants WHERE id = @tenant_id
        """;

    private const string ListSql = $"""
        SELECT {KeyColumns} FROM api_keys k
        WHERE k.tenant_id = @tenant_id
        ORDER BY k.created_at, k.id
        """;

    private const string FindSql = $"""
        SELECT {KeyColumns}, k.secret_hash, t.status
        FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.prefix = @prefix
        """;

    private const string RevokeSql = "DELETE FROM api_keys WHERE tenant_id = @tenant_id AND id = @id";

    private const string AnyPlatformSql = "SELECT COUNT(*) FROM platform_api_keys";

    private const string InsertPlatformSql = """
        INSERT INTO platform_api_keys (id, prefix, secret_hash, created_at) VALUES (@id, @prefix, @secret_hash, @created_at)
        """;

    private const string FindPlatformSql = "SELECT secret_hash FROM platform_api_keys WHERE prefix = @prefix";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.WriteAsync(key.TenantId, async (session, token) =>
        {
            await using var command = session.Command(InsertSql)
                .With("id", key.Id)
                .With("name", key.Name)
                .With("prefix", key.Prefix)
                .With("secret_hash", secretHash)
                .With("scopes", string.Join(',', key.Scopes))
                .With("created_at", key.CreatedAt);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKey>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(ListSql);
        return await command.ListAsync(ReadKey, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ApiKeyCredential?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(FindSql).With("prefix", prefix);
        return await command.SingleOrDefaultAsync(
            reader => new ApiKeyCredential(ReadKey(reader), reader.GetFieldValue<byte[]>(7), reader.GetString(8)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync(string tenantId, Guid keyId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(RevokeSql)
                .With("id", keyId);
            return await command.ExecuteAsync(token) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task RecordUsageAsync(IReadOnlyCollection<ApiKeyUsage> usages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usages);
        if (usages.Count == 0)
        {
            return;
        }
        await database.WriteAsync(async (session, token) =>
        {
            await LaterTimes.WriteAsync(session, "api_keys", "last_used_at",
                usages.Select(usage => new LaterTimes.Touch(usage.TenantId, usage.KeyId, usage.UsedAt)), token);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> AnyPlatformKeyAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(AnyPlatformSql);
        return Convert.ToInt64(await command.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc />
    public Task AddPlatformKeyAsync(Guid id, string prefix, byte[] secretHash, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command(InsertPlatformSql)
                .With("id", id)
                .With("prefix", prefix)
                .With("secret_hash", secretHash)
                .With("created_at", createdAt);
            return await command.ExecuteAsync(token);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<byte[]?> FindPlatformKeyAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(FindPlatformSql).With("prefix", prefix);
        return await command.SingleOrDefaultAsync(reader => reader.GetFieldValue<byte[]>(0), cancellationToken);
    }

    private ApiKey ReadKey(DbDataReader reader) => new()
    {
        Id = _sql.GetGuid(reader, 0),
        TenantId = reader.GetString(1),
        Name = reader.GetString(2),
        Prefix = reader.GetString(3),
        Scopes = reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
        CreatedAt = _sql.GetTimestamp(reader, 5),
        LastUsedAt = _sql.GetNullableTimestamp(reader, 6),
    };
}

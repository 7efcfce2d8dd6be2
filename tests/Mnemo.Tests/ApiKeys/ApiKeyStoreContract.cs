using Mnemo.ApiKeys;
using Mnemo.Storage.ApiKeys;
using Mnemo.Storage.Tenants;
using Mnemo.Tenants;
using Mnemo.Testing;
using Mnemo.Time;

namespace Mnemo.Tests.ApiKeys;

public abstract class ApiKeyStoreContract(StoreFixture fixture)
{
    private readonly ApiKeyStore _keys = new(fixture.Database);
    private readonly TenantStore _tenants = new(fixture.Database);
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNowMicroseconds();

    private async Task<string> NewTenantAsync()
    {
        var id = TestIds.Tenant();
        await _tenants.CreateAsync(new Tenant
        {
            Id = id, Name = id, Status = TenantStatus.Active, Settings = new TenantSettings(), CreatedAt = _now, UpdatedAt = _now,
        }, databaseId: null, CancellationToken.None);
        return id;
    }

    private (ApiKey Key, string Secret) NewKey(string tenantId, params string[] scopes)
    {
        var (secret, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.TenantMarker);
        return (new ApiKey { Id = Guid.CreateVersion7(), TenantId = tenantId, Name = "backend", Prefix = prefix, Scopes = scopes, CreatedAt = _now }, secret);
    }

    [Fact]
    public async Task A_created_key_is_found_by_prefix_with_its_hash_and_tenant_status()
    {
        var tenantId = await NewTenantAsync();
        var (key, secret) = NewKey(tenantId, ApiKeyScopes.Read, ApiKeyScopes.Admin);

        Assert.True(await _keys.CreateAsync(key, ApiKeySecrets.Hash(secret), CancellationToken.None));
        var found = await _keys.FindByPrefixAsync(key.Prefix, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(key.Id, found.Key.Id);
        Assert.Equal(key.Scopes, found.Key.Scopes);
        Assert.Equal(key.CreatedAt, found.Key.CreatedAt);
        Assert.True(ApiKeySecrets.Matches(secret, found.SecretHash));
        Assert.False(ApiKeySecrets.Matches(secret + "x", found.SecretHash));
        Assert.Equal(TenantStatus.Active, found.TenantStatus);
    }

    [Fact]
    public async Task A_key_for_a_missing_tenant_is_not_created()
    {
        var (key, secret) = NewKey(TestIds.Tenant(), ApiKeyScopes.Read);

        Assert.False(await _keys.CreateAsync(key, ApiKeySecrets.Hash(secret), CancellationToken.None));
        Assert.Null(await _keys.FindByPrefixAsync(key.Prefix, CancellationToken.None));
    }

    [Fact]
    public async Task List_shows_only_the_tenants_own_keys()
    {
        var tenantA = await NewTenantAsync();
        var tenantB = await NewTenantAsync();
        var (keyA, secretA) = NewKey(tenantA, ApiKeyScopes.Read);
        var (keyB, secretB) = NewKey(tenantB, ApiKeyScopes.Read);
        await _keys.CreateAsync(keyA, ApiKeySecrets.Hash(secretA), CancellationToken.None);
        await _keys.CreateAsync(keyB, ApiKeySecrets.Hash(secretB), CancellationToken.None);

        var listed = await _keys.ListAsync(tenantA, CancellationToken.None);

        Assert.Equal([keyA.Id], listed.Select(key => key.Id));
    }

    [Fact]
    public async Task Revoke_needs_the_owning_tenant_and_takes_effect_at_once()
    {
        var tenantA = await NewTenantAsync();
        var tenantB = await NewTenantAsync();
        var (key, secret) = NewKey(tenantA, ApiKeyScopes.Read);
        await _keys.CreateAsync(key, ApiKeySecrets.Hash(secret), CancellationToken.None);

        Assert.False(await _keys.RevokeAsync(tenantB, key.Id, CancellationToken.None));
        Assert.NotNull(await _keys.FindByPrefixAsync(key.Prefix, CancellationToken.None));

        Assert.True(await _keys.RevokeAsync(tenantA, key.Id, CancellationToken.None));
        Assert.Null(await _keys.FindByPrefixAsync(key.Prefix, CancellationToken.None));
    }

    [Fact]
    public async Task Recorded_usage_keeps_the_newest_time()
    {
        var tenantId = await NewTenantAsync();
        var (key, secret) = NewKey(tenantId, ApiKeyScopes.Read);
        await _keys.CreateAsync(key, ApiKeySecrets.Hash(secret), CancellationToken.None);

        await _keys.RecordUsageAsync([new ApiKeyUsage(tenantId, key.Id, _now.AddMinutes(2))], CancellationToken.None);
        await _keys.RecordUsageAsync([new ApiKeyUsage(tenantId, key.Id, _now.AddMinutes(1))], CancellationToken.None);

        var listed = Assert.Single(await _keys.ListAsync(tenantId, CancellationToken.None));
        Assert.Equal(_now.AddMinutes(2), listed.LastUsedAt);
    }

    [Fact]
    public async Task Platform_keys_are_stored_by_hash_and_found_by_prefix()
    {
        var (secret, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.PlatformMarker);

        await _keys.AddPlatformKeyAsync(Guid.CreateVersion7(), prefix, ApiKeySecrets.Hash(secret), _now, CancellationToken.None);

        Assert.True(await _keys.AnyPlatformKeyAsync(CancellationToken.None));
        var hash = await _keys.FindPlatformKeyAsync(prefix, CancellationToken.None);
        Assert.True(ApiKeySecrets.Matches(secret, hash!));
    }
}

public sealed class SqliteApiKeyStoreTests(SqliteStoreFixture fixture) : ApiKeyStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresApiKeyStoreTests(PostgresStoreFixture fixture) : ApiKeyStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

using Mnemo.ApiKeys;
using Mnemo.Storage.ApiKeys;
using Mnemo.Storage.Tenants;
using Mnemo.Tenants;
using Mnemo.Testing;
using Mnemo.Time;

namespace Mnemo.Tests.Tenants;

public abstract class TenantStoreContract(StoreFixture fixture)
{
    private readonly TenantStore _store = new(fixture.Database);
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNowMicroseconds();

    private Tenant NewTenant(string? id = null, TenantSettings? settings = null) => new()
    {
        Id = id ?? TestIds.Tenant(),
        Name = "Acme",
        Status = TenantStatus.Active,
        Settings = settings ?? new TenantSettings(),
        CreatedAt = _now,
        UpdatedAt = _now,
    };

    [Fact]
    public async Task Create_then_get_returns_the_same_tenant()
    {
        var tenant = NewTenant(settings: new TenantSettings { CampaignTtlDays = 30 });

        Assert.True(await _store.CreateAsync(tenant, databaseId: null, CancellationToken.None));
        var read = await _store.GetAsync(tenant.Id, CancellationToken.None);

        Assert.Equal(tenant, read);
    }

    [Fact]
    public async Task Create_with_a_taken_id_returns_false_and_keeps_the_first()
    {
        var tenant = NewTenant();
        await _store.CreateAsync(tenant, databaseId: null, CancellationToken.None);

        Assert.False(await _store.CreateAsync(tenant with { Name = "Other" }, databaseId: null, CancellationToken.None));
        Assert.Equal("Acme", (await _store.GetAsync(tenant.Id, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task Update_is_partial_and_merges_settings_key_by_key_with_null_resetting()
    {
        var tenant = NewTenant(settings: new TenantSettings { CampaignTtlDays = 30, MessageRetentionDays = 7 });
        await _store.CreateAsync(tenant, databaseId: null, CancellationToken.None);

        var renamed = await _store.UpdateAsync(tenant.Id, new TenantUpdate { Name = "Renamed", UpdatedAt = _now.AddSeconds(1) }, CancellationToken.None);
        Assert.Equal("Renamed", renamed!.Name);
        Assert.Equal(30, renamed.Settings.CampaignTtlDays);

        var merged = await _store.UpdateAsync(tenant.Id, new TenantUpdate
        {
            SettingsPatchJson = """{"campaign_ttl_days":null,"event_retention_days":12}""",
            UpdatedAt = _now.AddSeconds(2),
        }, CancellationToken.None);

        Assert.Equal(new TenantSettings { MessageRetentionDays = 7, EventRetentionDays = 12 }, merged!.Settings);
        Assert.Equal("Renamed", merged.Name);
        Assert.Equal(_now.AddSeconds(2), merged.UpdatedAt);
        Assert.Equal(merged, await _store.GetAsync(tenant.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Update_of_a_missing_tenant_returns_null()
    {
        Assert.Null(await _store.UpdateAsync(TestIds.Tenant(), new TenantUpdate { Name = "x", UpdatedAt = _now }, CancellationToken.None));
    }

    [Fact]
    public async Task List_pages_by_id_without_gaps_or_repeats()
    {
        var prefix = TestIds.Tenant("page")[..20];
        var ids = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids)
        {
            await _store.CreateAsync(NewTenant(id), databaseId: null, CancellationToken.None);
        }

        var seen = new List<string>();
        string? after = prefix;
        while (true)
        {
            var page = await _store.ListAsync(after, 2, CancellationToken.None);
            var ours = page.Where(tenant => tenant.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            seen.AddRange(ours.Select(tenant => tenant.Id));
            if (page.Count < 2 || ours.Count < page.Count)
            {
                break;
            }
            after = page[^1].Id;
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task Delete_removes_the_tenant_and_its_api_keys()
    {
        var tenant = NewTenant();
        await _store.CreateAsync(tenant, databaseId: null, CancellationToken.None);
        var keys = new ApiKeyStore(fixture.Database);
        var (secret, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.TenantMarker);
        await keys.CreateAsync(new ApiKey
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.Id,
            Name = "k",
            Prefix = prefix,
            Scopes = [ApiKeyScopes.Read],
            CreatedAt = _now,
        }, ApiKeySecrets.Hash(secret), CancellationToken.None);

        Assert.True(await _store.DeleteAsync(tenant.Id, CancellationToken.None));

        Assert.Null(await _store.GetAsync(tenant.Id, CancellationToken.None));
        Assert.Null(await keys.FindByPrefixAsync(prefix, CancellationToken.None));
        Assert.False(await _store.DeleteAsync(tenant.Id, CancellationToken.None));
    }
}

public sealed class SqliteTenantStoreTests(SqliteStoreFixture fixture) : TenantStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresTenantStoreTests(PostgresStoreFixture fixture) : TenantStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

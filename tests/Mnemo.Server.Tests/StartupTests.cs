using System.Net;
using Microsoft.Extensions.Configuration;
using Mnemo.Server.Hosting;
using Mnemo.Storage.Migrations;

namespace Mnemo.Server.Tests;

public sealed class StartupTests
{
    private static ServerSettings Load(Dictionary<string, string?> values) =>
        ServerSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public async Task Two_servers_starting_at_once_on_one_empty_postgres_both_come_up_with_the_schema_applied_once()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);

        var servers = await Task.WhenAll(MnemoTestServer.StartAsync(storage), MnemoTestServer.StartAsync(storage));
        try
        {
            foreach (var server in servers)
            {
                var ready = await server.Admin.GetReadinessAsync();
                Assert.Equal("ok", ready.Status);
                Assert.Equal(EmbeddedMigrations.For(Storage.Postgres.PostgresDialect.Instance)[^1].Version, ready.SchemaVersion);
            }
            var tenant = await servers[0].Admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest { Id = TestIds.Tenant() });
            Assert.Equal(tenant, await servers[1].Admin.Tenants.GetAsync(tenant.Id));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_configured_database_stops_start_up_naming_it_without_its_password()
    {
        var nowhere = new Storage.Configuration.ResolvedStorage(Storage.Configuration.StorageProvider.Postgres,
            "Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Password=hunter2;Timeout=3");

        var failure = await Assert.ThrowsAsync<MnemoConfigurationException>(() => MnemoTestServer.StartAsync(nowhere));

        Assert.Contains("the PostgreSQL database nowhere at 127.0.0.1:1 cannot be opened or reached", failure.Message, StringComparison.Ordinal);
        Assert.Contains("IDENTITY_DATABASE_URL", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_openapi_and_readiness_answer_without_a_key()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));

        Assert.Equal("ok", (await server.As(null).GetHealthAsync()).Status);
        Assert.Equal("sqlite", (await server.As(null).GetReadinessAsync()).Storage);
        using var openApi = await server.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/v1/tenants/{tenant_id}/api-keys", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_admin_key_one_is_generated_once_and_stored_as_a_hash()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Sqlite);
        var noAdminKey = new Dictionary<string, string?> { ["Mnemo:AdminKey"] = "" };

        await using (var first = await MnemoTestServer.StartAsync(storage, noAdminKey))
        {
            await using var database = Storage.MnemoDatabaseFactory.Create(storage);
            Assert.True(await new Storage.ApiKeys.ApiKeyStore(database).AnyPlatformKeyAsync(CancellationToken.None));
        }
        await using var second = await MnemoTestServer.StartAsync(storage, noAdminKey);
        await using var check = Storage.MnemoDatabaseFactory.Create(storage);
        await using var session = await check.ReadAsync(CancellationToken.None);
        await using var count = session.Command("SELECT COUNT(*) FROM platform_api_keys");
        Assert.Equal(1L, await count.ScalarAsync(CancellationToken.None));
    }

    [Fact]
    public void Every_bad_setting_is_reported_in_one_message()
    {
        var failure = Assert.Throws<MnemoConfigurationException>(() => Load(new()
        {
            ["Mnemo:Storage:Provider"] = "oracle",
            ["Mnemo:AdminKey"] = "short",
            ["CAMPAIGN_USERS_TTL_DAYS"] = "forever",
        }));

        Assert.Contains("Provider", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AdminKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains("CAMPAIGN_USERS_TTL_DAYS", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_a_configuration_error()
    {
        Assert.Throws<MnemoConfigurationException>(() => Load(new() { ["Mnemo:ShutdownTimeout"] = "soon" }));
    }

    [Fact]
    public void Sqlite_is_the_default_and_campaign_ttl_comes_from_the_environment_name()
    {
        var settings = Load(new() { ["CAMPAIGN_USERS_TTL_DAYS"] = "30" });

        Assert.Equal(Mnemo.Storage.Configuration.StorageProvider.Sqlite, settings.Storage.Provider);
        Assert.Contains("data/mnemo.db", settings.Storage.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(30, settings.TenantDefaults.CampaignTtlDays);
    }
}

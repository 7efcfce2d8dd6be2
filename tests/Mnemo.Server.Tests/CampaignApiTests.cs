using System.Net;
using System.Text.Json;
using Mnemo.Campaigns;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public abstract class CampaignApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public async Task Campaign_crud()
    {
        var (_, client) = await _server.NewTenantAsync();

        var created = await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "spring-2026", Name = "Spring", TtlDays = 14 });
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists", () => client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "spring-2026" }));
        var updated = await client.Campaigns.UpdateAsync("spring-2026", new UpdateCampaignRequest { Status = "ended", TtlDays = 0 });

        Assert.Equal(14, created.TtlDays);
        Assert.Equal(("ended", (int?)null), (updated.Status, updated.TtlDays));
        Assert.Equal("spring-2026", Assert.Single((await client.Campaigns.ListAsync()).Campaigns).Id);
        await client.Campaigns.DeleteAsync("spring-2026");
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Campaigns.GetAsync("spring-2026"));
        await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/campaigns", """{"id":"x","ttl_days":0}""", client.ApiKey, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_seed_002_flow_campaign_user_then_system_user_then_migration()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "promo" });

        var participant = await client.Campaigns.UpsertCampaignContextAsync(new CampaignContextRequest
        {
            UserId = "lead-7", CampaignId = "promo", Context = Json("""{"interest":"shoes"}"""), TenantId = tenantId,
        });
        await client.Campaigns.AppendMessagesAsync("promo", "lead-7", new AppendMessagesRequest { Role = "user", Content = "Do you ship to Lisbon?" });
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("lead-7"));

        var asCampaign = await client.Campaigns.GetUserContextAsync("lead-7");
        Assert.Equal(("campaign", "promo", "shoes"), (asCampaign.Source, asCampaign.CampaignId, asCampaign.Context.GetProperty("interest").GetString()));
        Assert.True(asCampaign.ExpiresAt > participant.ExpiresAt); // the message was a write: it moved the expiry
        Assert.Equal("Do you ship to Lisbon?", Assert.Single(asCampaign.Messages).Content);
        var context = await client.Memory.GetContextAsync("lead-7");
        Assert.Equal("promo", context.Campaign!.CampaignId);

        var migrated = await client.Campaigns.MigrateAsync(new MigrateUserRequest { UserId = "lead-7", CampaignId = "promo", TenantId = tenantId });
        var again = await client.Campaigns.MigrateAsync(new MigrateUserRequest { UserId = "lead-7", CampaignId = "promo", TenantId = tenantId });

        Assert.Equal((1L, true), (migrated.MessagesMoved, migrated.UserCreated));
        Assert.Equal(migrated.MigratedAt, again.MigratedAt);
        var asSystem = await client.Campaigns.GetUserContextAsync("lead-7");
        Assert.Equal(("system", "shoes"), (asSystem.Source, asSystem.Context.GetProperty("interest").GetString()));
        Assert.Equal("Do you ship to Lisbon?", Assert.Single((await client.Messages.ListAsync("lead-7")).Messages).Content);
        Assert.Contains((await client.Events.ListAsync("lead-7")).Events, e => e.EventType == "user_migrated");
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Campaigns.MigrateAsync(new MigrateUserRequest { UserId = "nobody", CampaignId = "promo" }));
    }

    [Fact]
    public async Task The_system_context_is_found_first_and_merges_or_replaces()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "promo" });
        await client.Campaigns.UpsertCampaignContextAsync(new CampaignContextRequest { UserId = "both", CampaignId = "promo", Context = Json("""{"from":"campaign"}""") });
        await client.Campaigns.UpsertSystemContextAsync(new SystemContextRequest { UserId = "both", Context = Json("""{"from":"system","a":1}""") });

        var merged = await client.Campaigns.UpsertSystemContextAsync(new SystemContextRequest { UserId = "both", Context = Json("""{"b":2}""") });
        var replaced = await client.Campaigns.UpsertSystemContextAsync(new SystemContextRequest { UserId = "both", Context = Json("""{"c":3}"""), Replace = true });
        var withMetadata = await client.Campaigns.UpdateUserContextAsync("both", new UpdateUserContextRequest { Metadata = Json("""{"tier":"gold"}""") });

        JsonAssert.Equivalent("""{"from":"system","a":1,"b":2}""", merged.Context);
        JsonAssert.Equivalent("""{"c":3}""", replaced.Context);
        Assert.Equal("gold", withMetadata.Metadata.GetProperty("tier").GetString());
        Assert.Equal("system", (await client.Campaigns.GetUserContextAsync("both")).Source);
        Assert.Equal("both", Assert.Single((await client.Campaigns.ListSystemContextsAsync(tenantId)).Users).UserId);
        Assert.Equal("both", Assert.Single((await client.Campaigns.ListParticipantsAsync("promo")).Participants).UserId);

        await client.Campaigns.DeleteUserContextAsync("both", campaignId: "promo");
        Assert.Empty((await client.Campaigns.ListParticipantsAsync("promo")).Participants);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Campaigns.GetUserContextAsync("nobody"));
    }

    [Fact]
    public async Task Another_tenants_id_in_body_query_or_path_is_403()
    {
        var (_, client) = await _server.NewTenantAsync();
        var other = TestIds.Tenant();

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_forbidden",
            () => client.Campaigns.MigrateAsync(new MigrateUserRequest { UserId = "u", CampaignId = "c", TenantId = other }));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => client.Campaigns.ListSystemContextsAsync(other));
        await ProblemAssert.SendAsync(_server, HttpMethod.Get, $"api/v1/user_context/u?tenant_id={other}", null, client.ApiKey, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_tenant_sees_nothing_of_a_campaign_or_its_users()
    {
        var (_, owner) = await _server.NewTenantAsync();
        var (_, other) = await _server.NewTenantAsync();
        await owner.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "secret-promo" });
        await owner.Campaigns.AppendMessagesAsync("secret-promo", "lead", new AppendMessagesRequest { Role = "user", Content = "hello" });

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Campaigns.GetAsync("secret-promo"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Campaigns.ListMessagesAsync("secret-promo", "lead"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Campaigns.ListParticipantsAsync("secret-promo"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Campaigns.GetUserContextAsync("lead"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => other.Campaigns.AppendMessagesAsync("secret-promo", "lead", new AppendMessagesRequest { Role = "user", Content = "x" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => other.Campaigns.MigrateAsync(new MigrateUserRequest { UserId = "lead", CampaignId = "secret-promo" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Campaigns.DeleteAsync("secret-promo"));
        Assert.Empty((await other.Campaigns.ListAsync()).Campaigns);
        Assert.Single((await owner.Campaigns.ListMessagesAsync("secret-promo", "lead")).Messages);
    }

    [Fact]
    public async Task Ttl_can_be_set_in_days_or_fixed()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "promo" });
        var participant = await client.Campaigns.UpsertCampaignContextAsync(new CampaignContextRequest { UserId = "v", CampaignId = "promo" });
        var fixedAt = participant.CreatedAt.AddDays(3);

        var byDays = await client.Campaigns.SetTtlAsync("promo", "v", new SetParticipantTtlRequest { TtlDays = 2 });
        var pinned = await client.Campaigns.SetTtlAsync("promo", "v", new SetParticipantTtlRequest { ExpiresAt = fixedAt });
        await client.Campaigns.AppendMessagesAsync("promo", "v", new AppendMessagesRequest { Role = "user", Content = "later write" });

        Assert.True(byDays.ExpiresAt < participant.ExpiresAt);
        Assert.Equal(fixedAt, pinned.ExpiresAt);
        Assert.Equal(fixedAt, (await client.Campaigns.GetUserContextAsync("v")).ExpiresAt);
        await ProblemAssert.SendAsync(_server, HttpMethod.Put, "api/v1/user_context/campaign/promo/user/v/ttl", "{}", client.ApiKey, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Retention_runs_on_demand_for_the_platform_only()
    {
        var (_, client) = await _server.NewTenantAsync();

        var counts = await _server.Admin.Campaigns.RunRetentionAsync();

        Assert.NotNull(counts);
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "platform_key_required", () => client.Campaigns.RunRetentionAsync());
    }
}

public sealed class SqliteCampaignApiTests(SqliteServerFixture fixture) : CampaignApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCampaignApiTests(PostgresServerFixture fixture) : CampaignApiTests(fixture), IClassFixture<PostgresServerFixture>;

public sealed class CampaignTtlFromEnvironmentTests
{
    [Fact]
    public async Task CAMPAIGN_USERS_TTL_DAYS_sets_the_default_lifetime()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite),
            new Dictionary<string, string?> { ["CAMPAIGN_USERS_TTL_DAYS"] = "30" });
        var (tenantId, client) = await server.NewTenantAsync();
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "promo" });

        var participant = await client.Campaigns.UpsertCampaignContextAsync(new CampaignContextRequest { UserId = "v", CampaignId = "promo" });

        Assert.Equal(participant.UpdatedAt.AddDays(30), participant.ExpiresAt);
        Assert.Equal(30, (await server.Admin.Tenants.GetAsync(tenantId)).Settings.CampaignTtlDays);
    }
}

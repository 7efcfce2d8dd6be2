using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mnemo.ApiKeys;
using Mnemo.Categories;
using Mnemo.Systems;

namespace Mnemo.Server.Tests;

/// <summary>Issue 17: seed 002's management system repository over HTTP, through the typed client.</summary>
public abstract class SystemApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private async Task<string> SystemAsync(string name)
    {
        var id = $"{name}-{Guid.NewGuid():N}"[..20];
        await _server.Admin.Systems.CreateAsync(new CreateSystemRequest { Id = id, Name = name, Type = "crm", Description = "d" });
        return id;
    }

    [Fact]
    public async Task The_platform_defines_systems_and_a_tenant_sees_only_those_assigned_to_it()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var assigned = await SystemAsync("crm");
        var other = await SystemAsync("erp");
        await _server.Admin.Systems.AddVersionAsync(assigned, new CreateSystemVersionRequest { Version = "1.4.0", Notes = "first" });
        await _server.Admin.Systems.AddVersionAsync(assigned, new CreateSystemVersionRequest { Version = "2.0.0-rc.1", ReleasedAt = DateTimeOffset.UtcNow.AddDays(1) });

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => _server.Admin.Systems.AssignAsync(tenantId, assigned, new AssignSystemRequest { Version = "9.9.9" }));
        var assignment = await _server.Admin.Systems.AssignAsync(tenantId, assigned, new AssignSystemRequest { Version = "1.4.0" });

        Assert.Equal(("1.4.0", true), (assignment.Version, assignment.Enabled));
        Assert.Equal([assigned], (await client.Systems.ListAsync()).Systems.Select(s => s.Id));
        Assert.Contains((await _server.Admin.Systems.ListAsync(limit: 200)).Systems, s => s.Id == other);
        Assert.Equal(assigned, (await client.Systems.GetAsync(assigned)).Id);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Systems.GetAsync(other));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Systems.GetConfigAsync(other));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Systems.ListVersionsAsync(other));
        Assert.Equal(["2.0.0-rc.1", "1.4.0"], (await client.Systems.ListVersionsAsync(assigned)).Versions.Select(v => v.Version));
        Assert.Equal([assigned], (await client.Systems.ListAssignedAsync(tenantId)).Systems.Select(s => s.SystemId));

        // A system assigned to the tenant is an entity the category repository can place.
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "tools", Name = "Tools", Type = "t" });
        await client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "system", EntityId = assigned, CategoryId = "tools" });
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "entity_not_found",
            () => client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "system", EntityId = other, CategoryId = "tools" }));
    }

    [Fact]
    public async Task Only_the_platform_writes_systems_and_versions_are_semantic_and_unique()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var system = await SystemAsync("crm");

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "platform_key_required",
            () => client.Systems.CreateAsync(new CreateSystemRequest { Id = "mine", Name = "m", Type = "t" }));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "platform_key_required",
            () => client.Systems.AssignAsync(tenantId, system, new AssignSystemRequest()));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => _server.Admin.Systems.CreateAsync(new CreateSystemRequest { Id = system, Name = "again", Type = "t" }));
        await _server.Admin.Systems.AddVersionAsync(system, new CreateSystemVersionRequest { Version = "1.0.0" });
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => _server.Admin.Systems.AddVersionAsync(system, new CreateSystemVersionRequest { Version = "1.0.0" }));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => _server.Admin.Systems.AddVersionAsync(system, new CreateSystemVersionRequest { Version = "1.0" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => _server.Admin.Systems.AddVersionAsync("no-such-system", new CreateSystemVersionRequest { Version = "1.0.0" }));
        var renamed = await _server.Admin.Systems.ReplaceAsync(system, new ReplaceSystemRequest { Name = "Renamed", Type = "erp" });
        Assert.Equal(("Renamed", "erp", string.Empty), (renamed.Name, renamed.Type, renamed.Description));
    }

    [Fact]
    public async Task Configuration_is_written_in_revisions_under_If_Match_and_a_tenant_reads_it_merged_with_its_override()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var system = await SystemAsync("crm");
        await _server.Admin.Systems.AssignAsync(tenantId, system, new AssignSystemRequest());

        var empty = await _server.Admin.Systems.GetConfigAsync(system);
        Assert.Equal((0L, "{}"), (empty.Revision, empty.Config.GetRawText()));
        await ExpectStatusAsync(HttpMethod.Put, $"api/v1/systems/{system}/config", """{"config":{"a":1}}""", ifMatch: null, HttpStatusCode.PreconditionRequired);
        var first = await _server.Admin.Systems.PutConfigAsync(system, Json("""{"theme":"dark","limit":10}"""), currentRevision: 0);
        await Expect.ProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed",
            () => _server.Admin.Systems.PutConfigAsync(system, Json("""{"theme":"light"}"""), currentRevision: 0));
        var second = await _server.Admin.Systems.PutConfigAsync(system, Json("""{"theme":"light","limit":10,"beta":true}"""), currentRevision: 1);
        Assert.Equal((1L, 2L), (first.Revision, second.Revision));
        Assert.Equal([2L, 1L], (await _server.Admin.Systems.ListConfigRevisionsAsync(system)).Revisions.Select(r => r.Revision));

        // The tenant's override: its own revisions, the tenant's admin keys write it.
        var overrideNone = await client.Systems.GetOverrideAsync(tenantId, system);
        Assert.Equal(0, overrideNone.Revision);
        await client.Systems.PutOverrideAsync(tenantId, system, Json("""{"limit":50,"beta":null}"""), currentRevision: 0);
        await Expect.ProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed",
            () => client.Systems.PutOverrideAsync(tenantId, system, Json("""{"limit":60}"""), currentRevision: 0));

        var effective = await client.Systems.GetConfigAsync(system);
        Assert.Equal((2L, 1L, tenantId), (effective.Revision, effective.TenantRevision, effective.TenantId));
        Assert.Equal("light", effective.Config.GetProperty("theme").GetString());
        Assert.Equal(50, effective.Config.GetProperty("limit").GetInt32());
        Assert.False(effective.Config.TryGetProperty("beta", out _));
        Assert.Equal(10, (await _server.Admin.Systems.GetConfigAsync(system)).Config.GetProperty("limit").GetInt32());

        Assert.Equal([1L], (await client.Systems.ListOverrideRevisionsAsync(tenantId, system)).Revisions.Select(r => r.Revision));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "platform_key_required", () => client.Systems.ListConfigRevisionsAsync(system));

        // A read key reads the override but cannot write it; unassigning drops it.
        var reader = _server.As((await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "r", Scopes = ["read"] })).Key);
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope",
            () => reader.Systems.PutOverrideAsync(tenantId, system, Json("{}"), currentRevision: 1));
        await _server.Admin.Systems.UnassignAsync(tenantId, system);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Systems.GetConfigAsync(system));
        await _server.Admin.Systems.AssignAsync(tenantId, system, new AssignSystemRequest());
        Assert.Equal(0, (await client.Systems.GetOverrideAsync(tenantId, system)).Revision);
    }

    [Fact]
    public async Task Of_two_writes_from_the_same_revision_one_wins_and_the_other_gets_412()
    {
        var system = await SystemAsync("race");
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await _server.Admin.Systems.PutConfigAsync(system, Json($$"""{"writer":{{i}}}"""), currentRevision: 0);
                return HttpStatusCode.OK;
            }
            catch (Client.MnemoApiException refused)
            {
                return refused.StatusCode;
            }
        }));

        Assert.Equal(1, attempts.Count(status => status == HttpStatusCode.OK));
        Assert.All(attempts.Where(status => status != HttpStatusCode.OK), status => Assert.Equal(HttpStatusCode.PreconditionFailed, status));
        Assert.Equal(1, (await _server.Admin.Systems.GetConfigAsync(system)).Revision);
    }

    [Fact]
    public async Task Another_tenant_and_a_user_token_see_nothing_and_the_seeds_get_system_config_succeeds_with_a_key()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var (strangerId, stranger) = await _server.NewTenantAsync();
        var system = await SystemAsync("crm");
        await _server.Admin.Systems.AssignAsync(tenantId, system, new AssignSystemRequest());
        await _server.Admin.Systems.PutConfigAsync(system, Json("""{"theme":"dark"}"""), currentRevision: 0);

        Assert.Empty((await stranger.Systems.ListAsync()).Systems);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Systems.GetConfigAsync(system));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => stranger.Systems.ListAssignedAsync(tenantId));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => stranger.Systems.GetOverrideAsync(tenantId, system));
        Assert.Empty((await _server.Admin.Systems.ListAssignedAsync(strangerId)).Systems);
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "ada" });
        var token = (await client.Auth.LoginAsync("ada")).AccessToken;
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "user_forbidden", () => _server.As(token).Systems.ListAsync());

        // Seed 002's client function, as written: GET /api/v1/systems/{system_id}/config with "Authorization: Bearer {auth_token}".
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/systems/{system}/config");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.ApiKey);
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("dark", json.RootElement.GetProperty("config").GetProperty("theme").GetString());
        Assert.Equal("\"1.0\"", response.Headers.ETag?.Tag);
    }

    private async Task ExpectStatusAsync(HttpMethod method, string path, string body, string? ifMatch, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-API-Key", MnemoTestServer.AdminKey);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }
}

public sealed class SqliteSystemApiTests(SqliteServerFixture fixture) : SystemApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresSystemApiTests(PostgresServerFixture fixture) : SystemApiTests(fixture), IClassFixture<PostgresServerFixture>;

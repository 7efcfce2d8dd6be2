using System.Net;
using System.Text.Json;
using Mnemo.Client;
using Mnemo.Tenants;

namespace Mnemo.Server.Tests;

public abstract class TenantApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Create_get_update_and_delete_a_tenant_through_the_client()
    {
        var id = TestIds.Tenant();
        var created = await _server.Admin.Tenants.CreateAsync(new CreateTenantRequest
        {
            Id = id,
            Name = "Acme",
            Settings = new TenantSettings { MessageRetentionDays = 7 },
        });
        Assert.Equal("active", created.Status);
        Assert.Equal(7, created.Settings.MessageRetentionDays);
        Assert.Equal(90, created.Settings.CampaignTtlDays);

        var updated = await _server.Admin.Tenants.UpdateAsync(id, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"campaign_ttl_days":30}""").RootElement,
        });
        Assert.Equal("Acme", updated.Name);
        Assert.Equal(7, updated.Settings.MessageRetentionDays);
        Assert.Equal(30, updated.Settings.CampaignTtlDays);

        var reset = await _server.Admin.Tenants.UpdateAsync(id, new UpdateTenantRequest
        {
            Name = "Acme Ltd",
            Settings = JsonDocument.Parse("""{"message_retention_days":null}""").RootElement,
        });
        Assert.Equal("Acme Ltd", reset.Name);
        Assert.Null(reset.Settings.MessageRetentionDays);
        Assert.Equal(30, reset.Settings.CampaignTtlDays);
        Assert.Equal(reset, await _server.Admin.Tenants.GetAsync(id));

        await _server.Admin.Tenants.DeleteAsync(id);
        var gone = await Assert.ThrowsAsync<MnemoApiException>(() => _server.Admin.Tenants.GetAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("not_found", gone.Code);
    }

    [Fact]
    public async Task Creating_an_existing_tenant_is_a_conflict()
    {
        var id = TestIds.Tenant();
        await _server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = id });

        var conflict = await Assert.ThrowsAsync<MnemoApiException>(() => _server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = id }));

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("already_exists", conflict.Code);
    }

    [Fact]
    public async Task Listing_pages_with_a_cursor_until_every_tenant_is_seen_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant("list") })).Id);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _server.Admin.Tenants.ListAsync(limit: 2, cursor: cursor);
            Assert.True(page.Tenants.Count <= 2);
            seen.AddRange(page.Tenants.Select(tenant => tenant.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(ids, id => Assert.Contains(id, seen));
    }

    [Theory]
    [InlineData("""{"id":"Bad Id"}""", "id")]
    [InlineData("""{"id":"-starts-with-dash"}""", "id")]
    [InlineData("""{"id":"ok","settings":{"campaign_ttl_days":0}}""", "settings.campaign_ttl_days")]
    [InlineData("""{"id":"ok","name":"   "}""", "name")]
    [InlineData("""{"id":7}""", "id")]
    public async Task Invalid_fields_are_a_400_naming_the_field(string body, string field)
    {
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tenants", body, MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Every_unknown_field_is_named_at_any_depth()
    {
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tenants",
            """{"id":"fine","is_admin":true,"settings":{"retention":3}}""", MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.Equal("unknown_fields", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("is_admin", out _));
        Assert.True(errors.TryGetProperty("settings.retention", out _));
    }

    [Fact]
    public async Task An_unknown_setting_in_an_update_is_rejected_and_nothing_changes()
    {
        var id = TestIds.Tenant();
        await _server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = id, Name = "Before" });

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Put, $"api/v1/tenants/{id}",
            """{"name":"After","settings":{"colour":"red"}}""", MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("settings.colour", out _));
        Assert.Equal("Before", (await _server.Admin.Tenants.GetAsync(id)).Name);
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_named()
    {
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tenants",
            """{"id":"typed","settings":{"message_retention_days":"ten"}}""", MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("has the wrong type", problem.GetProperty("errors").GetProperty("settings.message_retention_days")[0].GetString());
    }

    [Theory]
    [InlineData("{\"id\":", "malformed_json")]
    [InlineData("not json", "malformed_json")]
    [InlineData("null", "body_required")]
    [InlineData("", "body_required")]
    public async Task Bad_json_is_a_400_problem(string body, string code)
    {
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tenants", body, MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        var body = $$"""{"id":"big","name":"{{new string('x', 1_100_000)}}"}""";

        // Expect: 100-continue lets the server refuse before the client sends the body; without it
        // the client may still be writing when the server closes, and sees a broken pipe.
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tenants", body, MnemoTestServer.AdminKey,
            HttpStatusCode.RequestEntityTooLarge, new Dictionary<string, string> { ["Expect"] = "100-continue" });

        Assert.Equal("payload_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/tenants") { Content = new StringContent("id=x") };
        request.Headers.Add("X-API-Key", MnemoTestServer.AdminKey);
        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/v1/tenants?limit=0", "validation_failed")]
    [InlineData("api/v1/tenants?limit=abc", "bad_request")]
    [InlineData("api/v1/tenants?cursor=%%%", "invalid_cursor")]
    [InlineData("api/v1/tenants/NOT_A_SLUG", "validation_failed")]
    public async Task Bad_query_and_path_values_are_a_400_problem(string path, string code)
    {
        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Get, path, null, MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem_and_a_wrong_method_a_405()
    {
        var missing = await ProblemAssert.SendAsync(_server, HttpMethod.Get, "api/v1/nothing-here", null, MnemoTestServer.AdminKey, HttpStatusCode.NotFound);
        Assert.Equal("not_found", missing.GetProperty("code").GetString());

        var method = await ProblemAssert.SendAsync(_server, HttpMethod.Patch, "api/v1/tenants", "{}", MnemoTestServer.AdminKey, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("method_not_allowed", method.GetProperty("code").GetString());
    }
}

public sealed class SqliteTenantApiTests(SqliteServerFixture fixture) : TenantApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTenantApiTests(PostgresServerFixture fixture) : TenantApiTests(fixture), IClassFixture<PostgresServerFixture>;

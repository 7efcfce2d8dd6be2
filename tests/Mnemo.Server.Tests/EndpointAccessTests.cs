using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 13: every endpoint the server maps, read from ASP.NET Core's <see cref="EndpointDataSource"/>
/// (so a new route cannot escape), called with credentials that must not reach tenant A's data,
/// through the canonical path and odd spellings of it. None may succeed where it should refuse,
/// none may fail with a 5xx, none may show A's secret, and A's data must be the same afterwards.
/// </summary>
public abstract class EndpointAccessTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const string Secret = "zanzibar-7731";
    private readonly MnemoTestServer _server = fixture.Server;

    /// <summary>Who calls, and whether the endpoint must refuse them.</summary>
    private sealed record Credential(string Name, string? Key, string? TenantHeader, Func<RouteEndpoint, bool> MustRefuse, bool ReadsTenantA = false);

    [Fact]
    public async Task No_endpoint_lets_a_wrong_caller_through_under_any_spelling_of_its_path()
    {
        var world = await SetUpAsync();
        var before = await SnapshotAsync(world);
        var endpoints = MappedEndpoints.Of(_server);
        var credentials = new[]
        {
            new Credential("no key", null, null, endpoint => !IsAnonymous(endpoint)),
            new Credential("revoked key", world.RevokedKey, null, endpoint => !IsAnonymous(endpoint)),
            new Credential("tenant B's key naming tenant A", world.KeyB, world.TenantA, endpoint => !IsAnonymous(endpoint)),
            new Credential("tenant B's key", world.KeyB, null, endpoint => !IsAnonymous(endpoint) && (NamesTenant(endpoint) || !AllowsTenantKeys(endpoint))),
            // The tenant-caller policy (/mcp) admits them at the door; each tool checks scope and user (McpServerTests).
            new Credential("another user's token", world.OtherUserToken, null, endpoint => !IsAnonymous(endpoint) && !IsPolicy(endpoint, "caller") && !IsPolicy(endpoint, "tenant-caller")),
            new Credential("read-only key", world.ReadOnlyKey, null,
                endpoint => !IsAnonymous(endpoint) && !IsPolicy(endpoint, "caller") && !IsPolicy(endpoint, "tenant-caller") && !IsPolicy(endpoint, "tenant:read")
                    && !IsPolicy(endpoint, "registry-reader"), ReadsTenantA: true),
        };

        var sent = 0;
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = MappedEndpoints.Concrete(endpoint.RoutePattern, world.RouteValues);
            foreach (var method in MappedEndpoints.Methods(endpoint))
            {
                foreach (var credential in credentials)
                {
                    var refuse = credential.MustRefuse(endpoint);
                    foreach (var spelled in Spellings(path))
                    {
                        var (status, body) = await SendAsync(method, spelled, credential);
                        sent++;
                        var wrong = status >= 500 ? "a server error"
                            : !credential.ReadsTenantA && body.Contains(Secret, StringComparison.Ordinal) ? "tenant A's secret"
                            : refuse && status is not (401 or 403 or 404) ? "no refusal"
                            : null;
                        if (wrong is not null)
                        {
                            failures.Add($"{credential.Name}: {method} {spelled} → {status} ({wrong}) {body[..Math.Min(body.Length, 200)]}");
                        }
                    }
                }
            }
        }
        output.WriteLine($"{endpoints.Count} endpoints, {sent} requests");

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} endpoints found");
        Assert.Equal(before, await SnapshotAsync(world));
    }

    [Theory]
    [InlineData("api/v1/me")]
    [InlineData("API/v1/me")]
    [InlineData("Api/V1/me")]
    public async Task Every_spelling_of_an_api_path_gets_no_store(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", MnemoTestServer.AdminKey);
        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("ui/")]
    [InlineData("UI/")]
    [InlineData("Ui/history/u")]
    public async Task Every_spelling_of_the_page_gets_its_content_security_policy(string path)
    {
        using var response = await _server.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private sealed record World(string TenantA, string KeyA, string ReadOnlyKey, string RevokedKey, string KeyB, string OtherUserToken, Dictionary<string, string> RouteValues);

    private async Task<World> SetUpAsync()
    {
        var tenantA = TestIds.Tenant("a");
        var tenantB = TestIds.Tenant("b");
        await AdminAsync(HttpMethod.Post, "api/v1/tenants", $$"""{"id":"{{tenantA}}"}""");
        await AdminAsync(HttpMethod.Post, "api/v1/tenants", $$"""{"id":"{{tenantB}}"}""");
        var keyA = await NewKeyAsync(tenantA, """["read","write","admin"]""");
        var readOnly = await NewKeyAsync(tenantA, """["read"]""");
        var keyB = await NewKeyAsync(tenantB, """["read","write","admin"]""");
        var revoked = await AdminAsync(HttpMethod.Post, $"api/v1/tenants/{tenantA}/api-keys", """{"name":"gone","scopes":["read","write","admin"]}""");
        await AdminAsync(HttpMethod.Delete, $"api/v1/tenants/{tenantA}/api-keys/{revoked.GetProperty("id").GetString()}");

        await AsAsync(keyA, HttpMethod.Post, "api/v1/users", """{"id":"victim","email":"victim@example.com"}""");
        await AsAsync(keyA, HttpMethod.Post, "api/v1/users", """{"id":"other"}""");
        var conversation = await AsAsync(keyA, HttpMethod.Post, "api/v1/users/victim/conversations", "{}");
        var conversationId = conversation.GetProperty("id").GetString()!;
        var appended = await AsAsync(keyA, HttpMethod.Post, "api/v1/users/victim/messages", $$"""{"role":"user","content":"{{Secret}}","conversation_id":"{{conversationId}}"}""");
        var insight = await AsAsync(keyA, HttpMethod.Post, "api/v1/insights/victim", $$"""{"topic":"secrets","content":"{{Secret}}"}""");
        await AsAsync(keyA, HttpMethod.Post, "api/v1/users/victim/memory/compress", $$"""{"summary":"{{Secret}}","keep_last_n":10}""");
        var campaign = await AsAsync(keyA, HttpMethod.Post, "api/v1/campaigns", """{"id":"spring","name":"spring"}""");
        var campaignId = campaign.GetProperty("id").GetString()!;
        await AsAsync(keyA, HttpMethod.Post, "api/v1/user_context/campaign", $$$"""{"user_id":"victim","campaign_id":"{{{campaignId}}}","context":{"secret":"{{{Secret}}}"}}""");
        var task = await AsAsync(keyA, HttpMethod.Post, "api/v1/tasks", $$$"""{"task_type":"summarize","request":{"secret":"{{{Secret}}}"},"user_id":"victim"}""");
        var tokens = await AsAsync(keyA, HttpMethod.Post, "api/v1/auth/login", """{"user_id":"other"}""");
        await AsAsync(keyA, HttpMethod.Post, "api/v1/categories", """{"id":"secret-category","name":"Secret","type":"segment"}""");
        var extension = await AsAsync(keyA, HttpMethod.Post, "api/v1/extensions/victim", $$"""{"name":"{{Secret}}","type":"integration"}""");
        var system = $"system-{tenantA}";
        await AdminAsync(HttpMethod.Post, "api/v1/systems", $$"""{"id":"{{system}}","name":"Secret","type":"crm"}""");
        await AdminAsync(HttpMethod.Put, $"api/v1/tenants/{tenantA}/systems/{system}", """{"enabled":true}""");
        await AsAsync(keyA, HttpMethod.Post, "api/v1/factors", """{"id":"secret-factor","name":"Secret","weight":1,"min":0,"max":1}""");
        var assignment = await AsAsync(keyA, HttpMethod.Post, "api/v1/entity-assignments",
            """{"entity_type":"user","entity_id":"victim","category_id":"secret-category","factor_values":{"secret-factor":1}}""");

        return new World(tenantA, keyA, readOnly, revoked.GetProperty("key").GetString()!, keyB, tokens.GetProperty("access_token").GetString()!,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tenant_id"] = tenantA,
                ["user_id"] = "victim",
                ["conversation_id"] = conversationId,
                ["message_id"] = appended.GetProperty("messages")[0].GetProperty("id").GetString()!,
                ["insight_id"] = insight.GetProperty("id").GetString()!,
                ["campaign_id"] = campaignId,
                ["task_id"] = task.GetProperty("task_id").GetString()!,
                ["key_id"] = (await KeyIdsAsync(tenantA))[0],
                ["category_id"] = "secret-category",
                ["factor_id"] = "secret-factor",
                ["assignment_id"] = assignment.GetProperty("id").GetString()!,
                ["system_id"] = system,
                ["extension_id"] = extension.GetProperty("id").GetString()!,
                ["database_id"] = "default",
                ["documentName"] = "v1",
            });
    }

    /// <summary>Everything of tenant A's that a refused call could change, as the API shows it.</summary>
    private async Task<List<string>> SnapshotAsync(World world)
    {
        var paths = new[]
        {
            "api/v1/users/victim/export", "api/v1/users?limit=200", "api/v1/users/other", "api/v1/campaigns", $"api/v1/campaigns/{world.RouteValues["campaign_id"]}",
            "api/v1/categories", "api/v1/factors", "api/v1/entity-assignments", "api/v1/systems", $"api/v1/tenants/{world.TenantA}/systems", "api/v1/extensions/victim", $"api/v1/systems/{world.RouteValues["system_id"]}/config",
            $"api/v1/user_context/campaign/{world.RouteValues["campaign_id"]}", "api/v1/tasks?status=pending", $"api/v1/tasks/{world.RouteValues["task_id"]}",
            "api/v1/insights/victim", "api/v1/events", "api/v1/erasures", $"api/v1/tenants/{world.TenantA}/api-keys", "api/v1/users/victim/memory/profile",
        };
        var snapshot = new List<string>();
        foreach (var path in paths)
        {
            snapshot.Add($"{path}: {(await AsAsync(world.KeyA, HttpMethod.Get, path)).GetRawText()}");
        }
        snapshot.Add((await AdminAsync(HttpMethod.Get, $"api/v1/tenants/{world.TenantA}")).GetRawText());
        snapshot.Add((await AdminAsync(HttpMethod.Get, "api/v1/tenants?limit=200")).GetRawText());
        return snapshot;
    }

    /// <summary>The path as written, and as a client could spell it so that a check by prefix would miss it.</summary>
    private static IEnumerable<string> Spellings(string path)
    {
        var segments = path.TrimStart('/').Split('/');
        var first = segments[0];
        var rest = string.Join('/', segments.Skip(1));
        string With(string firstSegment, string tail) => tail.Length == 0 ? $"/{firstSegment}" : $"/{firstSegment}/{tail}";
        yield return path;
        yield return With(char.ToUpperInvariant(first[0]) + first[1..], rest);
        yield return With(first.ToUpperInvariant(), rest);
        if (segments.Length > 1)
        {
            yield return With(first, string.Join('/', segments.Skip(1).Select((segment, i) => i == 0 ? segment.ToUpperInvariant() : segment)));
            yield return $"/{first}/{rest}".Replace($"/{first}/", $"/{first}//", StringComparison.Ordinal);
        }
        yield return "/" + path;
        yield return path + "/";
        yield return With($"%{(int)first[0]:x2}{first[1..]}", rest);
    }

    private static bool IsAnonymous(Endpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    private static bool IsPolicy(Endpoint endpoint, string policy) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == policy);

    private static bool AllowsTenantKeys(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data =>
            data.Policy is "caller" or "tenant-caller" or "registry-reader" || data.Policy?.StartsWith("tenant:", StringComparison.Ordinal) == true);

    private static bool NamesTenant(RouteEndpoint endpoint) => endpoint.RoutePattern.GetParameter("tenant_id") is not null;

    private async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, Credential credential)
    {
        // Sent as written: System.Uri would otherwise unescape %61 and so test nothing.
        var uri = new Uri($"{_server.Address.GetLeftPart(UriPartial.Authority)}{path}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri);
        if (credential.Key is not null)
        {
            request.Headers.Add("X-API-Key", credential.Key);
        }
        if (credential.TenantHeader is not null)
        {
            request.Headers.Add("X-Tenant-ID", credential.TenantHeader);
        }
        if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        using var response = await _server.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> NewKeyAsync(string tenantId, string scopes) =>
        (await AdminAsync(HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys", $$"""{"name":"k","scopes":{{scopes}}}""")).GetProperty("key").GetString()!;

    private async Task<List<string>> KeyIdsAsync(string tenantId) =>
        [.. (await AdminAsync(HttpMethod.Get, $"api/v1/tenants/{tenantId}/api-keys")).GetProperty("api_keys").EnumerateArray().Select(key => key.GetProperty("id").GetString()!)];

    private Task<JsonElement> AdminAsync(HttpMethod method, string path, string? body = null) => AsAsync(MnemoTestServer.AdminKey, method, path, body);

    private async Task<JsonElement> AsAsync(string key, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", key);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>Metrics need the platform key even from loopback here, so that no caller of this test may read them.</summary>
public sealed class SqliteClosedMetricsFixture() : ServerFixture(Backend.Sqlite, new Dictionary<string, string?> { ["Mnemo:Metrics:OpenOnLoopback"] = "false" });

public sealed class PostgresClosedMetricsFixture() : ServerFixture(Backend.Postgres, new Dictionary<string, string?> { ["Mnemo:Metrics:OpenOnLoopback"] = "false" });

public sealed class SqliteEndpointAccessTests(SqliteClosedMetricsFixture fixture, ITestOutputHelper output)
    : EndpointAccessTests(fixture, output), IClassFixture<SqliteClosedMetricsFixture>;

public sealed class PostgresEndpointAccessTests(PostgresClosedMetricsFixture fixture, ITestOutputHelper output)
    : EndpointAccessTests(fixture, output), IClassFixture<PostgresClosedMetricsFixture>;

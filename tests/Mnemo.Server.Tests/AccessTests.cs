using System.Net;
using System.Text.Json;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Server.Access;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.Tenants;

namespace Mnemo.Server.Tests;

public abstract class AccessTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private async Task<(string TenantId, string Key)> NewTenantWithKeyAsync(params string[] scopes)
    {
        var tenantId = TestIds.Tenant();
        await _server.Admin.Tenants.CreateAsync(new CreateTenantRequest { Id = tenantId });
        var key = await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "backend", Scopes = scopes });
        return (tenantId, key.Key);
    }

    private static Task<MnemoApiException> FailsAsync(HttpStatusCode status, string code, Func<Task> call) =>
        Expect.ProblemAsync(status, code, call);

    [Fact]
    public async Task No_key_and_an_unknown_key_are_401()
    {
        await FailsAsync(HttpStatusCode.Unauthorized, "missing_credentials", () => _server.As(null).GetMeAsync());
        await FailsAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As("mk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").GetMeAsync());
        await FailsAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As("not-a-key").Tenants.ListAsync());
    }

    [Fact]
    public async Task A_created_key_is_shown_once_and_works_as_bearer_or_header()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Read, ApiKeyScopes.Admin);

        var me = await _server.As(key).GetMeAsync();
        Assert.Equal(tenantId, me.TenantId);
        Assert.False(me.Platform);
        Assert.Equal([ApiKeyScopes.Read, ApiKeyScopes.Admin], me.Scopes);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await _server.Http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var listed = await _server.Admin.ApiKeys.ListAsync(tenantId);
        var text = JsonSerializer.Serialize(listed, Mnemo.Json.MnemoJsonContext.Default.ApiKeyListResponse);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.StartsWith(Assert.Single(listed.ApiKeys).Prefix, key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_platform_key_reports_itself_and_acts_for_a_tenant_with_the_header()
    {
        var (tenantId, _) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);

        var me = await _server.Admin.GetMeAsync();
        Assert.True(me.Platform);
        Assert.Null(me.TenantId);

        var acting = await _server.As(MnemoTestServer.AdminKey, tenantId).GetMeAsync();
        Assert.Equal(tenantId, acting.TenantId);
    }

    [Fact]
    public async Task A_tenant_key_cannot_manage_tenants()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Read, ApiKeyScopes.Write, ApiKeyScopes.Admin);
        var tenantClient = _server.As(key);

        await FailsAsync(HttpStatusCode.Forbidden, "platform_key_required", () => tenantClient.Tenants.ListAsync());
        await FailsAsync(HttpStatusCode.Forbidden, "platform_key_required", () => tenantClient.Tenants.GetAsync(tenantId));
        await FailsAsync(HttpStatusCode.Forbidden, "platform_key_required", () => tenantClient.Tenants.DeleteAsync(tenantId));
        await FailsAsync(HttpStatusCode.Forbidden, "platform_key_required",
            () => tenantClient.Tenants.CreateAsync(new CreateTenantRequest { Id = TestIds.Tenant() }));
        Assert.Equal(tenantId, (await _server.Admin.Tenants.GetAsync(tenantId)).Id);
    }

    [Fact]
    public async Task Tenant_A_cannot_read_change_or_list_anything_of_tenant_B()
    {
        var (tenantA, keyA) = await NewTenantWithKeyAsync(ApiKeyScopes.Read, ApiKeyScopes.Write, ApiKeyScopes.Admin);
        var (tenantB, _) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);
        var keyOfB = Assert.Single((await _server.Admin.ApiKeys.ListAsync(tenantB)).ApiKeys);
        var clientA = _server.As(keyA);

        await FailsAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => clientA.ApiKeys.ListAsync(tenantB));
        await FailsAsync(HttpStatusCode.Forbidden, "tenant_forbidden",
            () => clientA.ApiKeys.CreateAsync(tenantB, new CreateApiKeyRequest { Name = "intruder" }));
        await FailsAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => clientA.ApiKeys.RevokeAsync(tenantB, keyOfB.Id));
        await FailsAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => _server.As(keyA, tenantB).GetMeAsync());
        await FailsAsync(HttpStatusCode.Forbidden, "tenant_forbidden", () => _server.As(keyA, tenantB).ApiKeys.ListAsync(tenantA));
        // A key id of another tenant under one's own tenant is simply not there.
        await FailsAsync(HttpStatusCode.NotFound, "not_found", () => clientA.ApiKeys.RevokeAsync(tenantA, keyOfB.Id));

        Assert.Single((await _server.Admin.ApiKeys.ListAsync(tenantB)).ApiKeys);
    }

    [Fact]
    public async Task A_tenant_admin_key_manages_its_own_keys_and_a_key_without_admin_cannot()
    {
        var (tenantId, adminKey) = await NewTenantWithKeyAsync(ApiKeyScopes.Admin);
        var tenantAdmin = _server.As(adminKey);

        var created = await tenantAdmin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "reader", Scopes = [ApiKeyScopes.Read] });
        Assert.Equal(2, (await tenantAdmin.ApiKeys.ListAsync(tenantId)).ApiKeys.Count);

        await FailsAsync(HttpStatusCode.Forbidden, "insufficient_scope", () => _server.As(created.Key).ApiKeys.ListAsync(tenantId));

        await tenantAdmin.ApiKeys.RevokeAsync(tenantId, created.Id);
        await FailsAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As(created.Key).GetMeAsync());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);
        var keyId = Assert.Single((await _server.Admin.ApiKeys.ListAsync(tenantId)).ApiKeys).Id;
        await _server.As(key).GetMeAsync();

        await _server.Admin.ApiKeys.RevokeAsync(tenantId, keyId);

        await FailsAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As(key).GetMeAsync());
    }

    [Fact]
    public async Task A_key_revoked_on_another_node_is_refused_there_once_its_cached_lookup_expires()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);
        Assert.True(ApiKeySecrets.TryParse(key, out _, out var prefix));
        var clock = new ManualClock();
        var otherNode = new ApiKeyCache(_server.Services.GetRequiredService<IApiKeyStore>(), clock);
        var credential = await otherNode.FindByPrefixAsync(prefix, CancellationToken.None);

        await _server.Admin.ApiKeys.RevokeAsync(tenantId, credential!.Key.Id);

        Assert.NotNull(await otherNode.FindByPrefixAsync(prefix, CancellationToken.None));
        clock.Advance(ApiKeyCache.Lifetime);
        Assert.Null(await otherNode.FindByPrefixAsync(prefix, CancellationToken.None));
    }

    [Fact]
    public async Task A_suspended_tenants_keys_are_refused_until_it_is_active_again()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Admin);
        Assert.Single((await _server.As(key).ApiKeys.ListAsync(tenantId)).ApiKeys); // its lookup is now cached
        await _server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest { Status = TenantStatus.Suspended });

        await FailsAsync(HttpStatusCode.Forbidden, "tenant_suspended", () => _server.As(key).ApiKeys.ListAsync(tenantId));

        await _server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest { Status = TenantStatus.Active });
        Assert.Single((await _server.As(key).ApiKeys.ListAsync(tenantId)).ApiKeys);
    }

    [Fact]
    public async Task Deleting_a_tenant_invalidates_its_keys()
    {
        var (tenantId, key) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);

        await _server.Admin.Tenants.DeleteAsync(tenantId);

        await FailsAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As(key).GetMeAsync());
    }

    [Fact]
    public async Task A_platform_key_on_a_tenant_endpoint_must_name_one_tenant()
    {
        var (tenantId, _) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Get, $"api/v1/tenants/{tenantId}/api-keys", null,
            MnemoTestServer.AdminKey, HttpStatusCode.BadRequest, new Dictionary<string, string> { ["X-Tenant-ID"] = TestIds.Tenant() });

        Assert.Equal("bad_request", problem.GetProperty("code").GetString());
        await FailsAsync(HttpStatusCode.NotFound, "not_found", () => _server.Admin.ApiKeys.ListAsync(TestIds.Tenant()));
    }

    [Fact]
    public async Task Invalid_key_requests_are_400_with_every_field()
    {
        var (tenantId, _) = await NewTenantWithKeyAsync(ApiKeyScopes.Read);

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, $"api/v1/tenants/{tenantId}/api-keys",
            """{"name":"","scopes":["read","root"]}""", MnemoTestServer.AdminKey, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("scopes[1]", out _));
    }
}

public sealed class SqliteAccessTests(SqliteServerFixture fixture) : AccessTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAccessTests(PostgresServerFixture fixture) : AccessTests(fixture), IClassFixture<PostgresServerFixture>;

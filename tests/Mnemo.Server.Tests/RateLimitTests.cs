using System.Net;
using System.Text.Json;
using Mnemo.Tenants;

namespace Mnemo.Server.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_flooding_tenant_gets_429_with_retry_after_while_another_tenant_is_served()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        var (limitedTenant, limited) = await server.NewTenantAsync();
        var (_, other) = await server.NewTenantAsync();
        await server.Admin.Tenants.UpdateAsync(limitedTenant, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"requests_per_second":1,"burst":5}""").RootElement,
        });

        var flood = Task.WhenAll(Enumerable.Range(0, 60).Select(_ => SendAsync(server, limited.ApiKey!)));
        var fair = Task.WhenAll(Enumerable.Range(0, 30).Select(_ => SendAsync(server, other.ApiKey!)));
        var flooded = await flood;
        var served = await fair;

        Assert.All(served, result => Assert.Equal(HttpStatusCode.OK, result.Status));
        var rejected = flooded.Where(result => result.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.True(rejected.Count >= 40, $"only {rejected.Count} of 60 were limited");
        Assert.All(rejected, result =>
        {
            Assert.True(int.Parse(result.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Contains("\"code\":\"rate_limited\"", result.Body, StringComparison.Ordinal);
        });
        Assert.Contains(flooded, result => result.Status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_signed_in_users_token_is_held_to_the_tenants_rate_too()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        var (tenantId, backend) = await server.NewTenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var token = (await backend.Auth.LoginAsync("u")).AccessToken;
        await server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"requests_per_second":1,"burst":2}""").RootElement,
        });

        var flooded = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendAsync(server, token)));

        Assert.True(flooded.Count(result => result.Status == HttpStatusCode.TooManyRequests) >= 15, string.Join(", ", flooded.Select(result => (int)result.Status)));
    }

    private static async Task<(HttpStatusCode Status, string? RetryAfter, string Body)> SendAsync(MnemoTestServer server, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await server.Http.SendAsync(request);
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? values.First() : null;
        return (response.StatusCode, retryAfter, await response.Content.ReadAsStringAsync());
    }
}

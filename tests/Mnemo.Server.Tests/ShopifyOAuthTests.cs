using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mnemo.Server.Tests;

/// <summary>The Shopify install flow against a fake Shopify on loopback.</summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync (xunit's IAsyncLifetime).
public sealed class ShopifyOAuthTests : IAsyncLifetime
{
    private const string Secret = "shpss_test_secret";
    private WebApplication? _fakeShopify;
    private MnemoTestServer? _server;
    private HttpClient? _browser;
    private string _tenantId = string.Empty;

    private MnemoTestServer Server => _server!;

    public async Task InitializeAsync()
    {
        _fakeShopify = await LoopbackApp.StartAsync(app => app.MapPost("/{shop}/admin/oauth/access_token", async (string shop, HttpContext context) =>
        {
            switch (shop)
            {
                case "refuse.myshopify.com":
                    return Results.BadRequest();
                case "hang.myshopify.com":
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // a peer that never answers in time
                    return Results.Ok();
                default:
                    return Results.Json(new Dictionary<string, string> { ["access_token"] = $"shpat_{shop}", ["scope"] = "read_products" });
            }
        }));
        var fakeAddress = LoopbackApp.AddressOf(_fakeShopify);

        _server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite), new Dictionary<string, string?>
        {
            ["Mnemo:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Mnemo:Shopify:AdminBaseUrl"] = fakeAddress + "/{shop}",
            ["Mnemo:Shopify:ExchangeTimeout"] = "00:00:01",
        });
        _browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.Address };
        (_tenantId, var client) = await Server.NewTenantAsync();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/v1/tenants/{_tenantId}/oauth/shopify")
        {
            Content = new StringContent($$"""{"client_id":"app-1","client_secret":"{{Secret}}","scopes":"read_products","redirect_url":"{{Server.Address}}api/v1/auth/shopify/callback","frontend_url":"http://frontend.test/ui/"}""", Encoding.UTF8, "application/json"),
        };
        put.Headers.Add("X-API-Key", client.ApiKey);
        (await Server.Http.SendAsync(put)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _browser?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_fakeShopify is not null)
        {
            await _fakeShopify.DisposeAsync();
        }
    }

    private async Task<string> InstallAsync(string shop)
    {
        using var response = await _browser!.GetAsync($"api/v1/auth/shopify/install?shop={shop}&tenant_id={_tenantId}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"https://{shop}/admin/oauth/authorize", location.ToString(), StringComparison.Ordinal);
        return HttpUtility.ParseQueryString(location.Query)["state"]!;
    }

    private static string Signed(Dictionary<string, string> query, string secret = Secret)
    {
        var message = string.Join('&', query.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
        var hmac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
        return string.Join('&', query.Append(new("hmac", hmac)).Select(pair => $"{pair.Key}={Uri.EscapeDataString(pair.Value)}"));
    }

    private static Dictionary<string, string> Callback(string shop, string state, DateTimeOffset? at = null) => new()
    {
        ["code"] = "auth-code", ["shop"] = shop, ["state"] = state,
        ["timestamp"] = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<HttpResponseMessage> CallbackAsync(string query) => await _browser!.GetAsync($"api/v1/auth/shopify/callback?{query}");

    [Fact]
    public async Task The_install_signs_the_merchant_in_with_a_stable_user_id()
    {
        var state = await InstallAsync("good.myshopify.com");

        using var response = await CallbackAsync(Signed(Callback("good.myshopify.com", state)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        var fragment = HttpUtility.ParseQueryString(location.Fragment.TrimStart('#'));
        Assert.Equal(("complete", "true", "good.myshopify.com"), (query["oauth"], query["is_new"], query["shop"]));
        Assert.Equal(Mnemo.Users.UserIds.Derive(_tenantId, "shopify", "good.myshopify.com"), query["user_id"]);
        var me = await Server.As(fragment["access_token"]).GetMeAsync();
        Assert.Equal(query["user_id"], me.UserId);
        var events = await Server.As(fragment["access_token"]).Events.ListAsync(query["user_id"]!);
        Assert.Contains(events.Events, e => e.EventType == "oauth_complete" && e.EventData.GetProperty("first_time").GetBoolean());

        using var again = await CallbackAsync(Signed(Callback("good.myshopify.com", await InstallAsync("good.myshopify.com"))));
        Assert.Equal("false", HttpUtility.ParseQueryString(again.Headers.Location!.Query)["is_new"]);
    }

    [Fact]
    public async Task Every_failure_is_a_4xx_and_stores_nothing()
    {
        var state = await InstallAsync("careful.myshopify.com");

        await AssertRejected(HttpStatusCode.Unauthorized, Signed(Callback("careful.myshopify.com", state), secret: "wrong-secret"));
        await AssertRejected(HttpStatusCode.Unauthorized, Signed(Callback("careful.myshopify.com", state, DateTimeOffset.UtcNow.AddHours(-1))));
        await AssertRejected(HttpStatusCode.Unauthorized, Signed(Callback("careful.myshopify.com", "st_unknown")));
        await AssertRejected(HttpStatusCode.Unauthorized, Signed(Callback("other.myshopify.com", state)));
        await AssertRejected(HttpStatusCode.BadRequest, Signed(Callback("not a shop", state)));
        await AssertRejected(HttpStatusCode.BadRequest, Signed(Callback("refuse.myshopify.com", await InstallAsync("refuse.myshopify.com"))));
        await AssertRejected(HttpStatusCode.BadRequest, Signed(Callback("hang.myshopify.com", await InstallAsync("hang.myshopify.com"))));
        using var badInstall = await _browser!.GetAsync($"api/v1/auth/shopify/install?shop=evil.com&tenant_id={_tenantId}");
        Assert.Equal(HttpStatusCode.BadRequest, badInstall.StatusCode);
        Assert.Empty((await Server.Admin.WithApiKey(MnemoTestServer.AdminKey, _tenantId).Users.ListAsync()).Users);

        // None of that spent the state: the real callback still works, once.
        using var good = await CallbackAsync(Signed(Callback("careful.myshopify.com", state)));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        await AssertRejected(HttpStatusCode.Unauthorized, Signed(Callback("careful.myshopify.com", state)));
    }

    [Fact]
    public async Task The_client_secret_is_never_shown_again()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/tenants/{_tenantId}/oauth/shopify") { Headers = { { "X-API-Key", MnemoTestServer.AdminKey } } };
        using var response = await Server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("app-1", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    private async Task AssertRejected(HttpStatusCode status, string query)
    {
        using var response = await CallbackAsync(query);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
#pragma warning restore CA1001

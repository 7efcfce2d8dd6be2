using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.OAuth;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Server.Tenants;
using Mnemo.Sessions;
using Mnemo.Validation;

namespace Mnemo.Server.OAuth;

/// <summary>
/// Seed 004's Shopify install: a merchant's browser is sent to Shopify with a one-time state,
/// comes back with a signed code, and leaves signed in with a stable <c>usr_</c> id. Every check
/// fails closed with a 400/401 problem, and a failed callback stores nothing.
/// </summary>
public static partial class ShopifyEndpoints
{
    /// <summary>The named HttpClient for the code exchange.</summary>
    public const string HttpClientName = "shopify";

    /// <summary>Maps the app configuration and the install/callback flow.</summary>
    public static IEndpointRouteBuilder MapShopify(this IEndpointRouteBuilder routes)
    {
        var config = routes.MapGroup("/api/v1/tenants/{tenant_id}/oauth/shopify").WithTags("OAuth").RequireTenant(ApiKeyScopes.Admin);
        config.MapPut("/", SaveAppAsync).Accepts<ShopifyAppRequest>("application/json");
        config.MapGet("/", GetAppAsync);
        // The merchant's browser carries no key: these two take the tenant from the query and the state.
        // The shop's browser arrives here with no key: the HMAC and the state nonce are the credentials.
        var install = routes.MapGroup("/api/v1/auth/shopify").WithTags("OAuth").AllowAnonymous();
        // Both answer the browser with a redirect (302); their problems are the merchant's dead ends.
        install.MapGet("/install", InstallAsync).Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound);
        install.MapGet("/callback", CallbackAsync).Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static async Task<Results<Ok<ShopifyAppResponse>, ProblemHttpResult>> SaveAppAsync(
        TenantScope scope, JsonBody<ShopifyAppRequest> body, IOAuthStore store, SecretBox secrets, CancellationToken cancellationToken)
    {
        RequireEncryption(secrets);
        var app = body.Value;
        await store.SaveAppAsync(scope.TenantId, app, secrets.Seal(app.ClientSecret!), cancellationToken);
        return TypedResults.Ok(new ShopifyAppResponse(app.ClientId!, app.Scopes!, app.RedirectUrl!, app.FrontendUrl!));
    }

    private static async Task<Results<Ok<ShopifyAppResponse>, ProblemHttpResult>> GetAppAsync(
        TenantScope scope, IOAuthStore store, CancellationToken cancellationToken) =>
        await store.GetAppAsync(scope.TenantId, cancellationToken) is { } app
            ? TypedResults.Ok(app.App)
            : ApiProblems.NotFound($"Tenant '{scope.TenantId}' has no Shopify app configured.");

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> InstallAsync(
        string? shop, string? tenant_id, IOAuthStore store, IOptions<MnemoOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!ShopifyRules.IsShopDomain(shop))
        {
            throw ApiProblems.InvalidField("shop", "must be a shop domain like example.myshopify.com");
        }
        if (!Identifiers.IsTenantId(tenant_id))
        {
            throw ApiProblems.InvalidField("tenant_id", Identifiers.TenantIdRule);
        }
        if (await store.GetAppAsync(tenant_id!, cancellationToken) is not { } app)
        {
            return ApiProblems.NotFound($"Tenant '{tenant_id}' has no Shopify app configured.");
        }
        var state = SessionTokens.New("st_");
        await store.CreateStateAsync(tenant_id!, shop!, SessionTokens.Hash(state), timeProvider.GetUtcNow() + options.Value.Shopify.StateLifetime, cancellationToken);
        var authorize = $"https://{shop}/admin/oauth/authorize?client_id={Uri.EscapeDataString(app.App.ClientId)}"
            + $"&scope={Uri.EscapeDataString(app.App.Scopes)}&redirect_uri={Uri.EscapeDataString(app.App.RedirectUrl)}&state={Uri.EscapeDataString(state)}";
        return TypedResults.Redirect(authorize);
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> CallbackAsync(
        HttpContext http, IOAuthStore store, SignIn signIn, SecretBox secrets, TenantSettingsCache cache, IHttpClientFactory httpClients,
        IOptions<MnemoOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var query = http.Request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
        var shop = query.GetValueOrDefault("shop");
        var state = query.GetValueOrDefault("state");
        var code = query.GetValueOrDefault("code");
        if (!ShopifyRules.IsShopDomain(shop))
        {
            throw ApiProblems.InvalidField("shop", "must be a shop domain like example.myshopify.com");
        }
        if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(code) || !query.ContainsKey("hmac"))
        {
            return Rejected(StatusCodes.Status400BadRequest, "The callback needs code, hmac, shop, state and timestamp.");
        }
        var stateHash = SessionTokens.Hash(state);
        if (await store.FindStateAsync(stateHash, shop!, cancellationToken) is not { } tenantId
            || await store.GetAppAsync(tenantId, cancellationToken) is not { } app)
        {
            return Rejected(StatusCodes.Status401Unauthorized, "The state is unknown, expired, already used, or for another shop.");
        }
        RequireEncryption(secrets);
        var clientSecret = secrets.Open(app.EncryptedSecret);
        if (!ShopifyRules.HasValidHmac(query, clientSecret))
        {
            return Rejected(StatusCodes.Status401Unauthorized, "The callback's HMAC does not match.");
        }
        if (!long.TryParse(query.GetValueOrDefault("timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799))).TotalSeconds)
                > options.Value.Shopify.TimestampTolerance.TotalSeconds)
        {
            return Rejected(StatusCodes.Status401Unauthorized, "The callback's timestamp is not recent.");
        }

        var exchange = await ExchangeCodeAsync(httpClients, options, shop!, app.App.ClientId, clientSecret, code, cancellationToken);
        if (exchange is null)
        {
            return Rejected(StatusCodes.Status400BadRequest, "Shopify did not exchange the code for an access token.");
        }
        var resolved = await store.CompleteInstallAsync(tenantId, shop!, stateHash, secrets.Seal(exchange.Value.AccessToken), exchange.Value.Scope, cancellationToken);
        if (resolved is null)
        {
            return Rejected(StatusCodes.Status401Unauthorized, "The state was used by another callback.");
        }
        var tenantSettings = await cache.GetAsync(tenantId, cancellationToken);
        var tokens = await signIn.StartAsync(tenantId, resolved.User.Id,
            new TokenLifetimes(TimeSpan.FromMinutes(tenantSettings.AccessTokenMinutes ?? 15), TimeSpan.FromDays(tenantSettings.RefreshTokenDays ?? 30)), cancellationToken);
        // The tokens ride in the fragment: browsers do not send it to servers, so it stays out of logs.
        var target = $"{app.App.FrontendUrl}{(app.App.FrontendUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}oauth=complete"
            + $"&is_new={(resolved.IsNew ? "true" : "false")}&merchant_id={Uri.EscapeDataString(resolved.User.Id)}&user_id={Uri.EscapeDataString(resolved.User.Id)}"
            + $"&shop={Uri.EscapeDataString(shop!)}#access_token={Uri.EscapeDataString(tokens!.AccessToken)}&refresh_token={Uri.EscapeDataString(tokens.RefreshToken)}";
        return TypedResults.Redirect(target);
    }

    /// <summary>POSTs the code to <c>{shop admin}/admin/oauth/access_token</c>; null on any failure or timeout.</summary>
    private static async Task<(string AccessToken, string Scope)?> ExchangeCodeAsync(
        IHttpClientFactory httpClients, IOptions<MnemoOptions> options, string shop, string clientId, string clientSecret, string code, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.Shopify.AdminBaseUrl.Replace("{shop}", shop, StringComparison.Ordinal).TrimEnd('/');
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Shopify.ExchangeTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync($"{baseUrl}/admin/oauth/access_token",
                new Dictionary<string, string> { ["client_id"] = clientId, ["client_secret"] = clientSecret, ["code"] = code },
                Mnemo.Json.MnemoJsonContext.Default.IReadOnlyDictionaryStringString, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), default, timeout.Token);
            return document.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } accessToken
                ? (accessToken, document.RootElement.TryGetProperty("scope", out var scope) ? scope.GetString() ?? string.Empty : string.Empty)
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static void RequireEncryption(SecretBox secrets)
    {
        if (!secrets.IsConfigured)
        {
            throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, ProblemCodes.NotConfigured, "Not configured",
                "Set Mnemo:EncryptionKey (32 bytes, base64) to store OAuth secrets.");
        }
    }

    private static ProblemHttpResult Rejected(int status, string detail) =>
        ApiProblems.Create(status, status == StatusCodes.Status401Unauthorized ? ProblemCodes.InvalidCredentials : ProblemCodes.BadRequest,
            status == StatusCodes.Status401Unauthorized ? "OAuth callback rejected" : "Bad OAuth callback", detail);
}

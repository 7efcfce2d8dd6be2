using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.Server.Activity;
using Mnemo.Server.Tenants;

namespace Mnemo.Server.Access;

/// <summary>
/// ASP.NET Core authentication for Mnemo's credentials: a key or token sent as <c>X-API-Key</c> or
/// <c>Authorization: Bearer</c> becomes a principal with a <see cref="CallerIdentity"/>. No
/// credentials is no result (the endpoint's policy decides whether that is enough); credentials
/// that prove nothing fail. Which endpoints a caller may reach is decided by authorization
/// policies (<see cref="AccessPolicies"/>), never here and never from the path.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CredentialVerifier credentials, ActivityTracker activity, TenantSettingsCache tenantSettings, TimeProvider timeProvider)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "MnemoKey";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedSecret(Request) is not { } secret)
        {
            return AuthenticateResult.NoResult();
        }
        var caller = await credentials.VerifyAsync(secret, Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The key or token is not valid.");
        }
        if (caller is { IsPlatform: false, TenantId: { } tenantId })
        {
            if (caller.KeyId is { } keyId)
            {
                activity.KeyUsed(new ApiKeyUsage(tenantId, keyId, timeProvider.GetUtcNow()));
            }
            // The tenant's rate holds for each key, and for each signed-in user of the tenant.
            if (await tenantSettings.GetAsync(tenantId, Context.RequestAborted) is { RequestsPerSecond: { } perSecond } limits)
            {
                var holder = caller.KeyId?.ToString("D") ?? $"user:{tenantId}/{caller.UserId}";
                Context.Items[RateLimits.ItemKey] = new RateLimits.KeyLimit(holder, perSecond, limits.Burst ?? perSecond);
            }
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new CallerIdentity(caller, SchemeName)), SchemeName));
    }

    private static string? PresentedSecret(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && !string.IsNullOrWhiteSpace(apiKey))
        {
            return apiKey.ToString().Trim();
        }
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }
}

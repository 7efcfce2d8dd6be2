using Mnemo.ApiKeys;
using Mnemo.Server.Activity;
using Mnemo.Sessions;
using Mnemo.Server.Hosting;
using Mnemo.Server.Tenants;
using Mnemo.Tenants;

namespace Mnemo.Server.Access;

/// <summary>
/// Finds the caller from <c>X-API-Key</c> or <c>Authorization: Bearer</c>, then enforces the
/// endpoint's <see cref="AccessRule"/> before anything else runs (so a body is never read for a
/// caller who may not send it). A key is found by its public prefix and then compared by hash
/// in constant time, so response timing says nothing about how much of a guessed secret was right.
/// </summary>
public sealed class CallerAuthentication(RequestDelegate next, ServerSettings settings)
{
    // Hashed once, when the pipeline is built, rather than on every request.
    private readonly byte[]? _adminKeyHash = settings.Options.AdminKey is { Length: > 0 } adminKey ? ApiKeySecrets.Hash(adminKey.Trim()) : null;

    /// <summary>Establishes the caller for API requests, checks access, and passes them on.</summary>
    public async Task InvokeAsync(
        HttpContext context, IApiKeyStore keys, ApiKeyCache keyCache, ISessionStore sessions, ITenantStore tenants,
        ActivityTracker activity, TenantSettingsCache tenantSettings, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            || context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal))
        {
            var presented = PresentedKey(context.Request);
            if (presented is not null)
            {
                var caller = presented.StartsWith(SessionTokens.AccessMarker, StringComparison.Ordinal)
                    ? await AuthenticateUserAsync(presented, sessions, context.RequestAborted)
                    : await AuthenticateAsync(presented, keys, keyCache, context.RequestAborted);
                context.Features.Set(new CallerFeature { Caller = caller, CredentialsRejected = caller is null });
                if (caller is { IsPlatform: false, KeyId: { } keyId, TenantId: { } tenantId })
                {
                    activity.KeyUsed(new ApiKeyUsage(tenantId, keyId, timeProvider.GetUtcNow()));
                    if (await tenantSettings.GetAsync(tenantId, context.RequestAborted) is { RequestsPerSecond: { } perSecond } limits)
                    {
                        context.Items[RateLimits.ItemKey] = new RateLimits.KeyLimit(keyId, perSecond, limits.Burst ?? perSecond);
                    }
                }
            }
            if (context.GetEndpoint()?.Metadata.GetMetadata<AccessRule>() is { } rule)
            {
                await AccessFilters.EnforceAsync(context, rule, tenants);
            }
        }
        await next(context);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && !string.IsNullOrWhiteSpace(apiKey))
        {
            return apiKey.ToString().Trim();
        }
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
    }

    /// <summary>An end-user access token: it reads its own user's data and nothing else.</summary>
    private static async Task<Caller?> AuthenticateUserAsync(string token, ISessionStore sessions, CancellationToken cancellationToken) =>
        await sessions.AuthenticateAsync(token, cancellationToken) is { } user
            ? new Caller { TenantId = user.TenantId, UserId = user.UserId, Scopes = [ApiKeyScopes.Read] }
            : null;

    private async Task<Caller?> AuthenticateAsync(string key, IApiKeyStore keys, ApiKeyCache keyCache, CancellationToken cancellationToken)
    {
        if (_adminKeyHash is { } adminKeyHash && ApiKeySecrets.Matches(key, adminKeyHash))
        {
            return Caller.Platform(keyId: null);
        }
        if (!ApiKeySecrets.TryParse(key, out var marker, out var prefix))
        {
            return null;
        }
        if (marker == ApiKeySecrets.PlatformMarker)
        {
            var hash = await keys.FindPlatformKeyAsync(prefix, cancellationToken);
            return hash is not null && ApiKeySecrets.Matches(key, hash) ? Caller.Platform(keyId: null) : null;
        }
        var credential = await keyCache.FindByPrefixAsync(prefix, cancellationToken);
        if (credential is null || !ApiKeySecrets.Matches(key, credential.SecretHash))
        {
            return null;
        }
        return new Caller
        {
            TenantId = credential.Key.TenantId,
            TenantStatus = credential.TenantStatus,
            KeyId = credential.Key.Id,
            Scopes = credential.Key.Scopes,
        };
    }
}

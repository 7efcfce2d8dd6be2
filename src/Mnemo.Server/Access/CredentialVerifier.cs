using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.Server.Hosting;
using Mnemo.Sessions;

namespace Mnemo.Server.Access;

/// <summary>
/// Turns a presented secret into a <see cref="Caller"/>: the configured platform key, a stored
/// platform key, a tenant key or an end-user access token. A key is found by its public prefix
/// and then compared by hash in constant time, so response timing says nothing about how much of
/// a guessed secret was right.
/// </summary>
public sealed class CredentialVerifier(IOptions<MnemoOptions> options, IApiKeyStore keys, ApiKeyCache keyCache, ISessionStore sessions)
{
    // Hashed once, when the service is made, rather than on every request.
    private readonly byte[]? _adminKeyHash = options.Value.AdminKey is { Length: > 0 } adminKey ? ApiKeySecrets.Hash(adminKey.Trim()) : null;

    /// <summary>The caller <paramref name="secret"/> proves, or null when it proves nothing.</summary>
    public async Task<Caller?> VerifyAsync(string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.StartsWith(SessionTokens.AccessMarker, StringComparison.Ordinal))
        {
            return await VerifyUserTokenAsync(secret, cancellationToken);
        }
        if (_adminKeyHash is { } adminKeyHash && ApiKeySecrets.Matches(secret, adminKeyHash))
        {
            return Caller.Platform(keyId: null);
        }
        if (!ApiKeySecrets.TryParse(secret, out var marker, out var prefix))
        {
            return null;
        }
        if (marker == ApiKeySecrets.PlatformMarker)
        {
            var hash = await keys.FindPlatformKeyAsync(prefix, cancellationToken);
            return hash is not null && ApiKeySecrets.Matches(secret, hash) ? Caller.Platform(keyId: null) : null;
        }
        var credential = await keyCache.FindByPrefixAsync(prefix, cancellationToken);
        if (credential is null || !ApiKeySecrets.Matches(secret, credential.SecretHash))
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

    /// <summary>An end-user access token: it reads its own user's data and nothing else.</summary>
    /// <remarks>Its tenant's status, read with the token in the same query, decides as it does for keys.</remarks>
    private async Task<Caller?> VerifyUserTokenAsync(string token, CancellationToken cancellationToken) =>
        await sessions.AuthenticateAsync(token, cancellationToken) is { } user
            ? new Caller { TenantId = user.TenantId, TenantStatus = user.TenantStatus, UserId = user.UserId, Scopes = [ApiKeyScopes.Read] }
            : null;
}

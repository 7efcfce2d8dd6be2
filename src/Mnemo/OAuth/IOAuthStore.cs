using Mnemo.Users;

namespace Mnemo.OAuth;

/// <summary>Persistence of the OAuth flow.</summary>
public interface IOAuthStore
{
    /// <summary>Saves the tenant's app (secret already encrypted); false when the tenant does not exist.</summary>
    Task<bool> SaveAppAsync(string tenantId, ShopifyAppRequest app, byte[] encryptedSecret, CancellationToken cancellationToken);

    /// <summary>The tenant's app with its encrypted secret, or null.</summary>
    Task<(ShopifyAppResponse App, byte[] EncryptedSecret)?> GetAppAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Stores a state nonce (by hash) for an install of <paramref name="shop"/>.</summary>
    Task CreateStateAsync(string tenantId, string shop, byte[] stateHash, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>The tenant of an unused, unexpired state for <paramref name="shop"/>, or null.</summary>
    Task<string?> FindStateAsync(byte[] stateHash, string shop, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: consumes the state (null when someone else did first), resolves the
    /// merchant's user from the shop domain, stores the merchant with its encrypted token, and
    /// records <c>user_created</c> (first time) and <c>oauth_complete</c>.
    /// </summary>
    Task<ResolvedUser?> CompleteInstallAsync(
        string tenantId, string shop, byte[] stateHash, byte[] encryptedAccessToken, string scopes, CancellationToken cancellationToken);
}

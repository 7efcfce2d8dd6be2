namespace Mnemo.ApiKeys;

/// <summary>Persistence of tenant and platform API keys. Only SHA-256 hashes of secrets are stored.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores <paramref name="key"/>; false when its tenant does not exist.</summary>
    Task<bool> CreateAsync(ApiKey key, byte[] secretHash, CancellationToken cancellationToken);

    /// <summary>The tenant's keys, oldest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>The key with this public prefix, for authentication; null when there is none.</summary>
    Task<ApiKeyCredential?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the key at once; false when the tenant has no such key.</summary>
    Task<bool> RevokeAsync(string tenantId, Guid keyId, CancellationToken cancellationToken);

    /// <summary>Records last-used times for many keys in one write.</summary>
    Task RecordUsageAsync(IReadOnlyCollection<ApiKeyUsage> usages, CancellationToken cancellationToken);

    /// <summary>True when any platform key has been stored.</summary>
    Task<bool> AnyPlatformKeyAsync(CancellationToken cancellationToken);

    /// <summary>Stores a generated platform key's hash.</summary>
    Task AddPlatformKeyAsync(Guid id, string prefix, byte[] secretHash, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>The hash of the platform key with this prefix, or null.</summary>
    Task<byte[]?> FindPlatformKeyAsync(string prefix, CancellationToken cancellationToken);
}

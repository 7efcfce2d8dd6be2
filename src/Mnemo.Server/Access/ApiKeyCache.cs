using System.Collections.Concurrent;
using Mnemo.ApiKeys;

namespace Mnemo.Server.Access;

/// <summary>
/// API-key credentials found by prefix, kept for <see cref="Lifetime"/>: every request is
/// authenticated, and without this each would cost a database round trip before its real work.
/// The secret is still checked against the hash on every request; only the lookup is saved.
/// Revoking a key, or suspending or deleting its tenant, takes effect at once on the node that
/// did it, and on the others as Redis brings the news (<see cref="Cluster.ClusterSignals"/>), else
/// within <see cref="Lifetime"/>. Unknown prefixes are never kept.
/// </summary>
public sealed class ApiKeyCache(IApiKeyStore keys, TimeProvider timeProvider)
{
    /// <summary>How long a credential read is trusted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // Bounded by the number of live keys; cleared if something floods it anyway.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyCredential Credential, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The credential with this public prefix, or null when there is none.</summary>
    public async ValueTask<ApiKeyCredential?> FindByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_entries.TryGetValue(prefix, out var entry) && entry.Expires > now)
        {
            return entry.Credential;
        }
        var credential = await keys.FindByPrefixAsync(prefix, cancellationToken);
        if (credential is null)
        {
            _entries.TryRemove(prefix, out _);
            return null;
        }
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[prefix] = (credential, now + Lifetime);
        return credential;
    }

    /// <summary>Forgets every key (after this node may have missed invalidations).</summary>
    public void ForgetAll() => _entries.Clear();

    /// <summary>Forgets one key after it was revoked.</summary>
    public void ForgetKey(Guid keyId) => Forget(entry => entry.Key.Id == keyId);

    /// <summary>Forgets a tenant's keys after the tenant changed status or was deleted.</summary>
    public void ForgetTenant(string tenantId) => Forget(entry => entry.Key.TenantId == tenantId);

    private void Forget(Func<ApiKeyCredential, bool> matches)
    {
        foreach (var (prefix, entry) in _entries)
        {
            if (matches(entry.Credential))
            {
                _entries.TryRemove(prefix, out _);
            }
        }
    }
}

using System.Collections.Concurrent;
using Mnemo.Server.Hosting;
using Mnemo.Tenants;

namespace Mnemo.Server.Tenants;

/// <summary>
/// The settings in force for a tenant, kept for a few seconds: the per-turn paths (context,
/// profiles, appends) need them, and tenants change them rarely. A change on this node is seen
/// at once; on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class TenantSettingsCache(ITenantStore tenants, ServerSettings settings, TimeProvider timeProvider)
{
    /// <summary>How long a read is trusted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (TenantSettings Settings, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    /// <summary>The tenant's settings with defaults filled in; the server defaults when the tenant is gone.</summary>
    public async ValueTask<TenantSettings> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.Expires > now)
        {
            return entry.Settings;
        }
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        var effective = (tenant?.Settings ?? new TenantSettings()).WithDefaults(settings.TenantDefaults);
        _entries[tenantId] = (effective, now + Lifetime);
        return effective;
    }

    /// <summary>The profile a user of the tenant starts with.</summary>
    public async ValueTask<Mnemo.Memory.ProfileDefaults> ProfileDefaultsAsync(string tenantId, CancellationToken cancellationToken) =>
        (await GetAsync(tenantId, cancellationToken)).DefaultProfile!;

    /// <summary>Forgets a tenant after it changed.</summary>
    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);

    /// <summary>Forgets every tenant (after this node may have missed invalidations).</summary>
    public void InvalidateAll() => _entries.Clear();
}

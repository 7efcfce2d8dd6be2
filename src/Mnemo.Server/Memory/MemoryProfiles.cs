using System.Diagnostics;
using Mnemo.Memory;
using Mnemo.Server.Observability;
using Mnemo.Server.Tenants;

namespace Mnemo.Server.Memory;

/// <summary>
/// A user's memory profile and its compression, the way every caller does them (the memory
/// endpoints, and the MCP tools): the tenant's default profile for users who have none yet,
/// and seed 003's read, write and compression metrics. Null or <see cref="ProfileWrite.UserMissing"/>:
/// the tenant has no such user.
/// </summary>
public sealed class MemoryProfiles(IProfileStore profiles, TenantSettingsCache tenantSettings, MnemoMetrics metrics)
{
    /// <summary>The profile, made from the tenant's default on first read.</summary>
    public async Task<MemoryProfile?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetOrCreateAsync(tenantId, userId, await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
        if (profile is not null)
        {
            metrics.ProfileRead();
        }
        return profile;
    }

    /// <summary>Applies <paramref name="patch"/>; with <paramref name="expectedVersion"/>, only if the profile is still at it.</summary>
    public async Task<ProfileWrite> UpdateAsync(string tenantId, string userId, ProfilePatch patch, long? expectedVersion, CancellationToken cancellationToken)
    {
        var write = await profiles.UpdateAsync(tenantId, userId, patch, expectedVersion,
            await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
        if (write is { UserMissing: false, VersionMismatch: false })
        {
            metrics.ProfileWritten();
        }
        return write;
    }

    /// <summary>Puts the profile back to the tenant's default.</summary>
    public async Task<MemoryProfile?> ResetAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var profile = await profiles.ResetAsync(tenantId, userId, await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
        if (profile is not null)
        {
            metrics.ProfileWritten();
        }
        return profile;
    }

    /// <summary>Seed 003's compression: keeps the last <paramref name="keepLastN"/> messages and stores <paramref name="summary"/>, atomically.</summary>
    public async Task<CompressionResult?> CompressAsync(string tenantId, string userId, string summary, int keepLastN, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await profiles.CompressAsync(tenantId, userId, summary, keepLastN, upToSeq: null,
            await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
        if (result is not null)
        {
            metrics.Compressed(Stopwatch.GetElapsedTime(started));
        }
        return result;
    }
}

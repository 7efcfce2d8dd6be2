namespace Mnemo.Memory;

/// <summary>Persistence of memory profiles and the compression that writes their summary.</summary>
public interface IProfileStore
{
    /// <summary>The stored profile, or null (export reads without creating one).</summary>
    Task<MemoryProfile?> GetStoredAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>The user's profile, created from <paramref name="defaults"/> when missing; null when the user does not exist.</summary>
    Task<MemoryProfile?> GetOrCreateAsync(string tenantId, string userId, ProfileDefaults defaults, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="patch"/> (creating the profile from <paramref name="defaults"/> first
    /// when missing), if the stored version is <paramref name="expectedVersion"/> (when given).
    /// </summary>
    Task<ProfileWrite> UpdateAsync(
        string tenantId, string userId, ProfilePatch patch, long? expectedVersion, ProfileDefaults defaults, CancellationToken cancellationToken);

    /// <summary>Replaces the profile with <paramref name="defaults"/> (summary gone); null when the user does not exist.</summary>
    Task<MemoryProfile?> ResetAsync(string tenantId, string userId, ProfileDefaults defaults, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: stores <paramref name="summary"/> on the profile and deletes every message
    /// of the user but the newest <paramref name="keepLastN"/> (only among messages with
    /// <c>seq</c> ≤ <paramref name="upToSeq"/> when given). Null when the user does not exist.
    /// </summary>
    Task<CompressionResult?> CompressAsync(
        string tenantId, string userId, string summary, int keepLastN, long? upToSeq, ProfileDefaults defaults, CancellationToken cancellationToken);
}

/// <summary>A partial profile update: null members keep their value.</summary>
public sealed record ProfilePatch(string? Language, string? Persona, string? Tone, IReadOnlyList<string>? PreferredTopics);

/// <summary>The outcome of a profile update.</summary>
public sealed record ProfileWrite(MemoryProfile? Profile, bool UserMissing, bool VersionMismatch);

/// <summary>What a compression did.</summary>
public sealed record CompressionResult(long Deleted, long Kept);

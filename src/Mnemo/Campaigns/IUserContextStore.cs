namespace Mnemo.Campaigns;

/// <summary>
/// Seed 000/002 user context: the permanent system user's context, the temporary campaign
/// participants', and the migration from one to the other.
/// </summary>
public interface IUserContextStore
{
    /// <summary>Creates the system user when missing and merges (or with <paramref name="replace"/> replaces) its context.</summary>
    Task<SystemContext> UpsertSystemAsync(string tenantId, string userId, string contextJson, bool replace, string? metadataJson, CancellationToken cancellationToken);

    /// <summary>The system user's context, or null when there is no such user.</summary>
    Task<SystemContext?> GetSystemAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>Merges <paramref name="metadataJson"/> into the system user's metadata; null when missing.</summary>
    Task<SystemContext?> UpdateSystemMetadataAsync(string tenantId, string userId, string metadataJson, CancellationToken cancellationToken);

    /// <summary>Empties the system user's context; false when missing.</summary>
    Task<bool> ClearSystemAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>System users with their context, by id.</summary>
    Task<IReadOnlyList<SystemContext>> ListSystemAsync(string tenantId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Creates or updates a participant; null when the campaign does not exist. Their expiry moves to now + TTL unless fixed.</summary>
    Task<Participant?> UpsertParticipantAsync(
        string tenantId, string campaignId, string userId, string? contextJson, bool replace, int? ttlDays, int tenantTtlDays, CancellationToken cancellationToken);

    /// <summary>The participant in <paramref name="campaignId"/>, or (when null) their most recent live participation.</summary>
    Task<Participant?> GetParticipantAsync(string tenantId, string? campaignId, string userId, CancellationToken cancellationToken);

    /// <summary>Every participation of a user id, across campaigns (export).</summary>
    Task<IReadOnlyList<Participant>> ListParticipationsAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>A campaign's participants by user id; null when the campaign does not exist.</summary>
    Task<IReadOnlyList<Participant>?> ListParticipantsAsync(string tenantId, string campaignId, string? afterUserId, int limit, CancellationToken cancellationToken);

    /// <summary>Sets a participant's expiry from a TTL or a fixed time; null when missing.</summary>
    Task<Participant?> SetExpiryAsync(string tenantId, string campaignId, string userId, int? ttlDays, DateTimeOffset? expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes a participant and their campaign messages; null when missing, else messages deleted.</summary>
    Task<long?> DeleteParticipantAsync(string tenantId, string campaignId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a participant into the system store in one transaction; a repeat answers the first
    /// result. Null when there is no such participant.
    /// </summary>
    Task<MigrationResult?> MigrateAsync(string tenantId, string campaignId, string userId, CancellationToken cancellationToken);
}

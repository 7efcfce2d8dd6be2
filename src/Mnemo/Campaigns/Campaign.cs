using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Validation;

namespace Mnemo.Campaigns;

/// <summary>A campaign: temporary users live in it until they expire or subscribe (seed 000).</summary>
public sealed record Campaign
{
    /// <summary>The campaign's id, chosen by the caller.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Participant lifetime in days; null takes the tenant's <c>campaign_ttl_days</c>.</summary>
    public int? TtlDays { get; init; }

    /// <summary><c>active</c> or <c>ended</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A campaign user ("campaign participant").</summary>
public sealed record Participant
{
    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The user's id in the campaign.</summary>
    public required string UserId { get; init; }

    /// <summary>The participant's context (JSON object).</summary>
    public required JsonElement Context { get; init; }

    /// <summary>Their own lifetime in days, when set.</summary>
    public int? TtlDays { get; init; }

    /// <summary>When the participant and their messages are deleted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The system user they became, once migrated.</summary>
    public string? MigratedTo { get; init; }

    /// <summary>When they were migrated.</summary>
    public DateTimeOffset? MigratedAt { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last write.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A system user's context (seed 002's user context for permanent users).</summary>
public sealed record SystemContext
{
    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary>The context (JSON object).</summary>
    public required JsonElement Context { get; init; }

    /// <summary>The user's metadata (JSON object).</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>When the user was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What a migration did; a repeated migration answers the same.</summary>
public sealed record MigrationResult
{
    /// <summary>The user (same id in the campaign and in the system store).</summary>
    public required string UserId { get; init; }

    /// <summary>The campaign left.</summary>
    public required string CampaignId { get; init; }

    /// <summary>When the participant was migrated to a system user.</summary>
    public required DateTimeOffset MigratedAt { get; init; }

    /// <summary>Messages that became the system user's.</summary>
    public required long MessagesMoved { get; init; }

    /// <summary>True when this call created the system user.</summary>
    public required bool UserCreated { get; init; }

    /// <summary>The system user's context after the merge.</summary>
    public required JsonElement Context { get; init; }
}

/// <summary>Body of <c>POST /api/v1/campaigns</c>.</summary>
public sealed record CreateCampaignRequest : IValidatable
{
    /// <summary>The id.</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? Id { get; init; }

    /// <summary>Name (defaults to the id).</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Name { get; init; }

    /// <summary>Participant lifetime in days (defaults to the tenant's).</summary>
    [Range(1, CampaignRules.MaxTtlDays)]
    public int? TtlDays { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Identifiers.IsUserId(Id))
        {
            errors.Add("id", Id is null ? "is required" : "must match ^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$");
        }
        Limits.CheckShortText(Name, "name", errors);
        CampaignRules.CheckTtl(TtlDays, "ttl_days", errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Body of <c>PUT /api/v1/campaigns/{campaign_id}</c>: absent fields keep their value.</summary>
public sealed record UpdateCampaignRequest : IValidatable
{
    /// <summary>The new display name; unchanged when null.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Name { get; init; }

    /// <summary>Participant lifetime in days; 0 returns to the tenant's.</summary>
    [Range(0, CampaignRules.MaxTtlDays)]
    public int? TtlDays { get; init; }

    /// <summary><c>active</c> or <c>ended</c>.</summary>
    [AllowedValues("active", "ended")]
    public string? Status { get; init; }

    /// <summary>Metadata (replaces).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Name, "name", errors);
        if (TtlDays is not 0)
        {
            CampaignRules.CheckTtl(TtlDays, "ttl_days", errors);
        }
        if (Status is not (null or "active" or "ended"))
        {
            errors.Add("status", "must be 'active' or 'ended'");
        }
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>A page of campaigns.</summary>
public sealed record CampaignListResponse
{
    /// <summary>By id.</summary>
    public required IReadOnlyList<Campaign> Campaigns { get; init; }

    /// <summary>The next page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>Shared campaign rules.</summary>
public static class CampaignRules
{
    /// <summary>Longest TTL.</summary>
    public const int MaxTtlDays = 3_650;

    /// <summary>Checks an optional TTL.</summary>
    public static void CheckTtl(int? ttlDays, string field, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (ttlDays is < 1 or > MaxTtlDays)
        {
            errors.Add(field, $"must be between 1 and {MaxTtlDays}");
        }
    }
}

/// <summary>Messages of a campaign participant are ordinary messages carrying the campaign.</summary>
public static class ParticipantMessages
{
    /// <summary>The campaign id, stamped on each message of a participant append.</summary>
    public static IReadOnlyList<NewMessage> InCampaign(IReadOnlyList<NewMessage> messages, string campaignId) =>
        [.. messages.Select(message => message with { CampaignId = campaignId })];
}

/// <summary>A write names a campaign the tenant does not have.</summary>
public sealed class CampaignNotFoundException(string campaignId) : Exception($"Campaign '{campaignId}' does not exist.")
{
    /// <summary>The missing campaign.</summary>
    public string CampaignId { get; } = campaignId;
}

using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Validation;

namespace Mnemo.Campaigns;

/// <summary>Body of <c>POST /api/v1/user_context/system</c>.</summary>
public sealed record SystemContextRequest : IValidatable
{
    /// <summary>The system user (created when missing).</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? UserId { get; init; }

    /// <summary>Context, merged key by key into the stored one.</summary>
    [Required]
    public JsonElement? Context { get; init; }

    /// <summary>Metadata, merged key by key.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Replace the context instead of merging.</summary>
    public bool? Replace { get; init; }

    /// <summary>Must be the caller's tenant when sent.</summary>
    public string? TenantId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        UserContextRules.CheckUser(UserId, errors);
        UserContextRules.CheckContext(Context, required: true, errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Body of <c>POST /api/v1/user_context/campaign</c>.</summary>
public sealed record CampaignContextRequest : IValidatable
{
    /// <summary>The participant.</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? UserId { get; init; }

    /// <summary>The campaign (must exist).</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? CampaignId { get; init; }

    /// <summary>Context, merged key by key.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>The participant's own lifetime in days.</summary>
    [Range(1, CampaignRules.MaxTtlDays)]
    public int? TtlDays { get; init; }

    /// <summary>Replace the context instead of merging.</summary>
    public bool? Replace { get; init; }

    /// <summary>Must be the caller's tenant when sent.</summary>
    public string? TenantId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        UserContextRules.CheckUser(UserId, errors);
        Limits.CheckShortText(CampaignId, "campaign_id", errors, required: true);
        UserContextRules.CheckContext(Context, required: false, errors);
        CampaignRules.CheckTtl(TtlDays, "ttl_days", errors);
    }
}

/// <summary>Body of <c>PUT /api/v1/user_context/{user_id}</c>.</summary>
public sealed record UpdateUserContextRequest : IValidatable
{
    /// <summary>Metadata, merged key by key.</summary>
    [Required]
    public JsonElement? Metadata { get; init; }

    /// <summary>Must be the caller's tenant when sent.</summary>
    public string? TenantId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Metadata is null)
        {
            errors.Add("metadata", "is required");
        }
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Body of <c>POST /api/v1/user_context/migrate</c> (seed 000's <c>migrate_user</c>).</summary>
public sealed record MigrateUserRequest : IValidatable
{
    /// <summary>The participant to migrate.</summary>
    [Required]
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? UserId { get; init; }

    /// <summary>Their campaign.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? CampaignId { get; init; }

    /// <summary>Must be the caller's tenant when sent.</summary>
    public string? TenantId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        UserContextRules.CheckUser(UserId, errors);
        Limits.CheckShortText(CampaignId, "campaign_id", errors, required: true);
    }
}

/// <summary>Body of <c>PUT .../campaign/{campaign_id}/user/{user_id}/ttl</c>: one of the two.</summary>
public sealed record SetParticipantTtlRequest : IValidatable
{
    /// <summary>Expire this many days from now (and use this TTL on later writes).</summary>
    [Range(1, CampaignRules.MaxTtlDays)]
    public int? TtlDays { get; init; }

    /// <summary>Expire at this time, whatever is written later.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if ((TtlDays is null) == (ExpiresAt is null))
        {
            errors.Add("ttl_days", "send exactly one of ttl_days and expires_at");
        }
        CampaignRules.CheckTtl(TtlDays, "ttl_days", errors);
    }
}

/// <summary>Answer of <c>GET /api/v1/user_context/{user_id}</c>.</summary>
public sealed record UserContextResponse
{
    /// <summary>The user.</summary>
    public required string UserId { get; init; }

    /// <summary><c>system</c> or <c>campaign</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The context.</summary>
    public required JsonElement Context { get; init; }

    /// <summary>The system user's metadata.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The campaign, for a participant.</summary>
    public string? CampaignId { get; init; }

    /// <summary>When the participant expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Recent messages, oldest first.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }
}

/// <summary>A page of participants.</summary>
public sealed record ParticipantListResponse
{
    /// <summary>By user id.</summary>
    public required IReadOnlyList<Participant> Participants { get; init; }

    /// <summary>The next page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A page of system users' contexts.</summary>
public sealed record SystemContextListResponse
{
    /// <summary>By user id.</summary>
    public required IReadOnlyList<SystemContext> Users { get; init; }

    /// <summary>The next page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

internal static class UserContextRules
{
    public static void CheckUser(string? userId, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Identifiers.IsUserId(userId))
        {
            errors.Add("user_id", userId is null ? "is required" : Identifiers.UserIdRule);
        }
    }

    public static void CheckContext(JsonElement? context, bool required, ValidationErrors errors)
    {
        if (required && (context is null || context.Value.ValueKind == JsonValueKind.Null))
        {
            errors.Add("context", "is required");
        }
        Limits.CheckMetadata(context, "context", errors);
    }
}

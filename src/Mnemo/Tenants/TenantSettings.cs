using System.ComponentModel.DataAnnotations;
using Mnemo.Memory;
using Mnemo.Validation;

namespace Mnemo.Tenants;

/// <summary>
/// A tenant's policy. Every member is optional: <c>null</c> means "the server's default"
/// (see <see cref="TenantSettingsDefaults"/>). Later features add members here; an unknown
/// member in a request is rejected.
/// </summary>
public sealed record TenantSettings
{
    /// <summary>Days a message is kept; absent keeps messages until they are deleted.</summary>
    [Range(1, 36_500)]
    public int? MessageRetentionDays { get; init; }

    /// <summary>Days an audit event is kept.</summary>
    [Range(1, 36_500)]
    public int? EventRetentionDays { get; init; }

    /// <summary>Default lifetime of a campaign participant, in days.</summary>
    [Range(1, 3_650)]
    public int? CampaignTtlDays { get; init; }

    /// <summary>Minutes without a message after which an active conversation is ended.</summary>
    [Range(1, 525_600)]
    public int? ConversationIdleMinutes { get; init; }

    /// <summary>Requests a second each of the tenant's API keys may make; absent is unlimited.</summary>
    [Range(1, 1_000_000)]
    public int? RequestsPerSecond { get; init; }

    /// <summary>Requests a key may make at once above the rate; defaults to one second's worth.</summary>
    [Range(1, 1_000_000)]
    public int? Burst { get; init; }

    /// <summary>Minutes an end-user access token lives.</summary>
    [Range(1, 24 * 60)]
    public int? AccessTokenMinutes { get; init; }

    /// <summary>Days an end-user refresh token lives.</summary>
    [Range(1, 365)]
    public int? RefreshTokenDays { get; init; }

    /// <summary>What a new memory profile starts with; unset members take Mnemo's defaults.</summary>
    public ProfileDefaults? DefaultProfile { get; init; }

    /// <summary>Messages a user may have before a <c>summarize</c> task is queued; absent never queues one.</summary>
    [Range(2, 1_000_000)]
    public int? SummarizeAfterMessages { get; init; }

    /// <summary>Messages a summarisation keeps.</summary>
    [Range(0, 100_000)]
    public int? SummarizeKeepLastN { get; init; }

    /// <summary>Adds an error for every member outside its range.</summary>
    public void Validate(ValidationErrors errors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(errors);
        CheckRange(errors, prefix + "message_retention_days", MessageRetentionDays, 1, 36_500);
        CheckRange(errors, prefix + "event_retention_days", EventRetentionDays, 1, 36_500);
        CheckRange(errors, prefix + "campaign_ttl_days", CampaignTtlDays, 1, 3_650);
        CheckRange(errors, prefix + "conversation_idle_minutes", ConversationIdleMinutes, 1, 525_600);
        CheckRange(errors, prefix + "requests_per_second", RequestsPerSecond, 1, 1_000_000);
        CheckRange(errors, prefix + "burst", Burst, 1, 1_000_000);
        CheckRange(errors, prefix + "access_token_minutes", AccessTokenMinutes, 1, 24 * 60);
        CheckRange(errors, prefix + "refresh_token_days", RefreshTokenDays, 1, 365);
        CheckRange(errors, prefix + "summarize_after_messages", SummarizeAfterMessages, 2, 1_000_000);
        CheckRange(errors, prefix + "summarize_keep_last_n", SummarizeKeepLastN, 0, 100_000);
        if (SummarizeAfterMessages is { } after && SummarizeKeepLastN is { } keep && keep >= after)
        {
            errors.Add(prefix + "summarize_keep_last_n", "must be less than summarize_after_messages");
        }
        DefaultProfile?.Validate(errors, prefix + "default_profile.");
    }

    /// <summary>These settings with every unset member filled from <paramref name="defaults"/>.</summary>
    public TenantSettings WithDefaults(TenantSettingsDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new TenantSettings
        {
            MessageRetentionDays = MessageRetentionDays ?? defaults.MessageRetentionDays,
            EventRetentionDays = EventRetentionDays ?? defaults.EventRetentionDays,
            CampaignTtlDays = CampaignTtlDays ?? defaults.CampaignTtlDays,
            ConversationIdleMinutes = ConversationIdleMinutes ?? defaults.ConversationIdleMinutes,
            RequestsPerSecond = RequestsPerSecond,
            Burst = Burst ?? RequestsPerSecond,
            AccessTokenMinutes = AccessTokenMinutes ?? defaults.AccessTokenMinutes,
            RefreshTokenDays = RefreshTokenDays ?? defaults.RefreshTokenDays,
            DefaultProfile = (DefaultProfile ?? new ProfileDefaults()).Over(ProfileDefaults.Mnemo),
            SummarizeAfterMessages = SummarizeAfterMessages ?? defaults.SummarizeAfterMessages,
            SummarizeKeepLastN = SummarizeKeepLastN ?? defaults.SummarizeKeepLastN,
        };
    }

    private static void CheckRange(ValidationErrors errors, string field, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            errors.Add(field, $"must be between {min} and {max}");
        }
    }
}

/// <summary>The server-wide defaults for settings a tenant has not set.</summary>
public sealed record TenantSettingsDefaults
{
    /// <summary>Seed 000's default participant lifetime.</summary>
    public const int DefaultCampaignTtlDays = 90;

    /// <summary>Null keeps messages forever.</summary>
    public int? MessageRetentionDays { get; init; }

    /// <summary>Days audit events are kept.</summary>
    public int? EventRetentionDays { get; init; } = 365;

    /// <summary>From <c>CAMPAIGN_USERS_TTL_DAYS</c>, else 90.</summary>
    public int CampaignTtlDays { get; init; } = DefaultCampaignTtlDays;

    /// <summary>Idle minutes before a conversation is ended.</summary>
    public int ConversationIdleMinutes { get; init; } = 30;

    /// <summary>End-user access tokens live 15 minutes.</summary>
    public int AccessTokenMinutes { get; init; } = 15;

    /// <summary>End-user refresh tokens live 30 days.</summary>
    public int RefreshTokenDays { get; init; } = 30;

    /// <summary>Null: no automatic summarisation unless a tenant asks for it.</summary>
    public int? SummarizeAfterMessages { get; init; }

    /// <summary>Messages a summarisation keeps.</summary>
    public int SummarizeKeepLastN { get; init; } = 20;
}

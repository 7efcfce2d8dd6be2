using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Events;

/// <summary>An analytics or audit event (seed 004).</summary>
public sealed record UserEvent
{
    /// <summary>The event's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>The user it concerns, if any.</summary>
    public string? UserId { get; init; }

    /// <summary>What happened: <c>user_created</c>, <c>conversation_started</c>, ...</summary>
    public required string EventType { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement EventData { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The events Mnemo records itself.</summary>
public static class EventTypes
{
    /// <summary>A user was created.</summary>
    public const string UserCreated = "user_created";

    /// <summary>A conversation started.</summary>
    public const string ConversationStarted = "conversation_started";

    /// <summary>A conversation ended.</summary>
    public const string ConversationEnded = "conversation_ended";

    /// <summary>A merchant finished the Shopify install (<c>shop</c>, <c>first_time</c>).</summary>
    public const string OAuthComplete = "oauth_complete";

    /// <summary>A campaign participant became a system user.</summary>
    public const string UserMigrated = "user_migrated";

    /// <summary>An idle conversation was ended by retention.</summary>
    public const string ConversationArchived = "conversation_archived";

    /// <summary>A user was erased; the event holds counts only.</summary>
    public const string UserErased = "user_erased";
}

/// <summary>An event's place in newest-first order.</summary>
public readonly record struct EventPosition(DateTimeOffset CreatedAt, Guid Id);

/// <summary>Body of <c>POST /api/v1/users/{user_id}/events</c>.</summary>
public sealed record CreateEventRequest : IValidatable
{
    /// <summary>What happened.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? EventType { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public JsonElement? EventData { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        Limits.CheckShortText(EventType, "event_type", errors, required: true);
        Limits.CheckMetadata(EventData, "event_data", errors);
    }
}

/// <summary>A page of events, newest first.</summary>
public sealed record EventListResponse
{
    /// <summary>The events.</summary>
    public required IReadOnlyList<UserEvent> Events { get; init; }

    /// <summary>The next (older) page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

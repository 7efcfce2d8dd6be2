using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Conversations;

/// <summary>Body of <c>POST /api/v1/users/{user_id}/conversations</c>.</summary>
public sealed record CreateConversationRequest : IValidatable
{
    /// <summary>The workflow that runs it.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? WorkflowName { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>When it started, for imports; otherwise now.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(WorkflowName, "workflow_name", errors);
        Limits.CheckMetadata(Metadata, "metadata", errors);
        if (StartedAt is { } startedAt && startedAt < DateTimeOffset.UnixEpoch)
        {
            errors.Add("started_at", "must not be before 1970-01-01");
        }
    }
}

/// <summary>Body of <c>PATCH /api/v1/users/{user_id}/conversations/{conversation_id}</c>.</summary>
public sealed record UpdateConversationRequest : IValidatable
{
    /// <summary><c>ended</c> ends the conversation.</summary>
    [AllowedValues(ConversationStatus.Ended)]
    public string? Status { get; init; }

    /// <summary>New metadata (replaces).</summary>
    public JsonElement? Metadata { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Status is not (null or ConversationStatus.Ended))
        {
            errors.Add("status", "can only be set to 'ended'");
        }
        if (Status is null && Metadata is null)
        {
            errors.Add("body", "name status or metadata");
        }
        Limits.CheckMetadata(Metadata, "metadata", errors);
    }
}

/// <summary>Seed 004's conversation list: newest first, with total, limit and offset; also a cursor.</summary>
public sealed record ConversationListResponse
{
    /// <summary>The page.</summary>
    public required IReadOnlyList<Conversation> Conversations { get; init; }

    /// <summary>The user's number of conversations.</summary>
    public required long Total { get; init; }

    /// <summary>Page size.</summary>
    public required int Limit { get; init; }

    /// <summary>Offset of the page (0 when paging by cursor).</summary>
    public required int Offset { get; init; }

    /// <summary>The next (older) page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

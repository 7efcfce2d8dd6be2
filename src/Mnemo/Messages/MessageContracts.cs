using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Messages;

/// <summary>One message in an append request.</summary>
public record MessageInput
{
    /// <summary><c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</summary>
    [Required]
    [AllowedValues("user", "assistant", "system", "tool")]
    public virtual string? Role { get; init; }

    /// <summary>What was said (at most 64 KiB of UTF-8).</summary>
    [Required]
    public virtual string? Content { get; init; }

    /// <summary>Free-form JSON object (at most 16 KiB).</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Labels for filtering and search; the stored ones are replaced when given.</summary>
    [MaxLength(Limits.MaxTags)]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The user's conversation this message belongs to.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>A retry of an append with the same key returns the first result.</summary>
    [StringLength(200, MinimumLength = 1)]
    public string? IdempotencyKey { get; init; }

    /// <summary>For imports: when it was said (at most 5 minutes in the future).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The message to store, under <paramref name="idempotencyKey"/> (the item's own or one derived from a header).</summary>
    public NewMessage ToNewMessage(string? idempotencyKey) => new()
    {
        Role = Role!,
        Content = Content!,
        MetadataJson = Json.JsonObjects.ToStored(Metadata),
        Tags = Tags ?? [],
        ConversationId = ConversationId,
        IdempotencyKey = idempotencyKey,
        CreatedAt = CreatedAt,
    };

    /// <summary>Adds every bad field, under <paramref name="prefix"/>.</summary>
    public void Validate(ValidationErrors errors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!MessageRoles.IsKnown(Role))
        {
            errors.Add(prefix + "role", "must be 'user', 'assistant', 'system' or 'tool'");
        }
        if (Content is null)
        {
            errors.Add(prefix + "content", "is required");
        }
        else if (Encoding.UTF8.GetByteCount(Content) > Limits.MaxContentBytes)
        {
            errors.Add(prefix + "content", $"must be at most {Limits.MaxContentBytes} bytes");
        }
        Limits.CheckMetadata(Metadata, prefix + "metadata", errors);
        MessageTags.Validate(Tags, prefix + "tags", errors);
        if (CreatedAt is { } createdAt && createdAt < DateTimeOffset.UnixEpoch)
        {
            errors.Add(prefix + "created_at", "must not be before 1970-01-01");
        }
        if (IdempotencyKey is { } key && (key.Length == 0 || key.Length > 200))
        {
            errors.Add(prefix + "idempotency_key", "must be 1 to 200 characters");
        }
    }
}

/// <summary>
/// Body of <c>POST /api/v1/users/{user_id}/messages</c>: one message's fields, or
/// <c>messages</c> with up to 100 of them.
/// </summary>
public sealed record AppendMessagesRequest : MessageInput, IValidatable
{
    // Overridden only to drop [Required]: role and content are required here only without 'messages'.

    /// <inheritdoc />
    [AllowedValues("user", "assistant", "system", "tool")]
    public override string? Role { get; init; }

    /// <inheritdoc />
    public override string? Content { get; init; }

    /// <summary>A batch.</summary>
    [MinLength(1)]
    [MaxLength(Limits.MaxBatch)]
    public IReadOnlyList<MessageInput>? Messages { get; init; }

    /// <summary>The messages of the request, batch or single.</summary>
    public IReadOnlyList<MessageInput> Items() => Messages ?? [this];

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Messages is null)
        {
            Validate(errors, string.Empty);
            return;
        }
        if (Role is not null || Content is not null || Metadata is not null || Tags is not null
            || ConversationId is not null || IdempotencyKey is not null || CreatedAt is not null)
        {
            errors.Add("messages", "send either one message's fields or 'messages', not both");
        }
        if (Messages.Count is 0 or > Limits.MaxBatch)
        {
            errors.Add("messages", $"must hold 1 to {Limits.MaxBatch} messages");
        }
        for (var i = 0; i < Messages.Count; i++)
        {
            if (Messages[i] is null)
            {
                errors.Add($"messages[{i}]", "must be an object");
                continue;
            }
            Messages[i].Validate(errors, $"messages[{i}].");
        }
    }
}

/// <summary>Body of <c>PATCH /api/v1/users/{user_id}/messages/{message_id}</c>.</summary>
public sealed record EditMessageRequest : IValidatable
{
    /// <summary>New content.</summary>
    public string? Content { get; init; }

    /// <summary>New metadata (replaces).</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>New tags (replace).</summary>
    [MaxLength(Limits.MaxTags)]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Content is null && Metadata is null && Tags is null)
        {
            errors.Add("body", "name at least one of content, metadata, tags");
        }
        if (Content is not null && Encoding.UTF8.GetByteCount(Content) > Limits.MaxContentBytes)
        {
            errors.Add("content", $"must be at most {Limits.MaxContentBytes} bytes");
        }
        Limits.CheckMetadata(Metadata, "metadata", errors);
        MessageTags.Validate(Tags, "tags", errors);
    }
}

/// <summary>Messages in chronological order.</summary>
public sealed record MessageListResponse
{
    /// <summary>Oldest first.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>Continues in the direction of the request; null when there is nothing more.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A count of deleted rows.</summary>
public sealed record DeletedResponse
{
    /// <summary>How many were deleted.</summary>
    public required long Deleted { get; init; }
}

/// <summary>One search result.</summary>
public sealed record SearchResult
{
    /// <summary>The message.</summary>
    public required Message Message { get; init; }

    /// <summary>The matching part, with matches in <c>&lt;mark&gt;</c>; null when only the meaning matched.</summary>
    public string? Snippet { get; init; }

    /// <summary>
    /// How well it matched, higher is better: the keyword relevance, the cosine (semantic), or the
    /// sum of the two rankings' z-scores (hybrid). Comparable within one search only.
    /// </summary>
    public required double Score { get; init; }

    /// <summary>The same as <see cref="Score"/>, under the name earlier versions used.</summary>
    public required double Rank { get; init; }

    /// <summary>Which rankings found it: <c>keyword</c>, <c>semantic</c>, or both.</summary>
    public required IReadOnlyList<string> MatchedBy { get; init; }
}

/// <summary>Search results, best first.</summary>
public sealed record SearchResponse
{
    /// <summary>The results.</summary>
    public required IReadOnlyList<SearchResult> Results { get; init; }

    /// <summary>The next page's cursor, or null.</summary>
    public string? NextCursor { get; init; }

    /// <summary>The mode that answered: the one asked for, or <c>keyword</c> when hybrid was asked while the model loads.</summary>
    public string? Mode { get; init; }

    /// <summary>Semantic recall: <c>ready</c>, <c>loading</c>, <c>failed</c> or <c>off</c>.</summary>
    public string? Semantic { get; init; }
}

internal static class MessageTags
{
    public static void Validate(IReadOnlyList<string>? tags, string field, ValidationErrors errors)
    {
        if (tags is null)
        {
            return;
        }
        if (tags.Count > Limits.MaxTags)
        {
            errors.Add(field, $"must hold at most {Limits.MaxTags} tags");
        }
        for (var i = 0; i < tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tags[i]) || tags[i].Length > Limits.MaxTagLength)
            {
                errors.Add($"{field}[{i}]", $"must be 1 to {Limits.MaxTagLength} characters");
            }
        }
    }
}

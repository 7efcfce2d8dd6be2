using System.Text.Json;

namespace Mnemo.Messages;

/// <summary>One stored message: the unit of memory.</summary>
public sealed record Message
{
    /// <summary>The message's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>Write order within the tenant; breaks ties between messages of the same instant.</summary>
    public required long Seq { get; init; }

    /// <summary>The user the message belongs to.</summary>
    public required string UserId { get; init; }

    /// <summary>The conversation, if any.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>The campaign, for a campaign participant's message.</summary>
    public string? CampaignId { get; init; }

    /// <summary><c>user</c>, <c>assistant</c>, <c>system</c> or <c>tool</c>.</summary>
    public required string Role { get; init; }

    /// <summary>What was said.</summary>
    public required string Content { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>Labels the client attached, in the order given.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>When it was said.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last edited, if ever.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>The key that makes a retried append return this message instead of a copy.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>The roles a message may have.</summary>
public static class MessageRoles
{
    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = ["user", "assistant", "system", "tool"];

    /// <summary>True for a known role.</summary>
    public static bool IsKnown(string? role) => role is "user" or "assistant" or "system" or "tool";
}

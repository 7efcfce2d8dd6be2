using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Mnemo.Messages;

namespace Mnemo.Conversations;

/// <summary>A conversation of one user (seed 004's archive row).</summary>
public record Conversation
{
    /// <summary>The conversation's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>Whose conversation it is.</summary>
    public required string UserId { get; init; }

    /// <summary>The campaign, for a participant's conversation.</summary>
    public string? CampaignId { get; init; }

    /// <summary>The workflow that ran it (seed 004's <c>workflow</c>).</summary>
    public string? Workflow { get; init; }

    /// <summary><c>active</c> or <c>ended</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended, if it has.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>When its last message was written.</summary>
    public DateTimeOffset? LastMessageAt { get; init; }

    /// <summary>How many messages it holds.</summary>
    public required long MessageCount { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }
}

/// <summary>A conversation with its messages (seed 004's detail view).</summary>
public sealed record ConversationDetail : Conversation
{
    /// <summary>For deserialisation.</summary>
    public ConversationDetail()
    {
    }

    /// <summary>The detail of <paramref name="conversation"/>.</summary>
    [SetsRequiredMembers]
    public ConversationDetail(Conversation conversation, IReadOnlyList<Message> messages)
        : base(conversation)
    {
        Messages = messages;
    }

    /// <summary>Its messages, oldest first.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }
}

/// <summary>Conversation states.</summary>
public static class ConversationStatus
{
    /// <summary>Still going.</summary>
    public const string Active = "active";

    /// <summary>Ended by the client or archived after idling; takes no new messages.</summary>
    public const string Ended = "ended";
}

namespace Mnemo.Retention;

/// <summary>What one retention pass removed or ended, per kind.</summary>
public sealed record RetentionCounts
{
    /// <summary>Messages older than their tenant's <c>message_retention_days</c>.</summary>
    public long Messages { get; init; }

    /// <summary>Events older than <c>event_retention_days</c>.</summary>
    public long Events { get; init; }

    /// <summary>Expired campaign participants.</summary>
    public long Participants { get; init; }

    /// <summary>Messages of expired participants.</summary>
    public long ParticipantMessages { get; init; }

    /// <summary>Idle conversations ended (seed 004's archival).</summary>
    public long ConversationsArchived { get; init; }

    /// <summary>The sum of two passes' counts.</summary>
    public RetentionCounts Add(RetentionCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new RetentionCounts
        {
            Messages = Messages + other.Messages,
            Events = Events + other.Events,
            Participants = Participants + other.Participants,
            ParticipantMessages = ParticipantMessages + other.ParticipantMessages,
            ConversationsArchived = ConversationsArchived + other.ConversationsArchived,
        };
    }
}


namespace Mnemo.Recall;

/// <summary>
/// A message of the backlog, as claimed: the content to embed, the version it is (its edit time),
/// and how many times it has been claimed, this time included.
/// </summary>
public sealed record PendingEmbedding(string TenantId, Guid MessageId, string Content, DateTimeOffset? EditedAt, int Attempts = 1);

/// <summary>A message's vector, made by <paramref name="Model"/> from the version edited at <paramref name="EditedAt"/>.</summary>
public sealed record MessageVector(string TenantId, Guid MessageId, DateTimeOffset? EditedAt, string Model, float[] Vector);

/// <summary>A message near a question, and the cosine of their vectors.</summary>
public sealed record NearMessage(Guid MessageId, double Cosine);

/// <summary>A tenant's recall counts: messages waiting to be embedded, and messages with a vector of the current model.</summary>
public sealed record RecallCounts(long Pending, long Indexed);

/// <summary>Which messages a search looks at; null means any.</summary>
public sealed record RecallFilter
{
    /// <summary>Only this conversation's messages.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Only this role's messages.</summary>
    public string? Role { get; init; }

    /// <summary>Only messages created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only messages created before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>No filter.</summary>
    public static RecallFilter None { get; } = new();
}

/// <summary>Answer of <c>GET /api/v1/search/status</c>: the tenant's semantic index.</summary>
public sealed record SearchStatusResponse
{
    /// <summary>Messages waiting to be embedded.</summary>
    public required long PendingMessages { get; init; }

    /// <summary>Messages with a vector of the current model.</summary>
    public required long IndexedMessages { get; init; }

    /// <summary><c>local</c>, <c>openai</c> or <c>none</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The model whose vectors searches use; null when off.</summary>
    public string? Model { get; init; }

    /// <summary>The vectors' dimensions; null when off.</summary>
    public int? Dimensions { get; init; }

    /// <summary><c>ready</c>, <c>loading</c>, <c>failed</c> or <c>off</c>.</summary>
    public required string Semantic { get; init; }
}

/// <summary>Answer of <c>POST /api/v1/search/reindex</c>.</summary>
public sealed record ReindexResponse
{
    /// <summary>Messages put on the backlog because they had no vector of the current model.</summary>
    public required long Queued { get; init; }
}

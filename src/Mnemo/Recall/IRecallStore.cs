using Mnemo.Messages;

namespace Mnemo.Recall;

/// <summary>
/// What recall keeps beside the messages: the backlog of messages to embed (filled by the store
/// itself when a message is written or its content edited) and the vectors. Keyword ranking is the
/// message store's (<see cref="IMessageStore.SearchAsync"/>).
/// </summary>
public interface IRecallStore
{
    /// <summary>
    /// Claims up to <paramref name="max"/> messages of the backlog, of any tenant, for
    /// <paramref name="lease"/>: no other indexer (on any node) gets them until it runs out.
    /// </summary>
    Task<IReadOnlyList<PendingEmbedding>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the vectors and takes their messages off the backlog, each only if the message is
    /// still the version that was embedded (an edit since then leaves it on the backlog). Answers
    /// how many were stored.
    /// </summary>
    Task<int> SaveAsync(IReadOnlyList<MessageVector> vectors, CancellationToken cancellationToken);

    /// <summary>
    /// The <paramref name="count"/> messages whose vectors of <paramref name="model"/> are nearest
    /// <paramref name="question"/> (a unit vector: the dot product is the cosine), best first,
    /// among a user's messages (every user's, when <paramref name="userId"/> is null) within the
    /// filter, reading at most the newest <paramref name="scanLimit"/>. The seam for a vector
    /// index: a pgvector dialect would answer with one <c>ORDER BY vector &lt;=&gt; @q LIMIT n</c>.
    /// </summary>
    Task<IReadOnlyList<NearMessage>> NearestAsync(
        string tenantId, string? userId, string model, RecallFilter filter, float[] question, int count, int scanLimit, CancellationToken cancellationToken);

    /// <summary>The messages with these ids, in no particular order.</summary>
    Task<IReadOnlyList<Message>> MessagesAsync(string tenantId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Takes messages off the backlog without a vector: the model failed on them alone, claim after claim.</summary>
    Task GiveUpAsync(IReadOnlyList<PendingEmbedding> messages, CancellationToken cancellationToken);

    /// <summary>Messages of every tenant waiting to be embedded.</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>The tenant's backlog and vectors of <paramref name="model"/>.</summary>
    Task<RecallCounts> CountAsync(string tenantId, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Puts every message of the tenant (all tenants when null) that has no vector of
    /// <paramref name="model"/> on the backlog; answers how many. Resumable: run again, it finds
    /// only what is still missing.
    /// </summary>
    Task<long> EnqueueMissingAsync(string? tenantId, string model, CancellationToken cancellationToken);
}

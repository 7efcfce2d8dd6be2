using Mnemo.Memory;

namespace Mnemo.Tasks;

/// <summary>
/// The memory loop's tasks: queued when a user's history passes the tenant's threshold, claimed
/// by an external worker (an LLM), and completed with the summary, which compresses the history.
/// </summary>
public interface ISummaryTasks
{
    /// <summary>Queues a <c>summarize</c> task for the user unless one is already open; null when one is.</summary>
    Task<QueuedTask?> EnqueueAsync(string tenantId, string userId, long upToSeq, int keepLastN, CancellationToken cancellationToken);

    /// <summary>
    /// Completes the holder's <c>summarize</c> task with <paramref name="summary"/> and, in the same
    /// transaction, compresses the user's history up to the task's <c>up_to_seq</c>.
    /// </summary>
    Task<TaskChange> CompleteAsync(string tenantId, QueuedTask task, TaskHolder holder, string summary, ProfileDefaults defaults, CancellationToken cancellationToken);
}

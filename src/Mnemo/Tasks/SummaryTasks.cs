using System.Text.Json;
using System.Text.Json.Serialization;
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

/// <summary>The request of a <c>summarize</c> task.</summary>
public sealed record SummarizeRequest
{
    /// <summary>Whose history.</summary>
    public required string UserId { get; init; }

    /// <summary>Summarise messages up to this one; later ones are kept.</summary>
    public required long UpToSeq { get; init; }

    /// <summary>How many of the newest messages the compression keeps.</summary>
    public required int KeepLastN { get; init; }

    /// <summary>Reads a task's request; null when it is not a summarize request.</summary>
    public static SummarizeRequest? From(QueuedTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return task.Request.Deserialize(Json.MnemoJsonContext.Default.SummarizeRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The result a worker completes a <c>summarize</c> task with.</summary>
public sealed record SummarizeResult
{
    /// <summary>The summary of the messages up to <c>up_to_seq</c> (and of the earlier summary).</summary>
    [JsonRequired]
    public required string Summary { get; init; }
}

using System.Text.Json;
using Mnemo.Json;
using Mnemo.Memory;
using Mnemo.Storage.Tasks;
using Mnemo.Tasks;

namespace Mnemo.Storage.Memory;

/// <summary>The <c>summarize</c> tasks of the memory loop, on either backend.</summary>
public sealed class SummaryTasks(TaskStore tasks, ProfileStore profiles) : ISummaryTasks
{
    /// <inheritdoc />
    public Task<QueuedTask?> EnqueueAsync(string tenantId, string userId, long upToSeq, int keepLastN, CancellationToken cancellationToken)
    {
        var request = new SummarizeRequest { UserId = userId, UpToSeq = upToSeq, KeepLastN = keepLastN };
        return tasks.CreateAsync(tenantId, new NewTask
        {
            TaskType = TaskTypes.Summarize,
            RequestJson = JsonSerializer.Serialize(request, MnemoJsonContext.Default.SummarizeRequest),
            UserId = userId,
            // The partial unique index on open dedupe keys keeps it to one open task per user.
            DedupeKey = $"{TaskTypes.Summarize}:{userId}",
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskChange> CompleteAsync(
        string tenantId, QueuedTask task, TaskHolder holder, string summary, ProfileDefaults defaults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var request = SummarizeRequest.From(task) ?? throw new ArgumentException("The task is not a summarize task.", nameof(task));
        var result = JsonSerializer.Serialize(new SummarizeResult { Summary = summary }, MnemoJsonContext.Default.SummarizeResult);
        return tasks.CompleteHeldAsync(tenantId, task.Id, holder, result,
            (session, token) => profiles.CompressInTransactionAsync(
                session, request.UserId, summary, request.KeepLastN, request.UpToSeq, defaults, token),
            cancellationToken);
    }
}

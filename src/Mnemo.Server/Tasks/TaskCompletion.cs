using System.Text.Json;
using Mnemo.Json;
using Mnemo.Server.Observability;
using Mnemo.Server.Problems;
using Mnemo.Server.Tenants;
using Mnemo.Tasks;

namespace Mnemo.Server.Tasks;

/// <summary>
/// A worker finishing a task, the one use case behind the HTTP completion (and the MCP tools to
/// come): a summarize task's summary is stored and the history compressed in the completion's own
/// transaction; any other task keeps its result. Counted when it changed the task.
/// </summary>
public sealed class TaskCompletion(ITaskStore tasks, ISummaryTasks summaries, TenantSettingsCache tenantSettings, MnemoMetrics metrics)
{
    /// <summary>
    /// Completes the task for <paramref name="holder"/>; null when the tenant has no such task.
    /// 400 (<see cref="ApiProblemException"/>) for a summarize task without a summary.
    /// </summary>
    public async Task<TaskChange?> CompleteAsync(string tenantId, Guid taskId, TaskHolder holder, JsonElement? result, CancellationToken cancellationToken)
    {
        if (await tasks.GetAsync(tenantId, taskId, cancellationToken) is not { } task)
        {
            return null;
        }
        TaskChange change;
        if (task.TaskType == TaskTypes.Summarize)
        {
            var summary = result is { } value && value.ValueKind == JsonValueKind.Object
                && value.TryGetProperty("summary", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null;
            if (string.IsNullOrWhiteSpace(summary))
            {
                throw ApiProblems.InvalidField("result.summary", "a summarize task completes with {\"summary\": \"...\"}");
            }
            var defaults = await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken);
            change = await summaries.CompleteAsync(tenantId, task, holder, summary, defaults, cancellationToken);
        }
        else
        {
            change = await tasks.CompleteAsync(tenantId, taskId, holder, JsonObjects.ToStored(result), cancellationToken);
        }
        if (change.Outcome == TaskOutcome.Changed)
        {
            metrics.TaskEvent(task.TaskType, "completed");
        }
        return change;
    }
}

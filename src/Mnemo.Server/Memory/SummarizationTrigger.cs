using Mnemo.Messages;
using Mnemo.Server.Observability;
using Mnemo.Server.Tenants;
using Mnemo.Tasks;

namespace Mnemo.Server.Memory;

/// <summary>
/// After an append: when the tenant summarises automatically and the user now has more messages
/// than its threshold, queue one <c>summarize</c> task (never two open for one user) that covers
/// the history up to the newest message written.
/// </summary>
public sealed class SummarizationTrigger(TenantSettingsCache cache, IMessageStore messages, ISummaryTasks summaries, MnemoMetrics metrics)
{
    /// <summary>Checks the threshold for <paramref name="userId"/> after messages up to <paramref name="lastSeq"/> were written.</summary>
    public async Task AfterAppendAsync(string tenantId, string userId, long lastSeq, CancellationToken cancellationToken)
    {
        var settings = await cache.GetAsync(tenantId, cancellationToken);
        if (settings.SummarizeAfterMessages is not { } threshold
            || !await messages.HasMoreThanAsync(tenantId, userId, threshold, cancellationToken))
        {
            return;
        }
        if (await summaries.EnqueueAsync(tenantId, userId, lastSeq, settings.SummarizeKeepLastN ?? 0, cancellationToken) is not null)
        {
            metrics.TaskEvent(TaskTypes.Summarize, "created");
        }
    }
}

using Mnemo.Messages;
using Mnemo.Users;
using Mnemo.Server.Activity;
using Mnemo.Server.Memory;
using Mnemo.Server.Observability;
using Mnemo.Server.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Messages;

/// <summary>
/// Appending to a history, the one way every caller does it (the messages, memory-events and
/// campaign endpoints, the command-line import, and the MCP tools): request items checked
/// against the injected clock and turned into messages with their idempotency keys, the
/// group-committed append, then the follow-up work — the user seen, the metrics, and the
/// summarization trigger — only when something new was stored.
/// </summary>
public sealed class MessageAppender(
    IMessageStore messages, ActivityTracker activity, SummarizationTrigger summarization, MnemoMetrics metrics,
    TenantSettingsCache tenantSettings, Recall.EmbeddingIndexer indexer, TimeProvider timeProvider)
{
    // A client's clock may run a little ahead of ours; a message further in the future is a bug.
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Messages of a user (created when missing). <paramref name="headerKey"/> is the request's <c>Idempotency-Key</c>.</summary>
    public async Task<AppendResult> AppendAsync(
        string tenantId, string userId, IReadOnlyList<MessageInput> items, string? headerKey, CancellationToken cancellationToken)
    {
        var newMessages = ToNewMessages(items, headerKey, "messages");
        var result = await messages.AppendAsync(tenantId, userId, newMessages, cancellationToken);
        activity.UserSeen(new UserActivity(tenantId, userId, timeProvider.GetUtcNow()));
        await AfterAppendAsync(tenantId, userId, result, () => metrics.MessagesAppended(newMessages.Select(message => message.Role)), cancellationToken);
        return result;
    }

    /// <summary>Seed 003's memory events: messages under another name, counted by their own metric.</summary>
    public async Task<AppendResult> AppendMemoryEventsAsync(
        string tenantId, string userId, IReadOnlyList<MessageInput> items, CancellationToken cancellationToken)
    {
        var events = ToNewMessages(items, headerKey: null, "events");
        var result = await messages.AppendAsync(tenantId, userId, events, cancellationToken);
        activity.UserSeen(new UserActivity(tenantId, userId, timeProvider.GetUtcNow()));
        await AfterAppendAsync(tenantId, userId, result, () => metrics.MemoryEventsAppended(events.Select(message => message.Role)), cancellationToken);
        return result;
    }

    /// <summary>
    /// Messages of a campaign participant: they refresh the participation's expiry and never
    /// create a system user, so no user is seen and no summary is due.
    /// </summary>
    public async Task<AppendResult> AppendForParticipantAsync(
        string tenantId, string campaignId, string userId, IReadOnlyList<MessageInput> items, string? headerKey, CancellationToken cancellationToken)
    {
        var newMessages = ToNewMessages(items, headerKey, "messages");
        var ttlDays = (await tenantSettings.GetAsync(tenantId, cancellationToken)).CampaignTtlDays!.Value;
        return await messages.AppendForParticipantAsync(tenantId, campaignId, userId, newMessages, ttlDays, cancellationToken);
    }

    /// <summary>
    /// Lines of an import, each checked on its own beforehand: history written after the fact,
    /// so the user is not marked as seen now, and a key repeated across lines answers with the
    /// first message as retries do.
    /// </summary>
    public async Task<AppendResult> ImportAsync(string tenantId, string userId, IReadOnlyList<MessageInput> lines, CancellationToken cancellationToken)
    {
        var newMessages = lines.Select(line => line.ToNewMessage(line.IdempotencyKey)).ToList();
        var result = await messages.AppendAsync(tenantId, userId, newMessages, cancellationToken);
        await AfterAppendAsync(tenantId, userId, result, () => metrics.MessagesAppended(newMessages.Select(message => message.Role)), cancellationToken);
        return result;
    }

    /// <summary>
    /// What something newly stored sets off: its metric, the recall indexer (the store put the
    /// messages on its backlog), and a summary when the user passed the tenant's threshold.
    /// </summary>
    private async Task AfterAppendAsync(string tenantId, string userId, AppendResult result, Action count, CancellationToken cancellationToken)
    {
        if (result.AnyNew)
        {
            count();
            indexer.Nudge();
            await summarization.AfterAppendAsync(tenantId, userId, result.Messages.Max(message => message.Seq), cancellationToken);
        }
    }

    /// <summary>
    /// Turns request items into messages to store. The <c>Idempotency-Key</c> header stands for the
    /// one message of a single append, and for message i of a batch as <c>key#i</c>; a message's
    /// own <c>idempotency_key</c> wins. Errors are named under <paramref name="itemPrefix"/>.
    /// </summary>
    private List<NewMessage> ToNewMessages(IReadOnlyList<MessageInput> items, string? headerKey, string itemPrefix)
    {
        var now = timeProvider.GetUtcNow();
        var errors = new ValidationErrors();
        if (headerKey is { } header && (header.Length == 0 || header.Length > 200))
        {
            errors.Add("Idempotency-Key", "must be 1 to 200 characters");
        }
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<NewMessage>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var prefix = items.Count == 1 && itemPrefix == "messages" ? string.Empty : $"{itemPrefix}[{i}].";
            if (item.CreatedAt is { } createdAt && createdAt > now + AllowedClockSkew)
            {
                errors.Add(prefix + "created_at", "must not be more than 5 minutes in the future");
            }
            var key = item.IdempotencyKey ?? (headerKey is null ? null : items.Count == 1 ? headerKey : $"{headerKey}#{i}");
            if (key is not null && !keys.Add(key))
            {
                errors.Add(prefix + "idempotency_key", "repeats another message's key in this batch");
            }
            result.Add(item.ToNewMessage(key));
        }
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        return result;
    }
}

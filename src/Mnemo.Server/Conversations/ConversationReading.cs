using Microsoft.Extensions.Options;
using Mnemo.Conversations;
using Mnemo.Messages;
using Mnemo.Server.Hosting;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Conversations;

/// <summary>
/// Reading a user's conversations, the one way the HTTP API and the MCP tools do it: a page of
/// them (seed 001's offset paging, or the cursor after the last one shown), and one with its most
/// recent messages.
/// </summary>
public sealed class ConversationReading(IConversationStore conversations, IMessageStore messages, Pages pages, IOptions<MnemoOptions> options)
{
    /// <summary>The detail of a missing conversation's 404.</summary>
    public static string NotFoundDetail(string userId, string conversationId) => $"User '{userId}' has no conversation '{conversationId}'.";

    /// <summary>A page of the user's conversations, newest first; null when the user does not exist.</summary>
    public async Task<ConversationListResponse?> ListAsync(
        string tenantId, string userId, int? offset, PageRequest request, CancellationToken cancellationToken)
    {
        if (offset is < 0)
        {
            throw ApiProblems.InvalidField("offset", "must not be negative");
        }
        var window = pages.Open(request, new PageScope("conversations", tenantId, userId));
        var pageSize = window.Size;
        ConversationPosition? before = null;
        if (window.After is { } after)
        {
            before = Positions.TryTimeAndId(after, out var time, out var id) ? new ConversationPosition(time, id) : throw ApiProblems.InvalidCursor();
        }
        var page = await conversations.ListAsync(tenantId, userId, new ConversationQuery(pageSize, offset ?? 0, before), cancellationToken);
        if (page is null)
        {
            return null;
        }
        var last = page.Conversations.Count > 0 ? page.Conversations[^1] : null;
        return new ConversationListResponse
        {
            Conversations = page.Conversations,
            Total = page.Total,
            Limit = pageSize,
            Offset = before is null ? offset ?? 0 : 0,
            NextCursor = page.HasMore && last is not null
                ? pages.Cursor(window, Positions.TimeAndId(last.StartedAt, last.Id))
                : null,
        };
    }

    /// <summary>
    /// A conversation and the most recent page of its messages (older ones page through the
    /// messages list); null when the user has no such conversation.
    /// </summary>
    public async Task<ConversationDetail?> GetAsync(string tenantId, string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(conversationId, out var id) || await conversations.GetAsync(tenantId, userId, id, cancellationToken) is not { } conversation)
        {
            return null;
        }
        var page = await messages.ListAsync(tenantId, userId,
            new MessageQuery { Limit = options.Value.Limits.MaxPageSize, ConversationId = id }, cancellationToken);
        return new ConversationDetail(conversation, page?.Messages ?? []);
    }
}

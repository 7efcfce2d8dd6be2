using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mnemo.Conversations;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Conversations;

/// <summary>A user's conversations (seed 004's archive and history API).</summary>
public static class ConversationEndpoints
{
    /// <summary>Maps <c>/api/v1/users/{user_id}/conversations</c>.</summary>
    public static RouteGroupBuilder MapConversations(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/users/{user_id}/conversations", "Conversations", userTokensRead: true);
        writes.MapPost("/", CreateAsync).Accepts<CreateConversationRequest>("application/json");
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{conversation_id}", GetAsync);
        writes.MapPatch("/{conversation_id}", UpdateAsync).Accepts<UpdateConversationRequest>("application/json");
        writes.MapDelete("/{conversation_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<Conversation>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, string user_id, JsonBody<CreateConversationRequest> body, IConversationStore conversations, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var startedAt = request.StartedAt is { } given ? TimeProviderExtensions.TruncateToMicroseconds(given) : timeProvider.GetUtcNowMicroseconds();
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(startedAt),
            UserId = user_id,
            Workflow = request.WorkflowName,
            Status = ConversationStatus.Active,
            StartedAt = startedAt,
            MessageCount = 0,
            Metadata = JsonObjects.Parse(JsonObjects.ToStored(request.Metadata)),
        };
        return await conversations.CreateAsync(scope.TenantId, conversation, cancellationToken)
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user_id)}/conversations/{conversation.Id}", conversation)
            : ApiProblems.UserNotFound(user_id);
    }

    private static async Task<Results<Ok<ConversationListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, string user_id, int? offset, [AsParameters] PageRequest request, IConversationStore conversations, Pages pages,
        CancellationToken cancellationToken)
    {
        if (offset is < 0)
        {
            throw ApiProblems.InvalidField("offset", "must not be negative");
        }
        // Seed 001's offset paging stays; the cursor resumes after the last conversation shown.
        var window = pages.Open(request, new PageScope("conversations", scope.TenantId, user_id));
        var pageSize = window.Size;
        ConversationPosition? before = null;
        if (window.After is { } after)
        {
            before = Positions.TryTimeAndId(after, out var time, out var id) ? new ConversationPosition(time, id) : throw ApiProblems.InvalidCursor();
        }
        var page = await conversations.ListAsync(scope.TenantId, user_id, new ConversationQuery(pageSize, offset ?? 0, before), cancellationToken);
        if (page is null)
        {
            return ApiProblems.UserNotFound(user_id);
        }
        var last = page.Conversations.Count > 0 ? page.Conversations[^1] : null;
        return TypedResults.Ok(new ConversationListResponse
        {
            Conversations = page.Conversations,
            Total = page.Total,
            Limit = pageSize,
            Offset = before is null ? offset ?? 0 : 0,
            NextCursor = page.HasMore && last is not null
                ? pages.Cursor(window, Positions.TimeAndId(last.StartedAt, last.Id))
                : null,
        });
    }

    private static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, string conversation_id, IConversationStore conversations, IMessageStore messages, IOptions<MnemoOptions> options,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(conversation_id, out var id) || await conversations.GetAsync(scope.TenantId, user_id, id, cancellationToken) is not { } conversation)
        {
            return ConversationNotFound(user_id, conversation_id);
        }
        // The most recent page of its messages; older ones page through the messages endpoint.
        var page = await messages.ListAsync(scope.TenantId, user_id,
            new MessageQuery { Limit = options.Value.Limits.MaxPageSize, ConversationId = id }, cancellationToken);
        return TypedResults.Ok(new ConversationDetail(conversation, page?.Messages ?? []));
    }

    private static async Task<Results<Ok<Conversation>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string user_id, string conversation_id, JsonBody<UpdateConversationRequest> body, IConversationStore conversations,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(conversation_id, out var id))
        {
            return ConversationNotFound(user_id, conversation_id);
        }
        var request = body.Value;
        var update = new ConversationUpdate(
            request.Status == ConversationStatus.Ended ? timeProvider.GetUtcNowMicroseconds() : null,
            request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null);
        return await conversations.UpdateAsync(scope.TenantId, user_id, id, update, cancellationToken) is { } updated
            ? TypedResults.Ok(updated)
            : ConversationNotFound(user_id, conversation_id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string user_id, string conversation_id, IConversationStore conversations, CancellationToken cancellationToken) =>
        Guid.TryParse(conversation_id, out var id) && await conversations.DeleteAsync(scope.TenantId, user_id, id, cancellationToken) is not null
            ? TypedResults.NoContent()
            : ConversationNotFound(user_id, conversation_id);

    private static ProblemHttpResult ConversationNotFound(string userId, string conversationId) =>
        ApiProblems.NotFound($"User '{userId}' has no conversation '{conversationId}'.");
}

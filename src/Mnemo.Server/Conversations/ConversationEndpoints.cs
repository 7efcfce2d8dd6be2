using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Conversations;
using Mnemo.Json;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Server.Validation;
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

    private static async Task<Results<Created<Conversation>, Ok<Conversation>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, string user_id, JsonBody<CreateConversationRequest> body, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        IConversationStore conversations, TimeProvider timeProvider, CancellationToken cancellationToken)
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
        var location = $"/api/v1/users/{Uri.EscapeDataString(user_id)}/conversations/{conversation.Id}";
        if (IdempotencyKeys.Checked(idempotencyKey) is not { } key)
        {
            return await conversations.CreateAsync(scope.TenantId, conversation, cancellationToken)
                ? TypedResults.Created(location, conversation)
                : ApiProblems.UserNotFound(user_id);
        }
        // A retry of a create that went through (seed 002) answers with the conversation it made.
        var stored = await conversations.CreateOnceAsync(scope.TenantId, conversation, key, cancellationToken);
        return stored is null ? ApiProblems.UserNotFound(user_id)
            : stored.Id == conversation.Id ? TypedResults.Created(location, stored)
            : TypedResults.Ok(stored);
    }

    private static async Task<Results<Ok<ConversationListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, string user_id, int? offset, [AsParameters] PageRequest request, ConversationReading conversations,
        CancellationToken cancellationToken) =>
        await conversations.ListAsync(scope.TenantId, user_id, offset, request, cancellationToken) is { } page
            ? TypedResults.Ok(page)
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, string conversation_id, ConversationReading conversations, CancellationToken cancellationToken) =>
        await conversations.GetAsync(scope.TenantId, user_id, conversation_id, cancellationToken) is { } detail
            ? TypedResults.Ok(detail)
            : ConversationNotFound(user_id, conversation_id);

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
        ApiProblems.NotFound(ConversationReading.NotFoundDetail(userId, conversationId));
}

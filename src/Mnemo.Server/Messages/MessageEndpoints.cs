using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Messages;

/// <summary>A user's messages (seed 001's ConversationStore), and search across them.</summary>
public static class MessageEndpoints
{
    /// <summary>Maps <c>/api/v1/users/{user_id}/messages</c> (search is the recall feature's).</summary>
    public static RouteGroupBuilder MapMessages(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/users/{user_id}/messages", "Messages", userTokensRead: true);
        writes.MapPost("/", AppendAsync).Accepts<AppendMessagesRequest>("application/json");
        reads.MapGet("/", ListAsync);
        writes.MapDelete("/", DeleteAllAsync);
        reads.MapGet("/{message_id}", GetAsync);
        writes.MapPatch("/{message_id}", EditAsync).Accepts<EditMessageRequest>("application/json");
        writes.MapDelete("/{message_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<MessageListResponse>, Ok<MessageListResponse>>> AppendAsync(
        TenantScope scope, string user_id, JsonBody<AppendMessagesRequest> body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        MessageAppender appender, CancellationToken cancellationToken)
    {
        var result = await appender.AppendAsync(scope.TenantId, user_id, body.Value.Items(), idempotencyKey, cancellationToken);
        var response = new MessageListResponse { Messages = result.Messages };
        return result.AnyNew
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user_id)}/messages/{result.Messages[0].Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<MessageListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, string user_id, int? limit, string? before, string? after, string? conversation_id, string? role,
        IMessageStore messages, Pages pages, CancellationToken cancellationToken)
    {
        var query = MessageHistory.Query(pages.Size(limit), before, after, conversation_id, role);
        var page = await messages.ListAsync(scope.TenantId, user_id, query, cancellationToken);
        if (page is null)
        {
            return ApiProblems.UserNotFound(user_id);
        }
        return TypedResults.Ok(MessageHistory.ToResponse(page, forward: query.After is not null));
    }

    private static async Task<Results<Ok<Message>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, string message_id, IMessageStore messages, CancellationToken cancellationToken) =>
        Guid.TryParse(message_id, out var id) && await messages.GetAsync(scope.TenantId, user_id, id, cancellationToken) is { } message
            ? TypedResults.Ok(message)
            : MessageNotFound(user_id, message_id);

    private static async Task<Results<Ok<Message>, ProblemHttpResult>> EditAsync(
        TenantScope scope, string user_id, string message_id, JsonBody<EditMessageRequest> body, IMessageStore messages, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(message_id, out var id))
        {
            return MessageNotFound(user_id, message_id);
        }
        var request = body.Value;
        var edit = new MessageEdit(request.Content, request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null, request.Tags, timeProvider.GetUtcNowMicroseconds());
        return await messages.EditAsync(scope.TenantId, user_id, id, edit, cancellationToken) is { } message
            ? TypedResults.Ok(message)
            : MessageNotFound(user_id, message_id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string user_id, string message_id, IMessageStore messages, CancellationToken cancellationToken) =>
        Guid.TryParse(message_id, out var id) && await messages.DeleteAsync(scope.TenantId, user_id, id, cancellationToken)
            ? TypedResults.NoContent()
            : MessageNotFound(user_id, message_id);

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeleteAllAsync(
        TenantScope scope, string user_id, IMessageStore messages, CancellationToken cancellationToken) =>
        await messages.DeleteAllAsync(scope.TenantId, user_id, cancellationToken) is { } deleted
            ? TypedResults.Ok(new DeletedResponse { Deleted = deleted })
            : ApiProblems.UserNotFound(user_id);

    private static ProblemHttpResult MessageNotFound(string userId, string messageId) =>
        ApiProblems.NotFound(ApiProblems.MessageNotFoundDetail(userId, messageId));
}

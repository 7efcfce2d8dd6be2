using System.Globalization;
using Mnemo.Conversations;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary><c>/api/v1/users/{user_id}/conversations</c> (seed 004's history API).</summary>
public sealed class ConversationsClient
{
    private readonly MnemoClient _client;

    internal ConversationsClient(MnemoClient client) => _client = client;

    /// <summary>Starts a conversation.</summary>
    public Task<Conversation> CreateAsync(string userId, CreateConversationRequest request, CancellationToken cancellationToken = default) =>
        CreateAsync(userId, request, idempotencyKey: null, cancellationToken);

    /// <summary>Starts a conversation; with <paramref name="idempotencyKey"/> a retried create returns the conversation the first one made.</summary>
    public Task<Conversation> CreateAsync(string userId, CreateConversationRequest request, string? idempotencyKey, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, Path(userId), MnemoClient.Json(request, MnemoJsonContext.Default.CreateConversationRequest),
            MnemoJsonContext.Default.Conversation, cancellationToken, idempotencyKey is null ? null : headers => headers.Add("Idempotency-Key", idempotencyKey));

    /// <summary>Newest first, by <paramref name="offset"/> (seed 004) or by <paramref name="cursor"/>.</summary>
    public Task<ConversationListResponse> ListAsync(
        string userId, int? limit = null, int? offset = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery(Path(userId),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("offset", offset?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.ConversationListResponse, cancellationToken);

    /// <summary>One conversation with its (most recent 200) messages.</summary>
    public Task<ConversationDetail> GetAsync(string userId, Guid conversationId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(userId)}/{conversationId}", null, MnemoJsonContext.Default.ConversationDetail, cancellationToken);

    /// <summary>Ends it (<c>status: ended</c>) and/or replaces its metadata.</summary>
    public Task<Conversation> UpdateAsync(string userId, Guid conversationId, UpdateConversationRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Patch, $"{Path(userId)}/{conversationId}", MnemoClient.Json(request, MnemoJsonContext.Default.UpdateConversationRequest),
            MnemoJsonContext.Default.Conversation, cancellationToken);

    /// <summary>Deletes it with its messages.</summary>
    public Task DeleteAsync(string userId, Guid conversationId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{Path(userId)}/{conversationId}", null, cancellationToken);

    private static string Path(string userId) => $"{MnemoClient.UserPath(userId)}/conversations";
}

using System.Globalization;
using Mnemo.Json;
using Mnemo.Messages;

namespace Mnemo.Client;

/// <summary><c>/api/v1/users/{user_id}/messages</c> and search.</summary>
public sealed class MessagesClient
{
    private readonly MnemoClient _client;

    internal MessagesClient(MnemoClient client) => _client = client;

    /// <summary>
    /// Appends one message (its fields) or a batch (<c>messages</c>); creates the user when missing.
    /// With <paramref name="idempotencyKey"/>, a retry returns the first result instead of a copy.
    /// </summary>
    public Task<MessageListResponse> AppendAsync(
        string userId, AppendMessagesRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, Path(userId), MnemoClient.Json(request, MnemoJsonContext.Default.AppendMessagesRequest),
            MnemoJsonContext.Default.MessageListResponse, cancellationToken,
            idempotencyKey is null ? null : headers => headers.Add("Idempotency-Key", idempotencyKey));

    /// <summary>
    /// A page of history, oldest first: the most recent <paramref name="limit"/> by default; older
    /// ones with <paramref name="before"/>, newer with <paramref name="after"/> (pass <c>next_cursor</c>).
    /// </summary>
    public Task<MessageListResponse> ListAsync(
        string userId, int? limit = null, string? before = null, string? after = null, Guid? conversationId = null, string? role = null,
        CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery(Path(userId),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("before", before), ("after", after),
                ("conversation_id", conversationId?.ToString()), ("role", role)),
            null, MnemoJsonContext.Default.MessageListResponse, cancellationToken);

    /// <summary>One message.</summary>
    public Task<Message> GetAsync(string userId, Guid messageId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(userId)}/{messageId}", null, MnemoJsonContext.Default.Message, cancellationToken);

    /// <summary>Edits content, metadata and/or tags; the edit is recorded as <c>edited_at</c>.</summary>
    public Task<Message> EditAsync(string userId, Guid messageId, EditMessageRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Patch, $"{Path(userId)}/{messageId}", MnemoClient.Json(request, MnemoJsonContext.Default.EditMessageRequest),
            MnemoJsonContext.Default.Message, cancellationToken);

    /// <summary>Deletes one message.</summary>
    public Task DeleteAsync(string userId, Guid messageId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{Path(userId)}/{messageId}", null, cancellationToken);

    /// <summary>Deletes all the user's messages (seed 001's delete_user_conversations).</summary>
    public Task<DeletedResponse> DeleteAllAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, Path(userId), null, MnemoJsonContext.Default.DeletedResponse, cancellationToken);

    /// <summary>
    /// Searches one user's messages: hybrid (keyword and meaning, fused) by default when the server
    /// runs an embedding model, or the <see cref="MessageSearchOptions.Mode"/> given, within its filters.
    /// </summary>
    public Task<SearchResponse> SearchAsync(
        string userId, string query, int? limit = null, string? cursor = null, MessageSearchOptions? options = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, SearchPath($"{Path(userId)}/search", query, limit, cursor, options),
            null, MnemoJsonContext.Default.SearchResponse, cancellationToken);

    /// <summary>Searches the whole tenant's messages (admin scope), like <see cref="SearchAsync"/>.</summary>
    public Task<SearchResponse> SearchTenantAsync(
        string query, int? limit = null, string? cursor = null, MessageSearchOptions? options = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, SearchPath("api/v1/messages/search", query, limit, cursor, options),
            null, MnemoJsonContext.Default.SearchResponse, cancellationToken);

    /// <summary>The tenant's semantic index: messages waiting, messages indexed, the model.</summary>
    public Task<Recall.SearchStatusResponse> SearchStatusAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, "api/v1/search/status", null, MnemoJsonContext.Default.SearchStatusResponse, cancellationToken);

    /// <summary>Puts every message without a vector of the current model on the backlog (admin scope); after a model change.</summary>
    public Task<Recall.ReindexResponse> ReindexAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/search/reindex", null, MnemoJsonContext.Default.ReindexResponse, cancellationToken);

    private static string SearchPath(string path, string query, int? limit, string? cursor, MessageSearchOptions? options) =>
        MnemoClient.WithQuery(path,
            ("q", query), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor), ("mode", options?.Mode),
            ("conversation_id", options?.ConversationId?.ToString()), ("role", options?.Role),
            ("from", options?.From?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            ("to", options?.To?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));

    private static string Path(string userId) => $"{MnemoClient.UserPath(userId)}/messages";
}

/// <summary>How to search: the mode and the filters.</summary>
public sealed record MessageSearchOptions
{
    /// <summary><c>hybrid</c>, <c>semantic</c> or <c>keyword</c>; the server's default when null.</summary>
    public string? Mode { get; init; }

    /// <summary>Only this conversation's messages.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Only this role's messages.</summary>
    public string? Role { get; init; }

    /// <summary>Only messages created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only messages created before this time.</summary>
    public DateTimeOffset? To { get; init; }
}

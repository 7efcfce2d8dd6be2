using System.Globalization;
using Mnemo.Events;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary>Analytics events: a user's (<c>/api/v1/users/{user_id}/events</c>) and the tenant's (<c>/api/v1/events</c>).</summary>
public sealed class EventsClient
{
    private readonly MnemoClient _client;

    internal EventsClient(MnemoClient client) => _client = client;

    /// <summary>Records an event for a user.</summary>
    public Task<UserEvent> CreateAsync(string userId, CreateEventRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{MnemoClient.UserPath(userId)}/events", MnemoClient.Json(request, MnemoJsonContext.Default.CreateEventRequest),
            MnemoJsonContext.Default.UserEvent, cancellationToken);

    /// <summary>A user's events, newest first.</summary>
    public Task<EventListResponse> ListAsync(string userId, string? type = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{MnemoClient.UserPath(userId)}/events",
                ("type", type), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.EventListResponse, cancellationToken);

    /// <summary>The tenant's events, newest first (admin scope).</summary>
    public Task<EventListResponse> ListTenantAsync(string? type = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/events",
                ("type", type), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.EventListResponse, cancellationToken);
}

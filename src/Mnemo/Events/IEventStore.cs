namespace Mnemo.Events;

/// <summary>Persistence of events.</summary>
public interface IEventStore
{
    /// <summary>Records an event for a user; null when the user does not exist.</summary>
    Task<UserEvent?> AppendAsync(string tenantId, string userId, string eventType, string eventDataJson, CancellationToken cancellationToken);

    /// <summary>Newest first; for a user, null when the user does not exist.</summary>
    Task<IReadOnlyList<UserEvent>?> ListAsync(string tenantId, string? userId, string? eventType, int limit, EventPosition? before, CancellationToken cancellationToken);
}

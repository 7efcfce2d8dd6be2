using Mnemo.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Events;

/// <summary>Events on either backend.</summary>
public sealed class EventStore(MnemoDatabase database, TimeProvider timeProvider) : IEventStore
{
    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<UserEvent?> AppendAsync(string tenantId, string userId, string eventType, string eventDataJson, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return null;
            }
            return (UserEvent?)await EventRows.InsertAsync(
                session, userId, eventType, eventDataJson, timeProvider.GetUtcNowMicroseconds(), token);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserEvent>?> ListAsync(
        string tenantId, string? userId, string? eventType, int limit, EventPosition? before, CancellationToken cancellationToken)
    {
        // Built from constant fragments only; every value is a bound parameter.
        var sql = $"""
            SELECT {EventRows.Columns} FROM events
            WHERE tenant_id = @tenant_id
            {(userId is null ? "" : "AND user_id = @user_id")}
            {(eventType is null ? "" : "AND event_type = @event_type")}
            {(before is null ? "" : "AND (created_at < @before_at OR (created_at = @before_at AND id < @before_id))")}
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("limit", limit);
        if (userId is not null)
        {
            command.With("user_id", userId);
        }
        if (eventType is not null)
        {
            command.With("event_type", eventType);
        }
        if (before is { } position)
        {
            command.With("before_at", position.CreatedAt).With("before_id", position.Id);
        }
        var events = await command.ListAsync(reader => EventRows.Read(_sql, reader), cancellationToken);
        if (events.Count == 0 && userId is not null && !await UserRows.ExistsAsync(session, userId, cancellationToken))
        {
            return null;
        }
        return events;
    }
}

using System.Data.Common;
using Mnemo.Events;
using Mnemo.Json;

namespace Mnemo.Storage.Events;

/// <summary>Event rows, written by the event store and by the stores that record Mnemo's own events in their transactions.</summary>
internal static class EventRows
{
    public const string Columns = "id, user_id, event_type, event_data, created_at";

    private const string InsertSql = """
        INSERT INTO events (tenant_id, id, user_id, event_type, event_data, created_at)
        VALUES (@tenant_id, @id, @user_id, @event_type, @event_data, @created_at)
        """;

    public static async Task<UserEvent> InsertAsync(
        StoreSession session, string? userId, string eventType, string eventDataJson,
        DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(createdAt);
        await using var command = session.Command(InsertSql)
            .With("id", id)
            .With("user_id", userId)
            .With("event_type", eventType)
            .WithJson("event_data", eventDataJson)
            .With("created_at", createdAt);
        await command.ExecuteAsync(cancellationToken);
        return new UserEvent { Id = id, UserId = userId, EventType = eventType, EventData = JsonObjects.Parse(eventDataJson), CreatedAt = createdAt };
    }

    public static UserEvent Read(SqlDialect sql, DbDataReader reader) => new()
    {
        Id = sql.GetGuid(reader, 0),
        UserId = reader.IsDBNull(1) ? null : reader.GetString(1),
        EventType = reader.GetString(2),
        EventData = JsonObjects.Parse(sql.GetJson(reader, 3)),
        CreatedAt = sql.GetTimestamp(reader, 4),
    };
}

using System.Data.Common;
using Mnemo.Json;
using Mnemo.Users;

namespace Mnemo.Storage.Users;

/// <summary>User rows, shared by the stores that create users as a side effect of a write.</summary>
internal static class UserRows
{
    public const string Columns = "id, email, name, metadata, external_provider, external_id, created_at, last_seen";

    private const string ExistsSql = "SELECT 1 FROM users WHERE tenant_id = @tenant_id AND id = @id";

    private const string InsertIfMissingSql = """
        INSERT INTO users (tenant_id, id, email, name, metadata, external_provider, external_id, created_at, last_seen)
        VALUES (@tenant_id, @id, @email, @name, @metadata, @external_provider, @external_id, @created_at, @created_at)
        ON CONFLICT (tenant_id, id) DO NOTHING
        """;

    public static async Task<bool> ExistsAsync(
        StoreSession session, string userId, CancellationToken cancellationToken)
    {
        await using var command = session.Command(ExistsSql).With("id", userId);
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Inserts the user unless the id exists; true when this call created it.</summary>
    public static async Task<bool> InsertIfMissingAsync(StoreSession session, User user, CancellationToken cancellationToken)
    {
        await using var command = session.Command(InsertIfMissingSql)
            .With("id", user.Id)
            .With("email", user.Email)
            .With("name", user.Name)
            .WithJson("metadata", JsonObjects.ToStored(user.Metadata))
            .With("external_provider", user.ExternalProvider)
            .With("external_id", user.ExternalId)
            .With("created_at", user.CreatedAt);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <summary>A user with nothing but an id, as appends create them.</summary>
    public static User Bare(string userId, DateTimeOffset now) =>
        new() { Id = userId, Metadata = JsonObjects.Empty, CreatedAt = now, LastSeen = now };

    public static User Read(SqlDialect sql, DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Email = reader.IsDBNull(1) ? null : reader.GetString(1),
        Name = reader.IsDBNull(2) ? null : reader.GetString(2),
        Metadata = JsonObjects.Parse(sql.GetJson(reader, 3)),
        ExternalProvider = reader.IsDBNull(4) ? null : reader.GetString(4),
        ExternalId = reader.IsDBNull(5) ? null : reader.GetString(5),
        CreatedAt = sql.GetTimestamp(reader, 6),
        LastSeen = sql.GetTimestamp(reader, 7),
    };
}

using System.Data.Common;
using System.Text.Json;
using Mnemo.Json;
using Mnemo.Tasks;

namespace Mnemo.Storage.Tasks;

/// <summary>Task rows as stored and as shown.</summary>
internal static class TaskRows
{
    public const string Columns =
        "id, task_type, request, template, tags, user_id, status, priority, attempts, max_attempts, available_at, "
        + "worker_id, lease_token, lease_expires_at, result, last_error, created_at, updated_at, completed_at";

    /// <summary>Due and not held: pending and available, or claimed under a lease that ran out; with attempts left.</summary>
    public const string ClaimablePredicate = """
        ((status = 'pending' AND available_at <= @now) OR (status = 'claimed' AND lease_expires_at <= @now))
        AND attempts < max_attempts
        """;

    public static string Tags(IReadOnlyDictionary<string, string> tags) =>
        JsonSerializer.Serialize(tags, MnemoJsonContext.Default.IReadOnlyDictionaryStringString);

    /// <summary>Maps a row; a claim whose lease has run out reads as pending again.</summary>
    public static QueuedTask Read(SqlDialect sql, DbDataReader reader, DateTimeOffset now)
    {
        var task = new QueuedTask
        {
            Id = sql.GetGuid(reader, 0),
            TaskType = reader.GetString(1),
            Request = JsonObjects.Parse(sql.GetJson(reader, 2)),
            Template = reader.IsDBNull(3) ? null : JsonObjects.Parse(sql.GetJson(reader, 3)),
            Tags = JsonSerializer.Deserialize(sql.GetJson(reader, 4), MnemoJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string>(),
            UserId = reader.IsDBNull(5) ? null : reader.GetString(5),
            Status = reader.GetString(6),
            Priority = reader.GetInt32(7),
            Attempts = reader.GetInt32(8),
            MaxAttempts = reader.GetInt32(9),
            AvailableAt = sql.GetTimestamp(reader, 10),
            WorkerId = reader.IsDBNull(11) ? null : reader.GetString(11),
            LeaseToken = reader.IsDBNull(12) ? null : reader.GetString(12),
            LeaseExpiresAt = sql.GetNullableTimestamp(reader, 13),
            Result = reader.IsDBNull(14) ? null : JsonObjects.Parse(sql.GetJson(reader, 14)),
            LastError = reader.IsDBNull(15) ? null : reader.GetString(15),
            CreatedAt = sql.GetTimestamp(reader, 16),
            UpdatedAt = sql.GetTimestamp(reader, 17),
            CompletedAt = sql.GetNullableTimestamp(reader, 18),
        };
        return task.Status == TaskStatuses.Claimed && task.LeaseExpiresAt <= now
            ? task with { Status = TaskStatuses.Pending, WorkerId = null, LeaseToken = null, LeaseExpiresAt = null }
            : task;
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mnemo.Storage.Sqlite;

/// <summary>
/// SQLite: timestamps as integer microseconds since the Unix epoch (exact, sortable, no text
/// parsing), UUIDs as text, JSON as text handled by the json1 functions.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>The one instance.</summary>
    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    /// <inheritdoc />
    public override string Name => "sqlite";

    /// <inheritdoc />
    public override bool SupportsMultipleNodes => false;

    /// <inheritdoc />
    public override bool SupportsSkipLocked => false;

    /// <inheritdoc />
    public override string MergeJsonObject(string column, string patchParameter) => $"json_patch({column}, {patchParameter})";

    /// <inheritdoc />
    public override void AddParameter(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value switch
        {
            null => DBNull.Value,
            DateTimeOffset time => ToMicroseconds(time),
            Guid id => id.ToString("D"),
            bool flag => flag ? 1L : 0L,
            _ => value,
        };
        command.Parameters.Add(parameter);
    }

    /// <inheritdoc />
    public override void AddJsonParameter(DbCommand command, string name, string? json) => AddParameter(command, name, json);

    /// <inheritdoc />
    public override DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(ordinal) * TimeSpan.TicksPerMicrosecond);
    }

    /// <inheritdoc />
    public override Guid GetGuid(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Guid.Parse(reader.GetString(ordinal));
    }

    /// <inheritdoc />
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint } sqlite
        && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;

    /// <inheritdoc />
    public override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen };

    private static long ToMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}

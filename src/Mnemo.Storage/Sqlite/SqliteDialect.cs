using System.Data.Common;
using System.Globalization;
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
    private const int SqliteConstraintForeignKey = 787;

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
    public override string ForUpdate => string.Empty;

    /// <inheritdoc />
    public override string SkipLocked => string.Empty;

    /// <inheritdoc />
    public override string NewTokenSql => "lower(hex(randomblob(16)))";

    /// <inheritdoc />
    public override string JsonTextMember(string column, string nameParameter) => $"json_extract({column}, '$.' || json_quote({nameParameter}))";

    /// <inheritdoc />
    public override string? LockKeysSql => null;

    /// <inheritdoc />
    /// <remarks>
    /// FTS5 over the porter-stemmed index, the query's words ORed (<see cref="FullTextQuery"/>);
    /// FTS5's own <c>bm25()</c> is not used, as it weighs words by the whole index, every tenant's
    /// messages included (<see cref="Recall.KeywordRanking"/>).
    /// </remarks>
    public override string FullTextMatchesSql(bool forUser, Func<string, string> filterOn)
    {
        ArgumentNullException.ThrowIfNull(filterOn);
        var owner = forUser ? "AND {0}.user_id = @user_id" : "";
        // The content itself only where it holds the marks' own characters, to tell them apart.
        return $"""
            SELECT m.seq, highlight(messages_fts, 0, char(1), char(2)),
                   CASE WHEN instr(m.content, char(1)) > 0 OR instr(m.content, char(2)) > 0 THEN m.content END
            FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
            WHERE messages_fts MATCH @query AND m.tenant_id = @tenant_id {string.Format(CultureInfo.InvariantCulture, owner, "m")} {filterOn("m")}
            ORDER BY messages_fts.rowid DESC
            LIMIT @limit;
            """;
    }

    /// <inheritdoc />
    public override string FullTextSnippetsSql(string seqList) => $"""
        SELECT messages_fts.rowid, snippet(messages_fts, 0, '<mark>', '</mark>', '…', 16)
        FROM messages_fts
        WHERE messages_fts MATCH @query
          AND messages_fts.rowid IN (SELECT seq FROM messages WHERE tenant_id = @tenant_id AND seq IN ({seqList}))
        """;

    /// <inheritdoc />
    /// <remarks>
    /// Every word that is not a stop word becomes a quoted FTS5 string, and the strings are ORed:
    /// no input is read as query syntax (an unbalanced quote or a bare NOT would otherwise be a
    /// syntax error), and any word of a question may find a message.
    /// </remarks>
    public override string? FullTextQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = QueryWords.Of(text)
            .Select(word => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")
            .ToList();
        return words.Count == 0 ? null : string.Join(" OR ", words);
    }

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
    public override bool IsForeignKeyViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintForeignKey };

    /// <inheritdoc />
    public override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen };

    private static long ToMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}

using System.Data.Common;
using System.Net.Sockets;
using Mnemo.Time;
using Npgsql;
using NpgsqlTypes;

namespace Mnemo.Storage.Postgres;

/// <summary>PostgreSQL: <c>timestamptz</c>, <c>uuid</c>, <c>jsonb</c>, SKIP LOCKED queues, advisory locks.</summary>
public sealed class PostgresDialect : SqlDialect
{
    /// <summary>The one instance.</summary>
    public static PostgresDialect Instance { get; } = new();

    private PostgresDialect()
    {
    }

    /// <inheritdoc />
    public override string Name => "postgres";

    /// <inheritdoc />
    public override bool SupportsMultipleNodes => true;

    /// <inheritdoc />
    public override string ForUpdate => "FOR UPDATE";

    /// <inheritdoc />
    public override string SkipLocked => "FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public override string NewTokenSql => "replace(gen_random_uuid()::text, '-', '')";

    /// <inheritdoc />
    public override string JsonTextMember(string column, string nameParameter) => $"{column} ->> {nameParameter}";

    /// <inheritdoc />
    public override string? LockKeysSql =>
        "SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM unnest(@lock_keys) WITH ORDINALITY AS k(key, n) ORDER BY n";

    /// <inheritdoc />
    /// <remarks>
    /// The question's words become an OR query: plainto_tsquery stems them and drops stop words (it
    /// reads no query syntax, so any text is safe), and its ANDs are turned into ORs. The matches
    /// are ranked by Okapi BM25 (k1 1.2, b 0.75), as the SQLite store ranks them: each word's weight
    /// is its inverse document frequency among the user's messages (the tenant's, tenant-wide), so
    /// a word most messages carry (a speaker's name) counts for little. Term frequencies and
    /// lengths come from the stored tsvector (distinct lexemes stand for the length). At most the
    /// newest <c>@max_matches</c> matches are scored, with the statistics of the window they span
    /// (see <see cref="Recall.KeywordRanking.MaxMatches"/>).
    /// </remarks>
    public override string FullTextSearchSql(string messageColumns, bool forUser, Func<string, string> filterOn)
    {
        ArgumentNullException.ThrowIfNull(filterOn);
        var owner = forUser ? "AND {0}.user_id = @user_id" : "";
        return $"""
            WITH q AS (
                SELECT replace(plainto_tsquery('english', @query)::text, ' & ', ' | ')::tsquery AS query,
                       tsvector_to_array(to_tsvector('english', @query)) AS terms),
            matched AS (
                SELECT found.seq, found.search, greatest(length(found.search), 1) AS len
                FROM messages found, q
                WHERE found.tenant_id = @tenant_id {string.Format(System.Globalization.CultureInfo.InvariantCulture, owner, "found")} AND found.search @@ q.query {filterOn("found")}
                ORDER BY found.seq DESC
                LIMIT @max_matches),
            -- Each match's query words and how often each occurs: every lexeme weighted D, then the
            -- query's marked A and only those kept, so that a match unnests its one or two query
            -- words rather than all its words.
            tf AS (
                SELECT matched.seq, matched.len, term.lexeme, coalesce(array_length(term.positions, 1), 1) AS tf
                FROM matched, q, unnest(ts_filter(setweight(setweight(matched.search, 'D'), 'A', q.terms), ARRAY['a']::"char"[])) term),
            df AS (SELECT lexeme, count(*)::float8 AS df FROM tf GROUP BY lexeme),
            corpus AS (
                SELECT (SELECT count(*) FROM messages c WHERE c.tenant_id = @tenant_id {string.Format(System.Globalization.CultureInfo.InvariantCulture, owner, "c")}
                          AND c.seq >= CASE WHEN (SELECT count(*) FROM matched) < @max_matches THEN 0 ELSE (SELECT min(seq) FROM matched) END)::float8 AS n,
                       (SELECT avg(len) FROM matched)::float8 AS avgdl),
            hit AS (
                SELECT tf.seq, sum(ln(1 + ((corpus.n - df.df + 0.5) / (df.df + 0.5))) * tf.tf * 2.2
                                   / (tf.tf + (1.2 * (0.25 + (0.75 * tf.len / corpus.avgdl)))))::float8 AS rank
                FROM tf JOIN df USING (lexeme), corpus
                GROUP BY tf.seq
                ORDER BY rank DESC, tf.seq DESC
                LIMIT @limit OFFSET @offset)
            SELECT {messageColumns}, hit.rank
            FROM hit
            JOIN messages m ON m.tenant_id = @tenant_id AND m.seq = hit.seq
            ORDER BY hit.rank DESC, m.seq DESC
            """;
    }

    /// <inheritdoc />
    /// <remarks>The query's words ORed, as <see cref="FullTextSearchSql"/> matches them.</remarks>
    public override string FullTextSnippetsSql(string seqList) => $"""
        SELECT m.seq,
               ts_headline('english', m.content, replace(plainto_tsquery('english', @query)::text, ' & ', ' | ')::tsquery,
                           'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=24, MinWords=6')
        FROM messages m
        WHERE m.tenant_id = @tenant_id AND m.seq IN ({seqList})
        """;

    /// <inheritdoc />
    public override string? FullTextQuery(string text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <inheritdoc />
    public override void AddParameter(DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = new NpgsqlParameter { ParameterName = name };
        switch (value)
        {
            case null:
                parameter.Value = DBNull.Value;
                break;
            case DateTimeOffset time:
                parameter.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                parameter.Value = TimeProviderExtensions.TruncateToMicroseconds(time);
                break;
            default:
                parameter.Value = value;
                break;
        }
        command.Parameters.Add(parameter);
    }

    /// <inheritdoc />
    public override void AddJsonParameter(DbCommand command, string name, string? json)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = (object?)json ?? DBNull.Value });
    }

    /// <inheritdoc />
    public override DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetFieldValue<DateTimeOffset>(ordinal);
    }

    /// <inheritdoc />
    public override Guid GetGuid(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetGuid(ordinal);
    }

    /// <inheritdoc />
    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    public override bool IsForeignKeyViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    /// <inheritdoc />
    /// <remarks>
    /// A server error (<see cref="PostgresException"/>) arrives with Npgsql still in step: it reads
    /// up to ReadyForQuery before throwing. Any other Npgsql failure (I/O, a protocol message it did
    /// not expect) breaks the connector. Exceptions not from Npgsql are Mnemo's own, thrown between
    /// commands.
    /// </remarks>
    public override bool LeavesConnectionInStep(Exception exception) => exception is PostgresException or not NpgsqlException;

    /// <inheritdoc />
    /// <remarks>
    /// Npgsql 10 records an auto-prepared statement as prepared once PostgreSQL has parsed it, even
    /// when its Bind then fails (a value PostgreSQL refuses, such as NUL in text or jsonb). It never
    /// learns that statement's row shape, so the next run of the same text on this connection
    /// reads a DataRow it does not expect, breaks the connector mid-transaction and fails a whole
    /// group-committed batch, possibly long after, for another client (npgsql/npgsql#6391). After
    /// any server error, every statement prepared on the connection is forgotten, on the server
    /// and in Npgsql's bookkeeping. UnprepareAll is synchronous in Npgsql 10: one round trip, on
    /// the failure path only.
    /// </remarks>
    public override void RecoverAfterError(DbConnection connection, Exception exception)
    {
        if (exception is PostgresException && connection is NpgsqlConnection { State: System.Data.ConnectionState.Open } npgsql)
        {
            npgsql.UnprepareAll();
        }
    }

    /// <inheritdoc />
    public override bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.TooManyConnections
                or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.DiskFull,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        _ => false,
    };
}

using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>
/// What differs between the backends, and what each can do. Stores are written once against
/// ADO.NET and ask the dialect for the few things that differ: how values are bound and read,
/// JSON, and which errors mean "duplicate" or "the store is unavailable".
/// </summary>
public abstract class SqlDialect
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when several server nodes may share the store.</summary>
    public abstract bool SupportsMultipleNodes { get; }

    /// <summary>
    /// The clause that locks the rows a SELECT reads until the transaction ends (<c>FOR UPDATE</c>),
    /// or nothing where the single writer already excludes every other writer.
    /// </summary>
    public abstract string ForUpdate { get; }

    /// <summary>The locking clause of a queue claim's inner SELECT: <c>FOR UPDATE SKIP LOCKED</c>, or nothing under a single writer.</summary>
    public abstract string SkipLocked { get; }

    /// <summary>An SQL expression that makes a fresh random token (text) per row.</summary>
    public abstract string NewTokenSql { get; }

    /// <summary>SQL reading member <paramref name="nameParameter"/> of JSON object <paramref name="column"/> as text.</summary>
    public abstract string JsonTextMember(string column, string nameParameter);

    /// <summary>
    /// SQL that takes, until the transaction ends, the lock of each key in <c>@keys</c> (a text
    /// array of <c>tenant/user</c>, in that order). Group-committed appends hold their users' locks,
    /// so that write order and time order agree and a reader paging forward never sees a message
    /// appear behind its cursor; null where the backend has one writer anyway.
    /// </summary>
    public abstract string? LockKeysSql { get; }

    /// <summary>
    /// Keyword search over messages, ranked by relevance, any word of the query matching (stop
    /// words ignored, words stemmed): selects <paramref name="messageColumns"/> (of alias <c>m</c>),
    /// then a relevance where higher is better, over the newest <c>@max_matches</c> matches (see
    /// <see cref="Recall.KeywordRanking"/>).
    /// <paramref name="filterOn"/> gives the filter's conditions (each starting with AND) for a table alias.
    /// Parameters: <c>@tenant_id</c>, <c>@user_id</c> (when <paramref name="forUser"/>), <c>@query</c>,
    /// <c>@max_matches</c>, <c>@limit</c>, <c>@offset</c>.
    /// </summary>
    /// <remarks>Null where the backend cannot rank by the searcher's own messages: the store then ranks <see cref="FullTextMatchesSql"/>'s matches itself.</remarks>
    public virtual string? FullTextSearchSql(string messageColumns, bool forUser, Func<string, string> filterOn) => null;

    /// <summary>
    /// Keyword matches to rank in process (where <see cref="FullTextSearchSql"/> is null): each
    /// match's <c>seq</c>, its content with the matched words between
    /// <see cref="Recall.KeywordRanking.MarkStart"/> and <see cref="Recall.KeywordRanking.MarkEnd"/>,
    /// and its plain content where that holds those characters itself (else null), newest first,
    /// at most <c>@limit</c>. Parameters as <see cref="FullTextSearchSql"/>'s, without
    /// <c>@offset</c> and <c>@max_matches</c>.
    /// </summary>
    public virtual string FullTextMatchesSql(bool forUser, Func<string, string> filterOn) => throw new NotSupportedException();

    /// <summary>
    /// Each message's <c>seq</c> and a snippet of it with the matches of <c>@query</c> in
    /// <c>&lt;mark&gt;</c>, for the tenant's (<c>@tenant_id</c>) messages whose seq is in <paramref name="seqList"/>
    /// (a list of parameter names).
    /// </summary>
    public abstract string FullTextSnippetsSql(string seqList);

    /// <summary>Turns a user's free text into the backend's query (<c>@query</c>); null when it has nothing to search for.</summary>
    public abstract string? FullTextQuery(string text);

    /// <summary>
    /// Binds <paramref name="value"/> under <paramref name="name"/>, converting types the backend
    /// stores differently. A time is truncated here, and only here, to whole microseconds: the
    /// precision both backends keep.
    /// </summary>
    public abstract void AddParameter(DbCommand command, string name, object? value);

    /// <summary>Binds a JSON document (text) so the backend stores it as JSON.</summary>
    public abstract void AddJsonParameter(DbCommand command, string name, string? json);

    /// <summary>Reads a timestamp column written through <see cref="AddParameter"/>.</summary>
    public abstract DateTimeOffset GetTimestamp(DbDataReader reader, int ordinal);

    /// <summary>Reads a UUID column.</summary>
    public abstract Guid GetGuid(DbDataReader reader, int ordinal);

    /// <summary>Reads a JSON column as text.</summary>
    public virtual string GetJson(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.GetString(ordinal);
    }

    /// <summary>Reads a nullable timestamp column.</summary>
    public DateTimeOffset? GetNullableTimestamp(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(ordinal) ? null : GetTimestamp(reader, ordinal);
    }

    /// <summary>True when <paramref name="exception"/> is a unique-key violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// True when <paramref name="exception"/> is a foreign-key violation: a row the write refers to
    /// went away between the request's checks and its write (a category deleted under a new child).
    /// </summary>
    public abstract bool IsForeignKeyViolation(Exception exception);

    /// <summary>True when <paramref name="exception"/> means the store cannot be reached or is overloaded (503), not a bug.</summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>
    /// True when the connection that threw <paramref name="exception"/> is still in step with the
    /// server, so its transaction may roll back to a savepoint and go on. False when the driver
    /// lost the conversation (the connection is broken and must not be used again).
    /// </summary>
    public virtual bool LeavesConnectionInStep(Exception exception) => true;

    /// <summary>
    /// Puts <paramref name="connection"/> back in a known state after a statement on it failed with
    /// <paramref name="exception"/> and its transaction or savepoint was rolled back: before it is
    /// used again, and before it returns to the pool.
    /// </summary>
    public virtual void RecoverAfterError(DbConnection connection, Exception exception)
    {
    }

    /// <summary>Makes a command on <paramref name="connection"/> in <paramref name="transaction"/>.</summary>
    public SqlCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Mnemo's SQL is constant text; values are always bound parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        return new SqlCommand(command, this);
    }
}

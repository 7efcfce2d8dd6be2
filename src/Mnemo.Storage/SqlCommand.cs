using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>A command whose parameters are bound through the dialect: <c>sql.Command(...).With("id", id)</c>.</summary>
public sealed class SqlCommand : IAsyncDisposable
{
    private readonly SqlDialect _dialect;

    internal SqlCommand(DbCommand command, SqlDialect dialect)
    {
        Inner = command;
        _dialect = dialect;
    }

    /// <summary>The ADO.NET command.</summary>
    public DbCommand Inner { get; }

    /// <summary>
    /// Result sets at the start of the command that are not its own (the lock statement that
    /// <see cref="SetText"/> put first); the methods that read rows skip them.
    /// </summary>
    private int _leadingResultsToSkip;

    /// <summary>
    /// Sets the text of a command built with its parameters (<see cref="StoreSession.CommandBuiltLater"/>).
    /// When <paramref name="locks"/> are not held yet, their statement goes first, in the same
    /// round trip: the database runs the statements in order, so <paramref name="sql"/> runs holding them.
    /// </summary>
    public SqlCommand SetText(string sql, KeyLocks? locks = null)
    {
        var lead = locks?.LeadStatement(this);
        if (lead is not null)
        {
            _leadingResultsToSkip++;
        }
#pragma warning disable CA2100 // Mnemo's SQL is constant text and placeholders; values are always bound parameters.
        Inner.CommandText = lead is null ? sql : $"{lead};\n{sql}";
#pragma warning restore CA2100
        return this;
    }

    /// <summary>Binds a value.</summary>
    public SqlCommand With(string name, object? value)
    {
        _dialect.AddParameter(Inner, name, value);
        return this;
    }

    /// <summary>Binds a JSON document.</summary>
    public SqlCommand WithJson(string name, string? json)
    {
        _dialect.AddJsonParameter(Inner, name, json);
        return this;
    }

    /// <summary>Runs the command; the number of rows affected.</summary>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        RequireNoLeadingResults();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await Inner.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            StoreMetrics.Command(_dialect.Name, "write", started);
        }
    }

    /// <summary>Runs the command; the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(CancellationToken cancellationToken)
    {
        RequireNoLeadingResults();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await Inner.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            StoreMetrics.Command(_dialect.Name, "scalar", started);
        }
    }

    /// <summary>Runs the command for its rows.</summary>
    public async Task<DbDataReader> ReaderAsync(CancellationToken cancellationToken)
    {
        var reader = await Inner.ExecuteReaderAsync(cancellationToken);
        try
        {
            for (var skipped = 0; skipped < _leadingResultsToSkip; skipped++)
            {
                await reader.NextResultAsync(cancellationToken);
            }
            return reader;
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    private void RequireNoLeadingResults()
    {
        if (_leadingResultsToSkip > 0)
        {
            throw new InvalidOperationException("A command carrying other statements' results is read with ReaderAsync, ListAsync, ListBothAsync or SingleOrDefaultAsync.");
        }
    }

    /// <summary>Every row mapped by <paramref name="map"/>.</summary>
    public async Task<List<T>> ListAsync<T>(Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var reader = await ReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }
        StoreMetrics.Command(_dialect.Name, "read", started);
        return rows;
    }

    /// <summary>
    /// For two statements sent in one round trip: the rows of the first mapped by
    /// <paramref name="mapFirst"/>, and those of the second by <paramref name="mapSecond"/>.
    /// </summary>
    public async Task<(List<T1> First, List<T2> Second)> ListBothAsync<T1, T2>(
        Func<DbDataReader, T1> mapFirst, Func<DbDataReader, T2> mapSecond, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mapFirst);
        ArgumentNullException.ThrowIfNull(mapSecond);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var reader = await ReaderAsync(cancellationToken);
        var first = new List<T1>();
        while (await reader.ReadAsync(cancellationToken))
        {
            first.Add(mapFirst(reader));
        }
        var second = new List<T2>();
        if (await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                second.Add(mapSecond(reader));
            }
        }
        StoreMetrics.Command(_dialect.Name, "write", started);
        return (first, second);
    }

    /// <summary>The first row mapped by <paramref name="map"/>, or default.</summary>
    public async Task<T?> SingleOrDefaultAsync<T>(Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var reader = await ReaderAsync(cancellationToken);
        var row = await reader.ReadAsync(cancellationToken) ? map(reader) : default;
        StoreMetrics.Command(_dialect.Name, "read", started);
        return row;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}

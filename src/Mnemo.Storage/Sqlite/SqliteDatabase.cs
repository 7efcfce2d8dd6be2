using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mnemo.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode with <c>synchronous=FULL</c>: every write goes through one writer
/// connection, taken in turn, so writers never meet SQLITE_BUSY; readers use pooled connections
/// and read a consistent snapshot beside the writer.
/// </summary>
public sealed class SqliteDatabase : MnemoDatabase
{
    // One writer per database file in this process, whatever the number of SqliteDatabase
    // instances (two test servers on one file share it, as two nodes would have to).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriterLocks = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writerLock;
    private SqliteConnection? _writer;

    /// <summary>Opens (and creates when missing) the database described by <paramref name="connectionString"/>.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        var path = Path.GetFullPath(builder.DataSource);
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        builder.DataSource = path;
        _connectionString = builder.ConnectionString;
        FilePath = path;
        _writerLock = WriterLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public override SqlDialect Dialect => SqliteDialect.Instance;

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task<T> WriteAsync<T>(Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _writerLock.WaitAsync(cancellationToken);
        try
        {
            var writer = await GetWriterAsync(cancellationToken);
            // BEGIN IMMEDIATE: take the write lock up front, so a transaction never fails
            // half-way because another process holds it.
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            var result = await work(WriteSession(transaction), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writerLock.Release();
        }
    }

    /// <inheritdoc />
    public override async Task RunExclusiveAsync(Func<DbConnection, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _writerLock.WaitAsync(cancellationToken);
        try
        {
            await work(await GetWriterAsync(cancellationToken), cancellationToken);
        }
        finally
        {
            _writerLock.Release();
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await DrainGroupCommitAsync();
        await _writerLock.WaitAsync();
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }
        }
        finally
        {
            _writerLock.Release();
        }
    }

    private async Task<SqliteConnection> GetWriterAsync(CancellationToken cancellationToken)
    {
        if (_writer is { State: System.Data.ConnectionState.Open })
        {
            return _writer;
        }
        var writer = new SqliteConnection(_connectionString);
        await writer.OpenAsync(cancellationToken);
        await using (var pragmas = writer.CreateCommand())
        {
            pragmas.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA foreign_keys = ON;
                PRAGMA busy_timeout = 5000;
                """;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }
        _writer = writer;
        return writer;
    }
}

using System.Data.Common;
using Mnemo.Storage.Configuration;
using Npgsql;

namespace Mnemo.Storage.Postgres;

/// <summary>PostgreSQL through one <see cref="NpgsqlDataSource"/> (one pool) for the whole process.</summary>
public sealed class PostgresDatabase : MnemoDatabase
{
    // Any constant that no other application on the cluster uses: "mnemo" in ASCII.
    private const long MigrationLockKey = 0x6D6E656D6F;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _unpooledConnectionString;

    /// <summary>
    /// Creates the data source for <paramref name="connectionString"/>, through <paramref name="pooler"/>,
    /// migrating over <paramref name="migrationConnectionString"/> when given; nothing is opened yet.
    /// </summary>
    public PostgresDatabase(string connectionString, ConnectionPooler pooler = ConnectionPooler.None, string? migrationConnectionString = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (pooler == ConnectionPooler.PgBouncer)
        {
            // A statement prepared on one server connection is unknown on the next transaction's.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 0;
        }
        else if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Every statement on the hot paths is a fixed text: let Npgsql prepare each once per
            // connection (parse and plan once) unless the operator chose otherwise.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 128;
        }
        // Mnemo keeps no session state on pooled connections (no SET, LISTEN or temp tables;
        // advisory locks are transaction-scoped), so the reset Npgsql otherwise sends before
        // every reuse (seven statements, from UNLISTEN to RESET ALL) is skipped. The one
        // session-level lock, the migration lock, is taken on a connection outside the pool.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        _unpooledConnectionString = new NpgsqlConnectionStringBuilder(migrationConnectionString ?? builder.ConnectionString)
        {
            Pooling = false, Multiplexing = false,
        }.ConnectionString;
        _dataSource = builder.Build();
    }

    /// <inheritdoc />
    public override SqlDialect Dialect => PostgresDialect.Instance;

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    public override async Task<T> WriteAsync<T>(Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // READ COMMITTED whatever the role's default: the tenant fence's second statement must
            // see what committed before its first took the lock (TenantFence).
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
            var result = await work(WriteSession(transaction), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (PostgresException exception)
        {
            // The transaction is rolled back by now (disposed as the try block ended).
            Dialect.RecoverAfterError(connection, exception);
            throw;
        }
    }

    /// <summary>
    /// An open connection straight to PostgreSQL, outside the pool (and past PgBouncer, over the
    /// migration connection string): for a session's advisory lock, or COPY; the caller disposes it.
    /// </summary>
    public async Task<NpgsqlConnection> OpenDirectConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_unpooledConnectionString);
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
    public override async Task RunExclusiveAsync(Func<DbConnection, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        // A session-level advisory lock on a connection of its own, outside the pool: other
        // nodes starting at the same moment wait here, then find the migrations applied.
        // Closing the connection ends the session, which releases the lock even if the unlock
        // below never runs.
        await using var connection = await OpenDirectConnectionAsync(cancellationToken);
        await using (var command = Dialect.Command(connection, "SELECT pg_advisory_lock(@key)").With("key", MigrationLockKey))
        {
            await command.ScalarAsync(cancellationToken);
        }
        try
        {
            await work(connection, cancellationToken);
        }
        finally
        {
            await using var unlock = Dialect.Command(connection, "SELECT pg_advisory_unlock(@key)").With("key", MigrationLockKey);
            await unlock.ScalarAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await DrainGroupCommitAsync();
        await _dataSource.DisposeAsync();
    }
}

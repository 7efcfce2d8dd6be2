using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>
/// One storage backend: where connections come from, how a write transaction runs, and the
/// cluster-wide lock that migrations take. Stores go through this and never open connections
/// themselves, so the SQLite single-writer rule holds everywhere.
/// </summary>
public abstract class MnemoDatabase : IAsyncDisposable
{
    /// <summary>The backend's dialect.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>An open connection for reads; the caller disposes it.</summary>
    public abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it when the work returns.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> on a connection of its own while holding the store-wide lock
    /// that serialises migrations across processes and nodes.
    /// </summary>
    public abstract Task RunExclusiveAsync(Func<DbConnection, CancellationToken, Task> work, CancellationToken cancellationToken);

    /// <summary>Checks that the store answers a trivial query.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Dialect.Command(connection, "SELECT 1");
        await command.ScalarAsync(cancellationToken);
    }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}

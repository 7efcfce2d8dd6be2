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

    /// <summary>
    /// Where what is not a tenant's own data lives (tenants, keys, user sessions, systems,
    /// placements): this database, unless it routes tenants to databases of their own.
    /// </summary>
    public virtual MnemoDatabase Catalog => this;

    /// <summary>An open connection for reads; the session that owns it disposes it.</summary>
    protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A read session on a connection of its own, not bound to a tenant; the caller disposes it.</summary>
    public virtual async ValueTask<StoreSession> ReadAsync(CancellationToken cancellationToken) =>
        new(Dialect, await OpenReadConnectionAsync(cancellationToken), transaction: null, tenantId: null, ownsConnection: true);

    /// <summary>A read session bound to <paramref name="tenantId"/>; the caller disposes it.</summary>
    public virtual async ValueTask<StoreSession> ReadAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new(Dialect, await OpenReadConnectionAsync(cancellationToken), transaction: null, tenantId, ownsConnection: true);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it when the work returns.</summary>
    public abstract Task<T> WriteAsync<T>(Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one write transaction bound to <paramref name="tenantId"/>.</summary>
    public virtual Task<T> WriteAsync<T>(string tenantId, Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(work);
        return WriteAsync((session, token) => work(session.ForTenant(tenantId), token), cancellationToken);
    }

    /// <summary>A write session on <paramref name="transaction"/>, for the backends' <see cref="WriteAsync{T}(Func{StoreSession, CancellationToken, Task{T}}, CancellationToken)"/>.</summary>
    protected StoreSession WriteSession(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return new(Dialect, transaction.Connection!, transaction, tenantId: null, ownsConnection: false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a connection of its own while holding the store-wide lock
    /// that serialises migrations across processes and nodes.
    /// </summary>
    public abstract Task RunExclusiveAsync(Func<DbConnection, CancellationToken, Task> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a group-committed transaction with other queued writes;
    /// answers once that transaction has committed. The work runs holding the lock of
    /// <paramref name="lockKey"/> (<see cref="SqlDialect.LockKeysSql"/>), once the transaction has
    /// found <paramref name="tenantId"/> placed here and taking writes (<see cref="Placement.TenantFence"/>).
    /// </summary>
    public virtual Task<T> GroupWriteAsync<T>(
        string tenantId, string lockKey, Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var committer = _groupCommit ??= CreateGroupCommit();
        return committer.WriteAsync(tenantId, lockKey, work, cancellationToken);
    }

    /// <summary>
    /// Queues <paramref name="item"/> for <paramref name="writer"/>, which writes it in one go with
    /// the other items queued for it, holding the lock of <paramref name="lockKey"/>; answers once
    /// that transaction has committed; <paramref name="tenantId"/> is fenced as in the overload above.
    /// </summary>
    public virtual Task<TResult> GroupWriteAsync<TItem, TResult>(
        string tenantId, string lockKey, TItem item, BatchWriter<TItem, TResult> writer, CancellationToken cancellationToken)
    {
        var committer = _groupCommit ??= CreateGroupCommit();
        return committer.WriteAsync(tenantId, lockKey, item, writer, cancellationToken);
    }

    /// <summary>
    /// How many group-commit workers there are, each with its own queue and its own share of the
    /// users: one for a single-writer backend; two on PostgreSQL, so one batch is built while the
    /// other commits (measured with the append benchmark at 32 clients, before the queue was split
    /// by user: 1 worker 11,193/s, 2 workers 12,074 and 13,233/s, 4 workers 10,761/s, 8 workers
    /// 8,634/s; fewer, larger batches cost the database less per message).
    /// </summary>
    protected virtual int GroupCommitWorkers => Dialect.SupportsMultipleNodes ? 2 : 1;

    private GroupCommit? _groupCommit;
    private readonly Lock _groupCommitGate = new();

    private GroupCommit CreateGroupCommit()
    {
        lock (_groupCommitGate)
        {
            return _groupCommit ??= new GroupCommit(
                work => WriteAsync(work, CancellationToken.None), Dialect, GroupCommitWorkers, maxBatch: 256, capacity: 4096);
        }
    }

    /// <summary>Lets queued group writes finish; subclasses call it first when disposing.</summary>
    protected async ValueTask DrainGroupCommitAsync()
    {
        if (_groupCommit is { } committer)
        {
            await committer.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> for <paramref name="tenantIds"/> in one transaction per
    /// database they live in (one here), handing it the tenants whose data the transaction may
    /// write (<see cref="Placement.TenantFence"/>); the others (moving, or gone) are left out, for
    /// a later pass to do. For background writes that span tenants (last-seen times, vectors).
    /// </summary>
    public virtual Task WriteForTenantsAsync(
        IReadOnlyCollection<string> tenantIds, Func<StoreSession, IReadOnlySet<string>, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        ArgumentNullException.ThrowIfNull(work);
        return WriteChunksAsync(tenantIds, work, cancellationToken);
    }

    // A transaction holds one shared advisory lock per tenant it fences: a few hundred at a time
    // keeps well inside PostgreSQL's lock table.
    private async Task WriteChunksAsync(
        IReadOnlyCollection<string> tenantIds, Func<StoreSession, IReadOnlySet<string>, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        foreach (var chunk in tenantIds.Chunk(200))
        {
            await WriteAsync(async (session, token) =>
            {
                var refused = await Placement.TenantFence.RefusedAsync(session, chunk, token);
                var admitted = chunk.Where(tenantId => !refused.Contains(tenantId)).ToHashSet(StringComparer.Ordinal);
                if (admitted.Count > 0)
                {
                    await work(session, admitted, token);
                }
                return admitted.Count;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// Brings the copy of <paramref name="tenantId"/>'s catalog row in the tenant's own database in
    /// line after the catalog row was made (<paramref name="created"/>), changed or deleted (then
    /// <paramref name="formerDatabaseId"/> says where it lived); a single database has nothing to do.
    /// </summary>
    public virtual Task MirrorTenantAsync(string tenantId, bool created, string? formerDatabaseId, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="work"/> once for each database tenants live in, with this database's
    /// tenant-less sessions (<see cref="ReadAsync(CancellationToken)"/>, <see cref="WriteAsync{T}(Func{StoreSession, CancellationToken, Task{T}}, CancellationToken)"/>)
    /// going to that database meanwhile: what background jobs sweep across tenants. A single
    /// database runs it once, on itself.
    /// </summary>
    public virtual Task ForEachDatabaseAsync(Func<string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(Placement.PlacementNames.CatalogId, cancellationToken);
    }

    /// <summary>Checks that the store answers a trivial query.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var session = await ReadAsync(cancellationToken);
        await using var command = session.Command("SELECT 1");
        await command.ScalarAsync(cancellationToken);
    }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}

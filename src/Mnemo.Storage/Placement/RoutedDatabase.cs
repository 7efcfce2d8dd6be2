using System.Collections.Concurrent;
using System.Data.Common;
using Mnemo.Placement;
using Mnemo.Storage.Migrations;
using Mnemo.Storage.Postgres;

namespace Mnemo.Storage.Placement;

/// <summary>
/// The database the tenant stores are given: it sends each tenant's sessions to the database the
/// tenant lives in, and everything not bound to a tenant to the catalog (or, inside
/// <see cref="ForEachDatabaseAsync"/>, to the database being swept). A tenant's writes go through
/// <see cref="TenantFence"/>, so none lands in a database the tenant is leaving. Where each tenant
/// lives is remembered for two seconds (as keys are) and forgotten at once when a move or a
/// message from another node says so. On SQLite there is one database and nothing to route.
/// </summary>
public sealed class RoutedDatabase : MnemoDatabase
{
    /// <summary>How long a node trusts what it read of a tenant's placement.</summary>
    public static readonly TimeSpan PlacementLifetime = TimeSpan.FromSeconds(2);

    private readonly MnemoDatabase _catalog;
    private readonly Func<byte[], string> _openSecret;
    private readonly TimeProvider _timeProvider;
    private readonly Action<string, Exception> _sweepFailed;
    private readonly ConcurrentDictionary<string, Lazy<Task<MnemoDatabase>>> _opened = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string DatabaseId, DateTimeOffset Until)> _homes = new(StringComparer.Ordinal);
    private readonly AsyncLocal<MnemoDatabase?> _swept = new();
    private int _disposed;

    /// <summary>
    /// Routes over <paramref name="catalog"/>, opening registered databases with their connection
    /// strings revealed by <paramref name="openSecret"/>; <paramref name="sweepFailed"/> hears of a
    /// database a sweep could not work in.
    /// </summary>
    public RoutedDatabase(
        MnemoDatabase catalog, string catalogId, Func<byte[], string> openSecret, TimeProvider timeProvider, Action<string, Exception>? sweepFailed = null)
    {
        _catalog = catalog;
        _openSecret = openSecret;
        _timeProvider = timeProvider;
        _sweepFailed = sweepFailed ?? ((_, _) => { });
        Registry = new DatabaseRegistry(catalog, catalogId);
    }

    /// <summary>The configured database: tenants, keys, sessions, systems and placements live here, and tenants may too.</summary>
    public override MnemoDatabase Catalog => _catalog;

    /// <summary>The catalog's record of databases and placements.</summary>
    public DatabaseRegistry Registry { get; }

    /// <summary>True where tenants can live in more than one database (PostgreSQL).</summary>
    public bool PlacesTenants => _catalog.Dialect.SupportsMultipleNodes;

    /// <inheritdoc />
    public override SqlDialect Dialect => _catalog.Dialect;

    private MnemoDatabase Untenanted => _swept.Value ?? _catalog;

    /// <inheritdoc />
    protected override ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException("Every read is routed by ReadAsync.");

    /// <inheritdoc />
    public override ValueTask<StoreSession> ReadAsync(CancellationToken cancellationToken) => Untenanted.ReadAsync(cancellationToken);

    /// <inheritdoc />
    public override async ValueTask<StoreSession> ReadAsync(string tenantId, CancellationToken cancellationToken) =>
        await (await HomeAsync(tenantId, cancellationToken)).ReadAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public override Task<T> WriteAsync<T>(Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Untenanted.WriteAsync(work, cancellationToken);

    /// <inheritdoc />
    public override Task<T> WriteAsync<T>(string tenantId, Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ForgettingOnRefusalAsync(tenantId, async () => await (await HomeAsync(tenantId, cancellationToken)).WriteAsync(tenantId, async (session, token) =>
        {
            await TenantFence.CheckAsync(session, tenantId, token);
            return await work(session, token);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override Task<T> GroupWriteAsync<T>(
        string tenantId, string lockKey, Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(tenantId, async () =>
            await (await HomeAsync(tenantId, cancellationToken)).GroupWriteAsync(tenantId, lockKey, work, cancellationToken));

    /// <inheritdoc />
    public override Task<TResult> GroupWriteAsync<TItem, TResult>(
        string tenantId, string lockKey, TItem item, BatchWriter<TItem, TResult> writer, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(tenantId, async () =>
            await (await HomeAsync(tenantId, cancellationToken)).GroupWriteAsync(tenantId, lockKey, item, writer, cancellationToken));

    /// <summary>Runs a write of <paramref name="tenantId"/>'s; when its database refuses it (moving), forgets where the tenant lives, so the retry reads it afresh.</summary>
    private async Task<T> ForgettingOnRefusalAsync<T>(string tenantId, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (TenantMovingException)
        {
            Forget(tenantId);
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task WriteForTenantsAsync(
        IReadOnlyCollection<string> tenantIds, Func<StoreSession, IReadOnlySet<string>, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        var byHome = new Dictionary<MnemoDatabase, List<string>>();
        foreach (var tenantId in tenantIds)
        {
            var home = await HomeAsync(tenantId, cancellationToken);
            if (!byHome.TryGetValue(home, out var tenants))
            {
                byHome[home] = tenants = [];
            }
            tenants.Add(tenantId);
        }
        foreach (var (home, tenants) in byHome)
        {
            await home.WriteForTenantsAsync(tenants, work, cancellationToken);
        }
    }

    /// <inheritdoc />
    public override Task RunExclusiveAsync(Func<DbConnection, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        _catalog.RunExclusiveAsync(work, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// A database the sweep cannot work in (unreachable, say) is reported to the sweep-failure
    /// handler and skipped: the others' work goes on and is kept.
    /// </remarks>
    public override async Task ForEachDatabaseAsync(Func<string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!PlacesTenants)
        {
            await work(Registry.CatalogId, cancellationToken);
            return;
        }
        foreach (var row in await Registry.ListAsync(cancellationToken))
        {
            try
            {
                _swept.Value = await OpenAsync(row.Id, cancellationToken);
                await work(row.Id, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _sweepFailed(row.Id, exception);
            }
            finally
            {
                _swept.Value = null;
            }
        }
    }

    /// <inheritdoc />
    public override async Task MirrorTenantAsync(string tenantId, bool created, string? formerDatabaseId, CancellationToken cancellationToken)
    {
        Forget(tenantId);
        if (!PlacesTenants)
        {
            return;
        }
        var databaseId = await Registry.DatabaseOfAsync(tenantId, cancellationToken);
        if (databaseId is null)
        {
            // Deleted: its database's copy goes, and every row of it with the copy (ON DELETE CASCADE).
            if (formerDatabaseId is not null && formerDatabaseId != Registry.CatalogId)
            {
                await TenantRows.DeleteCopyAsync(await OpenAsync(formerDatabaseId, cancellationToken), tenantId, cancellationToken);
            }
            return;
        }
        if (databaseId != Registry.CatalogId)
        {
            var home = await OpenAsync(databaseId, cancellationToken);
            if (created)
            {
                // A tenant of the same id, deleted while this database could not be reached, may
                // have left its rows here: a new tenant must not inherit them.
                await TenantRows.DeleteCopyAsync(home, tenantId, cancellationToken);
            }
            await TenantRows.CopyCatalogRowAsync(_catalog, home, tenantId, cancellationToken);
        }
    }

    /// <summary>The database <paramref name="tenantId"/> lives in (the catalog for a tenant that does not exist).</summary>
    /// <remarks>Every tenant request asks this: a placement known and an open database answer without awaiting anything.</remarks>
    public ValueTask<MnemoDatabase> HomeAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!PlacesTenants)
        {
            return ValueTask.FromResult(_catalog);
        }
        if (_homes.TryGetValue(tenantId, out var known) && known.Until > _timeProvider.GetUtcNow())
        {
            return OpenAsync(known.DatabaseId, cancellationToken);
        }
        return ReadHomeAsync(tenantId, cancellationToken);
    }

    private async ValueTask<MnemoDatabase> ReadHomeAsync(string tenantId, CancellationToken cancellationToken)
    {
        // The lifetime counts from before the read: a slow answer must not outlive a move's grace.
        var readAt = _timeProvider.GetUtcNow();
        var databaseId = await Registry.DatabaseOfAsync(tenantId, cancellationToken) ?? Registry.CatalogId;
        _homes[tenantId] = (databaseId, readAt + PlacementLifetime);
        return await OpenAsync(databaseId, cancellationToken);
    }

    /// <summary>The database registered as <paramref name="databaseId"/>, opened (and migrated) on first use.</summary>
    /// <exception cref="KeyNotFoundException">No database has that id.</exception>
    public ValueTask<MnemoDatabase> OpenAsync(string databaseId, CancellationToken cancellationToken)
    {
        if (databaseId == Registry.CatalogId)
        {
            return ValueTask.FromResult(_catalog);
        }
        if (!_opened.TryGetValue(databaseId, out var opening))
        {
            opening = _opened.GetOrAdd(databaseId, id => new Lazy<Task<MnemoDatabase>>(() => ConnectAsync(id)));
        }
        return opening.IsValueCreated && opening.Value.IsCompletedSuccessfully
            ? ValueTask.FromResult(opening.Value.Result)
            : WaitForOpeningAsync(databaseId, opening, cancellationToken);
    }

    private async ValueTask<MnemoDatabase> WaitForOpeningAsync(string databaseId, Lazy<Task<MnemoDatabase>> opening, CancellationToken cancellationToken)
    {
        try
        {
            return await opening.Value.WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _opened.TryRemove(new(databaseId, opening)); // tried afresh next time
            throw;
        }
    }

    /// <summary>Forgets where <paramref name="tenantId"/> lives: the next request reads the catalog.</summary>
    public void Forget(string tenantId) => _homes.TryRemove(tenantId, out _);

    /// <summary>Forgets every placement (a node that may have missed messages).</summary>
    public void ForgetAll() => _homes.Clear();

    private async Task<MnemoDatabase> ConnectAsync(string databaseId)
    {
        var row = await Registry.FindAsync(databaseId, CancellationToken.None)
            ?? throw new KeyNotFoundException($"No database '{databaseId}' is registered.");
        var database = new PostgresDatabase(_openSecret(row.ConnectionSecret!));
        try
        {
            // Registration migrated it; a newer Mnemo may bring migrations since.
            await new MigrationRunner(database, _timeProvider).ApplyAsync(CancellationToken.None);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        // Registered under two service types, so disposed twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var opening in _opened.Values)
        {
            if (opening.IsValueCreated && opening.Value.IsCompletedSuccessfully)
            {
                await opening.Value.Result.DisposeAsync();
            }
        }
        await _catalog.DisposeAsync();
    }
}

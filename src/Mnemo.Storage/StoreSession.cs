using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>
/// One unit of store work: a connection, its write transaction when there is one, the backend's
/// dialect and, once bound, the tenant. Commands are made here, so stores and their row helpers
/// pass a session instead of a dialect, a transaction and a connection; a session bound to a
/// tenant binds <c>@tenant_id</c> in every command that names it.
/// </summary>
public sealed class StoreSession : IAsyncDisposable
{
    private const string TenantParameter = "@tenant_id";
    private readonly string? _tenantId;
    private readonly bool _ownsConnection;

    internal StoreSession(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, string? tenantId, bool ownsConnection)
    {
        Dialect = dialect;
        Connection = connection;
        Transaction = transaction;
        _tenantId = tenantId;
        _ownsConnection = ownsConnection;
    }

    /// <summary>The backend's dialect, for the SQL fragments and readers that differ.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>The open connection.</summary>
    public DbConnection Connection { get; }

    /// <summary>The write transaction; null for a read session.</summary>
    public DbTransaction? Transaction { get; }

    /// <summary>The tenant every command is bound to.</summary>
    /// <exception cref="InvalidOperationException">The session is not bound to a tenant.</exception>
    public string TenantId => _tenantId ?? throw new InvalidOperationException("This store session is not bound to a tenant.");

    /// <summary>The same connection and transaction, bound to <paramref name="tenantId"/>.</summary>
    public StoreSession ForTenant(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new StoreSession(Dialect, Connection, Transaction, tenantId, ownsConnection: false);
    }

    /// <summary>
    /// Holds the lock named <paramref name="key"/> until the transaction ends (an advisory lock on
    /// PostgreSQL; a single-writer backend's transaction holds every lock already).
    /// </summary>
    public Task LockAsync(string key, CancellationToken cancellationToken) =>
        new KeyLocks(Dialect, [key]).TakeAsync(this, cancellationToken);

    /// <summary>A command of <paramref name="sql"/> in this session, its tenant bound when the text names <c>@tenant_id</c>.</summary>
    public SqlCommand Command(string sql)
    {
        var command = Dialect.Command(Connection, sql, Transaction);
        if (_tenantId is not null && sql.Contains(TenantParameter, StringComparison.Ordinal))
        {
            command.With("tenant_id", _tenantId);
        }
        return command;
    }

    /// <summary>A command whose text is built with its parameters (<see cref="SqlCommand.SetText"/>); nothing is bound for the session.</summary>
    public SqlCommand CommandBuiltLater() => Dialect.Command(Connection, string.Empty, Transaction);

    /// <summary>Marks a savepoint in the write transaction.</summary>
    public Task SaveAsync(string savepoint, CancellationToken cancellationToken) => WriteTransaction.SaveAsync(savepoint, cancellationToken);

    /// <summary>Releases a savepoint.</summary>
    public Task ReleaseAsync(string savepoint, CancellationToken cancellationToken) => WriteTransaction.ReleaseAsync(savepoint, cancellationToken);

    /// <summary>
    /// Rolls back to a savepoint after <paramref name="failure"/>, and puts the connection back in a
    /// known state (<see cref="SqlDialect.RecoverAfterError"/>) before it is used again.
    /// </summary>
    public async Task RollbackAfterAsync(string savepoint, Exception failure, CancellationToken cancellationToken)
    {
        await WriteTransaction.RollbackAsync(savepoint, cancellationToken);
        Dialect.RecoverAfterError(Connection, failure);
    }

    private DbTransaction WriteTransaction => Transaction ?? throw new InvalidOperationException("A read session has no transaction.");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await Connection.DisposeAsync();
        }
    }
}

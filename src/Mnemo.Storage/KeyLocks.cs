namespace Mnemo.Storage;

/// <summary>
/// The locks of one group-commit batch: a PostgreSQL advisory lock per key (tenant/user), taken
/// in the batch's sorted key order (<see cref="SqlDialect.LockKeysSql"/>); a single-writer backend
/// needs none. They must be held before the batch's first write. A writer either takes them in a
/// statement of their own (<see cref="TakeAsync"/>) or has them lead the text of its first
/// command (<see cref="SqlCommand.SetText"/>), which saves the batch a round trip.
/// </summary>
public sealed class KeyLocks
{
    private const string KeysParameter = "lock_keys";
    private readonly SqlDialect _dialect;
    private readonly string[] _keys;

    // True once the locks are taken or sent ahead of a command, or from the start when the backend needs none.
    private bool _held;

    internal KeyLocks(SqlDialect dialect, IEnumerable<string> sortedKeys)
    {
        _dialect = dialect;
        _keys = [.. sortedKeys.Distinct(StringComparer.Ordinal)];
        _held = dialect.LockKeysSql is null;
    }

    /// <summary>Takes the locks now, in a statement of their own, unless they are held already.</summary>
    public async Task TakeAsync(StoreSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_held)
        {
            return;
        }
        await using var command = session.Command(_dialect.LockKeysSql!).With(KeysParameter, _keys);
        await command.ExecuteAsync(cancellationToken);
        _held = true;
    }

    /// <summary>
    /// The lock statement for <paramref name="command"/> to send first, its parameter bound on it,
    /// or null when the locks are held already; from then on they count as held.
    /// </summary>
    internal string? LeadStatement(SqlCommand command)
    {
        if (_held)
        {
            return null;
        }
        command.With(KeysParameter, _keys);
        _held = true;
        return _dialect.LockKeysSql;
    }
}

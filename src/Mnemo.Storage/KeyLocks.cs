using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>
/// The locks of one group-commit batch: a PostgreSQL advisory lock per key (tenant/user), taken
/// in the batch's sorted key order (<see cref="SqlDialect.LockKeysSql"/>); a single-writer backend
/// needs none. They must be held before the batch's first write. A writer either takes them in a
/// statement of their own (<see cref="TakeAsync"/>) or sends them ahead of its first command in
/// the same round trip (<see cref="SendWith"/>), which saves the batch a round trip.
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
    public async Task TakeAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (_held)
        {
            return;
        }
        await using var command = _dialect.Command(transaction.Connection!, _dialect.LockKeysSql!, transaction).With(KeysParameter, _keys);
        await command.ExecuteAsync(cancellationToken);
        _held = true;
    }

    /// <summary>
    /// Puts the lock statement ahead of <paramref name="command"/>'s text (so set the text first),
    /// unless the locks are held already. The database runs the statements in order, so the
    /// command's own statements run holding the locks; its reader skips the lock statement's rows.
    /// </summary>
    public void SendWith(SqlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_held)
        {
            return;
        }
        command.Inner.CommandText = $"{_dialect.LockKeysSql};\n{command.Inner.CommandText}";
        command.With(KeysParameter, _keys);
        command.LeadingResultsToSkip++;
        _held = true;
    }
}

using System.Data.Common;

namespace Mnemo.Storage;

/// <summary>
/// A write that the group committer can do for many callers at once: one statement for a whole
/// batch instead of one per caller. Both methods run holding the lock of every key in the batch.
/// </summary>
/// <typeparam name="TItem">What one caller asks to write.</typeparam>
/// <typeparam name="TResult">What that caller is answered.</typeparam>
public abstract class BatchWriter<TItem, TResult>
{
    /// <summary>
    /// Writes every item and answers in the items' order. Any failure fails the attempt: the
    /// batch is then written again with <see cref="WriteOneAsync"/>, one savepoint per item.
    /// </summary>
    public abstract Task<IReadOnlyList<TResult>> WriteAllAsync(DbTransaction transaction, IReadOnlyList<TItem> items, CancellationToken cancellationToken);

    /// <summary>Writes one item; a failure is that item's own.</summary>
    public abstract Task<TResult> WriteOneAsync(DbTransaction transaction, TItem item, CancellationToken cancellationToken);
}

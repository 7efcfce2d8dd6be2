namespace Mnemo.Storage;

/// <summary>
/// A write that the group committer can do for many callers at once: one statement for a whole
/// batch instead of one per caller. Both methods get the batch's <see cref="KeyLocks"/> and must
/// hold them before their first write: by <see cref="KeyLocks.TakeAsync"/>, or by having them lead
/// their first command (<see cref="SqlCommand.SetText"/>), a round trip saved.
/// </summary>
/// <typeparam name="TItem">What one caller asks to write.</typeparam>
/// <typeparam name="TResult">What that caller is answered.</typeparam>
public abstract class BatchWriter<TItem, TResult>
{
    /// <summary>
    /// Writes every item and answers in the items' order. Any failure fails the attempt: the
    /// batch is then written again with <see cref="WriteOneAsync"/>, one savepoint per item.
    /// </summary>
    public abstract Task<IReadOnlyList<TResult>> WriteAllAsync(StoreSession session, IReadOnlyList<TItem> items, KeyLocks locks, CancellationToken cancellationToken);

    /// <summary>Writes one item; a failure is that item's own.</summary>
    public abstract Task<TResult> WriteOneAsync(StoreSession session, TItem item, KeyLocks locks, CancellationToken cancellationToken);
}

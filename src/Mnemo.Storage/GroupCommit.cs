using System.Data.Common;
using System.Threading.Channels;

namespace Mnemo.Storage;

/// <summary>
/// Group commit for the append path (DESIGN §8): concurrent writes queue on a bounded channel,
/// and a worker writes whatever is queued as one transaction; when an item fails, the batch is
/// written again with each item inside its own savepoint, so one bad item fails alone. Every
/// caller is answered only after the batch commits. A lone write is not delayed: a worker takes
/// what is there and does not wait for more. A <see cref="BatchWriter{TItem, TResult}"/> writes all
/// its queued items in one go (one multi-row insert for a batch of appends).
/// Each key (tenant/user) has one worker: a key's batches are written one after the other on
/// this node, so a time read before the batch's locks are taken still follows the write order of
/// that key, and a writer may send the locks with its first statement (<see cref="KeyLocks"/>).
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly MnemoDatabase _database;
    private readonly Channel<PendingWrite>[] _queues;
    private readonly Task[] _workers;
    private readonly int _maxBatch;

    public GroupCommit(MnemoDatabase database, int workers, int maxBatch, int capacity)
    {
        _database = database;
        _maxBatch = maxBatch;
        _queues = [.. Enumerable.Range(0, workers).Select(_ => Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(capacity / workers)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        }))];
        _workers = [.. _queues.Select(queue => Task.Run(() => RunAsync(queue)))];
    }

    /// <summary>Queues <paramref name="work"/>; completes when its batch has committed (or with its own failure).</summary>
    public Task<T> WriteAsync<T>(string lockKey, Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(lockKey, work, SoloWriter<T>.Instance, cancellationToken);

    /// <summary>
    /// Queues <paramref name="item"/> for <paramref name="writer"/>, which writes it together with
    /// the other items queued for it; completes when the batch has committed.
    /// </summary>
    public async Task<TResult> WriteAsync<TItem, TResult>(
        string lockKey, TItem item, BatchWriter<TItem, TResult> writer, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<TItem, TResult>(lockKey, item, writer);
        await QueueOf(lockKey).Writer.WriteAsync(pending, cancellationToken);
        return await pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }
        await Task.WhenAll(_workers);
    }

    private Channel<PendingWrite> QueueOf(string lockKey) =>
        _queues[(StringComparer.Ordinal.GetHashCode(lockKey) & int.MaxValue) % _queues.Length];

    private async Task RunAsync(Channel<PendingWrite> queue)
    {
        var batch = new List<PendingWrite>(_maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            // A stable order of keys (tenant/user) in every batch on every node: the keys' locks
            // are then always taken in the same order, so two batches never deadlock on each other.
            var ordered = batch.OrderBy(item => item.LockKey, StringComparer.Ordinal).ToList();
            try
            {
                if (ordered.Count == 1 || !await WriteTogetherAsync(ordered))
                {
                    await WriteOneByOneAsync(ordered);
                }
                foreach (var item in ordered)
                {
                    item.Answer();
                }
            }
#pragma warning disable CA1031 // A failed commit fails every caller of the batch; none was acknowledged.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                foreach (var item in ordered)
                {
                    item.Fail(exception);
                }
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// The fast path: each writer's items in one go, no savepoints. Items rarely fail, so when one
    /// does the transaction is rolled back and the batch is written again one savepoint per item
    /// (false). A batch of one writer's items leaves the locks to it (sent with its first
    /// statement); with several writers they are taken first.
    /// </summary>
    private async Task<bool> WriteTogetherAsync(List<PendingWrite> batch)
    {
        try
        {
            await _database.WriteAsync(async (transaction, token) =>
            {
                var locks = LocksOf(batch);
                var byWriter = batch.GroupBy(item => item.Writer).ToList();
                if (byWriter.Count > 1)
                {
                    await locks.TakeAsync(transaction, token);
                }
                foreach (var sameWriter in byWriter)
                {
                    await sameWriter.First().RunTogetherAsync(transaction, [.. sameWriter], locks, token);
                }
                return true;
            }, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (!_database.Dialect.IsUnavailable(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// The batch item by item, each in its own savepoint, so a bad item fails alone. A lone item
    /// needs no savepoint: its failure fails the transaction, and only its own caller.
    /// </summary>
    private Task<bool> WriteOneByOneAsync(List<PendingWrite> batch) =>
        _database.WriteAsync(async (transaction, token) =>
        {
            var locks = LocksOf(batch);
            if (batch is [var lone])
            {
                await lone.RunAloneAsync(transaction, locks, token);
                return true;
            }
            // Before the first savepoint: a lock taken inside one would go with its rollback.
            await locks.TakeAsync(transaction, token);
            foreach (var item in batch)
            {
                await transaction.SaveAsync("item", token);
                try
                {
                    await item.RunAloneAsync(transaction, locks, token);
                    await transaction.ReleaseAsync("item", token);
                }
#pragma warning disable CA1031 // The item's own failure goes back to its own caller; the batch goes on.
                catch (Exception exception) when (!_database.Dialect.IsUnavailable(exception) && _database.Dialect.LeavesConnectionInStep(exception))
#pragma warning restore CA1031
                {
                    // Only on a connection still in step: a broken one fails the batch, whose
                    // callers were not acknowledged, rather than write the next item on it.
                    await transaction.RollbackAsync("item", token);
                    _database.Dialect.RecoverAfterError(transaction.Connection!, exception);
                    item.Failed = exception;
                }
            }
            return true;
        }, CancellationToken.None);

    /// <summary>
    /// The locks of every key in the batch, in the batch's sorted order (PostgreSQL; a
    /// single-writer backend needs none). Per user, they make write order and time order agree
    /// across nodes up to the nodes' clock skew and the lock wait: a batch reads the time before it
    /// sends the locks (see the class remarks for one node).
    /// </summary>
    private KeyLocks LocksOf(List<PendingWrite> batch) => new(_database.Dialect, batch.Select(item => item.LockKey));

    private abstract class PendingWrite(string lockKey)
    {
        public string LockKey { get; } = lockKey;

        /// <summary>Items with the same writer are written together.</summary>
        public abstract object Writer { get; }

        public Exception? Failed { get; set; }

        public abstract Task RunAloneAsync(DbTransaction transaction, KeyLocks locks, CancellationToken cancellationToken);

        /// <summary>Writes <paramref name="sameWriter"/> (this item among them) in one go.</summary>
        public abstract Task RunTogetherAsync(DbTransaction transaction, IReadOnlyList<PendingWrite> sameWriter, KeyLocks locks, CancellationToken cancellationToken);

        public abstract void Answer();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<TItem, TResult>(string lockKey, TItem item, BatchWriter<TItem, TResult> writer) : PendingWrite(lockKey)
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult? _result;

        public Task<TResult> Task => _completion.Task;

        public override object Writer => writer;

        private TItem Item => item;

        public override async Task RunAloneAsync(DbTransaction transaction, KeyLocks locks, CancellationToken cancellationToken) =>
            _result = await writer.WriteOneAsync(transaction, item, locks, cancellationToken);

        public override async Task RunTogetherAsync(DbTransaction transaction, IReadOnlyList<PendingWrite> sameWriter, KeyLocks locks, CancellationToken cancellationToken)
        {
            var pending = sameWriter.Cast<PendingWrite<TItem, TResult>>().ToList();
            var results = await writer.WriteAllAsync(transaction, [.. pending.Select(each => each.Item)], locks, cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                pending[i]._result = results[i];
            }
        }

        public override void Answer()
        {
            if (Failed is { } failure)
            {
                _completion.TrySetException(failure);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }

    /// <summary>Writes that have no batched form: written one after the other in the batch's transaction.</summary>
    private sealed class SoloWriter<T> : BatchWriter<Func<DbTransaction, CancellationToken, Task<T>>, T>
    {
        public static SoloWriter<T> Instance { get; } = new();

        public override async Task<IReadOnlyList<T>> WriteAllAsync(
            DbTransaction transaction, IReadOnlyList<Func<DbTransaction, CancellationToken, Task<T>>> items, KeyLocks locks, CancellationToken cancellationToken)
        {
            await locks.TakeAsync(transaction, cancellationToken);
            var results = new List<T>(items.Count);
            foreach (var work in items)
            {
                results.Add(await work(transaction, cancellationToken));
            }
            return results;
        }

        public override async Task<T> WriteOneAsync(
            DbTransaction transaction, Func<DbTransaction, CancellationToken, Task<T>> item, KeyLocks locks, CancellationToken cancellationToken)
        {
            await locks.TakeAsync(transaction, cancellationToken);
            return await item(transaction, cancellationToken);
        }
    }
}

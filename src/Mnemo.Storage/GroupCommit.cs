using System.Diagnostics;
using System.Threading.Channels;
using Mnemo.Diagnostics;
using Mnemo.Storage.Placement;
using Mnemo.Placement;

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
    private readonly Func<Func<StoreSession, CancellationToken, Task<bool>>, Task<bool>> _writeTransaction;
    private readonly SqlDialect _dialect;
    private readonly Channel<PendingWrite>[] _queues;
    private readonly Task[] _workers;
    private readonly int _maxBatch;

    /// <param name="writeTransaction">Runs its work in one write transaction and commits it.</param>
    /// <param name="dialect">The backend's dialect: which failures leave the connection usable, and the locks.</param>
    /// <param name="workers">Workers, each with its own queue and its own share of the keys.</param>
    /// <param name="maxBatch">The most items one transaction writes.</param>
    /// <param name="capacity">The most items queued before callers wait.</param>
    public GroupCommit(
        Func<Func<StoreSession, CancellationToken, Task<bool>>, Task<bool>> writeTransaction, SqlDialect dialect, int workers, int maxBatch, int capacity)
    {
        _writeTransaction = writeTransaction;
        _dialect = dialect;
        _maxBatch = maxBatch;
        _queues = [.. Enumerable.Range(0, workers).Select(_ => Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(capacity / workers)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        }))];
        _workers = [.. _queues.Select(queue => Task.Run(() => RunAsync(queue)))];
    }

    /// <summary>Queues <paramref name="work"/>; completes when its batch has committed (or with its own failure).</summary>
    public Task<T> WriteAsync<T>(string tenantId, string lockKey, Func<StoreSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(tenantId, lockKey, work, SoloWriter<T>.Instance, cancellationToken);

    /// <summary>
    /// Queues <paramref name="item"/> for <paramref name="writer"/>, which writes it together with
    /// the other items queued for it; completes when the batch has committed.
    /// </summary>
    public async Task<TResult> WriteAsync<TItem, TResult>(
        string tenantId, string lockKey, TItem item, BatchWriter<TItem, TResult> writer, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<TItem, TResult>(tenantId, lockKey, item, writer);
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

    /// <summary>
    /// The batch's span when anyone listens (nothing is built otherwise): a trace of its own
    /// linked to each caller's, because a batch has many parents (and the worker may be running
    /// in the context of the call that woke it).
    /// </summary>
    private static Activity? TraceBatch(List<PendingWrite> batch)
    {
        if (!MnemoTracing.Source.HasListeners())
        {
            return null;
        }
        Activity.Current = null;
        var span = MnemoTracing.Source.StartActivity("mnemo.group_commit", ActivityKind.Internal, parentContext: default,
            links: [.. batch.Where(item => item.Caller != default).Select(item => new ActivityLink(item.Caller))]);
        span?.SetTag("mnemo.batch.size", batch.Count);
        return span;
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
            using var span = TraceBatch(ordered);
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
            await _writeTransaction(async (session, token) =>
            {
                var admitted = await AdmitAsync(session, batch, token);
                var locks = LocksOf(admitted);
                var byWriter = admitted.GroupBy(item => item.Writer).ToList();
                if (byWriter.Count > 1)
                {
                    await locks.TakeAsync(session, token);
                }
                foreach (var sameWriter in byWriter)
                {
                    await sameWriter.First().RunTogetherAsync(session, [.. sameWriter], locks, token);
                }
                return true;
            });
            return true;
        }
        catch (Exception exception) when (!_dialect.IsUnavailable(exception))
        {
            return false;
        }
    }

    /// <summary>
    /// The batch item by item, each in its own savepoint, so a bad item fails alone. A lone item
    /// needs no savepoint: its failure fails the transaction, and only its own caller.
    /// </summary>
    private Task<bool> WriteOneByOneAsync(List<PendingWrite> batch) =>
        _writeTransaction(async (session, token) =>
        {
            var admitted = await AdmitAsync(session, batch, token);
            var locks = LocksOf(admitted);
            if (admitted is [var lone])
            {
                await lone.RunAloneAsync(session, locks, token);
                return true;
            }
            // Before the first savepoint: a lock taken inside one would go with its rollback.
            await locks.TakeAsync(session, token);
            foreach (var item in admitted)
            {
                await session.SaveAsync("item", token);
                try
                {
                    await item.RunAloneAsync(session, locks, token);
                    await session.ReleaseAsync("item", token);
                }
#pragma warning disable CA1031 // The item's own failure goes back to its own caller; the batch goes on.
                catch (Exception exception) when (!_dialect.IsUnavailable(exception) && _dialect.LeavesConnectionInStep(exception))
#pragma warning restore CA1031
                {
                    // Only on a connection still in step: a broken one fails the batch, whose
                    // callers were not acknowledged, rather than write the next item on it.
                    await session.RollbackAfterAsync("item", exception, token);
                    item.Failed = exception;
                }
            }
            return true;
        });

    /// <summary>
    /// The batch's items whose tenants this transaction finds placed here and taking writes
    /// (<see cref="TenantFence"/>); the others fail with <see cref="TenantMovingException"/> alone.
    /// </summary>
    private static async Task<List<PendingWrite>> AdmitAsync(StoreSession session, List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        var refused = await TenantFence.RefusedAsync(session, [.. batch.Select(item => item.TenantId).Distinct(StringComparer.Ordinal)], cancellationToken);
        var admitted = new List<PendingWrite>(batch.Count);
        foreach (var item in batch)
        {
            item.Failed = refused.Contains(item.TenantId) ? new TenantMovingException(item.TenantId) : null;
            if (item.Failed is null)
            {
                admitted.Add(item);
            }
        }
        return admitted;
    }

    /// <summary>
    /// The locks of every key in the batch, in the batch's sorted order (PostgreSQL; a
    /// single-writer backend needs none). Per user, they make write order and time order agree
    /// across nodes up to the nodes' clock skew and the lock wait: a batch reads the time before it
    /// sends the locks (see the class remarks for one node).
    /// </summary>
    private KeyLocks LocksOf(List<PendingWrite> batch) => new(_dialect, batch.Select(item => item.LockKey));

    private abstract class PendingWrite(string tenantId, string lockKey)
    {
        public string TenantId { get; } = tenantId;

        public string LockKey { get; } = lockKey;

        /// <summary>The span of the call that queued it (the batch's span links to it).</summary>
        public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

        /// <summary>Items with the same writer are written together.</summary>
        public abstract object Writer { get; }

        public Exception? Failed { get; set; }

        public abstract Task RunAloneAsync(StoreSession session, KeyLocks locks, CancellationToken cancellationToken);

        /// <summary>Writes <paramref name="sameWriter"/> (this item among them) in one go.</summary>
        public abstract Task RunTogetherAsync(StoreSession session, IReadOnlyList<PendingWrite> sameWriter, KeyLocks locks, CancellationToken cancellationToken);

        public abstract void Answer();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<TItem, TResult>(string tenantId, string lockKey, TItem item, BatchWriter<TItem, TResult> writer)
        : PendingWrite(tenantId, lockKey)
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult? _result;

        public Task<TResult> Task => _completion.Task;

        public override object Writer => writer;

        private TItem Item => item;

        public override async Task RunAloneAsync(StoreSession session, KeyLocks locks, CancellationToken cancellationToken) =>
            _result = await writer.WriteOneAsync(session, item, locks, cancellationToken);

        public override async Task RunTogetherAsync(StoreSession session, IReadOnlyList<PendingWrite> sameWriter, KeyLocks locks, CancellationToken cancellationToken)
        {
            var pending = sameWriter.Cast<PendingWrite<TItem, TResult>>().ToList();
            var results = await writer.WriteAllAsync(session, [.. pending.Select(each => each.Item)], locks, cancellationToken);
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
    private sealed class SoloWriter<T> : BatchWriter<Func<StoreSession, CancellationToken, Task<T>>, T>
    {
        public static SoloWriter<T> Instance { get; } = new();

        public override async Task<IReadOnlyList<T>> WriteAllAsync(
            StoreSession session, IReadOnlyList<Func<StoreSession, CancellationToken, Task<T>>> items, KeyLocks locks, CancellationToken cancellationToken)
        {
            await locks.TakeAsync(session, cancellationToken);
            var results = new List<T>(items.Count);
            foreach (var work in items)
            {
                results.Add(await work(session, cancellationToken));
            }
            return results;
        }

        public override async Task<T> WriteOneAsync(
            StoreSession session, Func<StoreSession, CancellationToken, Task<T>> item, KeyLocks locks, CancellationToken cancellationToken)
        {
            await locks.TakeAsync(session, cancellationToken);
            return await item(session, cancellationToken);
        }
    }
}

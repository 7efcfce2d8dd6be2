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
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly MnemoDatabase _database;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task[] _workers;
    private readonly int _maxBatch;

    public GroupCommit(MnemoDatabase database, int workers, int maxBatch, int capacity)
    {
        _database = database;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = workers == 1,
        });
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(RunAsync))];
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
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
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
    /// (false).
    /// </summary>
    private async Task<bool> WriteTogetherAsync(List<PendingWrite> batch)
    {
        try
        {
            await _database.WriteAsync(async (transaction, token) =>
            {
                await LockKeysAsync(transaction, batch, token);
                foreach (var sameWriter in batch.GroupBy(item => item.Writer))
                {
                    await sameWriter.First().RunTogetherAsync(transaction, [.. sameWriter], token);
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
            await LockKeysAsync(transaction, batch, token);
            if (batch is [var lone])
            {
                await lone.RunAloneAsync(transaction, token);
                return true;
            }
            foreach (var item in batch)
            {
                await transaction.SaveAsync("item", token);
                try
                {
                    await item.RunAloneAsync(transaction, token);
                    await transaction.ReleaseAsync("item", token);
                }
#pragma warning disable CA1031 // The item's own failure goes back to its own caller; the batch goes on.
                catch (Exception exception) when (!_database.Dialect.IsUnavailable(exception))
#pragma warning restore CA1031
                {
                    await transaction.RollbackAsync("item", token);
                    item.Failed = exception;
                }
            }
            return true;
        }, CancellationToken.None);

    /// <summary>
    /// Takes the lock of every key in the batch, in order, in one statement before any item runs
    /// (PostgreSQL; a single-writer backend needs none). Per user, that makes write order and time
    /// order agree across nodes: the time is read after the lock.
    /// </summary>
    private async Task LockKeysAsync(DbTransaction transaction, List<PendingWrite> batch, CancellationToken cancellationToken)
    {
        if (_database.Dialect.LockKeysSql is not { } lockSql)
        {
            return;
        }
        var keys = batch.Select(item => item.LockKey).Distinct(StringComparer.Ordinal).ToArray();
        await using var command = _database.Dialect.Command(transaction.Connection!, lockSql, transaction).With("keys", keys);
        await command.ExecuteAsync(cancellationToken);
    }

    private abstract class PendingWrite(string lockKey)
    {
        public string LockKey { get; } = lockKey;

        /// <summary>Items with the same writer are written together.</summary>
        public abstract object Writer { get; }

        public Exception? Failed { get; set; }

        public abstract Task RunAloneAsync(DbTransaction transaction, CancellationToken cancellationToken);

        /// <summary>Writes <paramref name="sameWriter"/> (this item among them) in one go.</summary>
        public abstract Task RunTogetherAsync(DbTransaction transaction, IReadOnlyList<PendingWrite> sameWriter, CancellationToken cancellationToken);

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

        public override async Task RunAloneAsync(DbTransaction transaction, CancellationToken cancellationToken) =>
            _result = await writer.WriteOneAsync(transaction, item, cancellationToken);

        public override async Task RunTogetherAsync(DbTransaction transaction, IReadOnlyList<PendingWrite> sameWriter, CancellationToken cancellationToken)
        {
            var pending = sameWriter.Cast<PendingWrite<TItem, TResult>>().ToList();
            var results = await writer.WriteAllAsync(transaction, [.. pending.Select(each => each.Item)], cancellationToken);
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
            DbTransaction transaction, IReadOnlyList<Func<DbTransaction, CancellationToken, Task<T>>> items, CancellationToken cancellationToken)
        {
            var results = new List<T>(items.Count);
            foreach (var work in items)
            {
                results.Add(await work(transaction, cancellationToken));
            }
            return results;
        }

        public override Task<T> WriteOneAsync(DbTransaction transaction, Func<DbTransaction, CancellationToken, Task<T>> item, CancellationToken cancellationToken) =>
            item(transaction, cancellationToken);
    }
}

using System.Data.Common;
using System.Threading.Channels;

namespace Mnemo.Storage;

/// <summary>
/// Group commit for the append path (DESIGN §8): concurrent writes queue on a bounded channel,
/// and a worker writes whatever is queued as one transaction; when an item fails, the batch is
/// written again with each item inside its own savepoint, so one bad item fails alone. Every
/// caller is answered only after the batch commits. A lone write is not delayed: a worker takes
/// what is there and does not wait for more.
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
    public async Task<T> WriteAsync<T>(string orderKey, Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(orderKey, work);
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
            // A stable order of keys (tenant/user) in every batch on every node: the per-user locks
            // that PostgreSQL appends take are then always taken in the same order, so two batches
            // never deadlock on each other.
            var ordered = batch.OrderBy(item => item.OrderKey, StringComparer.Ordinal).ToList();
            try
            {
                if (!await WriteTogetherAsync(ordered))
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
    /// The fast path: the whole batch with no savepoints, two round trips fewer per item. Items
    /// rarely fail, so when one does the transaction is rolled back and the batch is written
    /// again one savepoint per item (false). A lone item's failure is simply its own.
    /// </summary>
    private async Task<bool> WriteTogetherAsync(List<PendingWrite> batch)
    {
        try
        {
            await _database.WriteAsync(async (transaction, token) =>
            {
                foreach (var item in batch)
                {
                    await item.RunAsync(transaction, token);
                }
                return true;
            }, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (batch.Count > 1 && !_database.Dialect.IsUnavailable(exception))
        {
            return false;
        }
    }

    /// <summary>The batch again, each item in its own savepoint, so a bad item fails alone.</summary>
    private Task<bool> WriteOneByOneAsync(List<PendingWrite> batch) =>
        _database.WriteAsync(async (transaction, token) =>
        {
            foreach (var item in batch)
            {
                await transaction.SaveAsync("item", token);
                try
                {
                    await item.RunAsync(transaction, token);
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

    private abstract class PendingWrite(string orderKey)
    {
        public string OrderKey { get; } = orderKey;

        public Exception? Failed { get; set; }

        public abstract Task RunAsync(DbTransaction transaction, CancellationToken cancellationToken);

        public abstract void Answer();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(string orderKey, Func<DbTransaction, CancellationToken, Task<T>> work) : PendingWrite(orderKey)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(DbTransaction transaction, CancellationToken cancellationToken) =>
            _result = await work(transaction, cancellationToken);

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
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Mnemo.Recall;
using Mnemo.Server.Hosting;
using Mnemo.Server.Observability;

namespace Mnemo.Server.Recall;

/// <summary>
/// Drains the embedding backlog in the background: claims a batch (on PostgreSQL with
/// <c>SKIP LOCKED</c>, so several nodes share the work), embeds it outside any transaction, stores
/// the vectors. A claim is a lease: a batch of a node that died is claimed again when it runs out.
/// Appends nudge it; without a nudge it looks again every two seconds (writes on other nodes).
/// It takes the CPU the API leaves: the model runs on idle-scheduled threads (one call on each,
/// with one ONNX thread, the caller's), and a thread rests after a call during which the API was
/// busy most of the time, for as long as it stays busy; a trickle of appends, or a dashboard
/// polling now and then, does not slow it.
/// </summary>
public sealed partial class EmbeddingIndexer(
    Embeddings embeddings, IRecallStore recall, MnemoMetrics metrics, ApiActivity activity, IdleCpuScheduler idleCpu, TimeProvider timeProvider,
    IOptions<MnemoOptions> options, ILogger<EmbeddingIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);
    private const int CallsPerThread = 16;
    private const int MaxClaim = 512;
    private const int MaxAttempts = 3;
    // A claim's calls under steady load: 32 calls / 2 threads x 5 s, within the lease.
    private static readonly TimeSpan MaxRest = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RestSlice = TimeSpan.FromMilliseconds(250);
    private const double BusyShareToRest = 0.5;
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly EmbeddingOptions _options = options.Value.Embeddings;
    // Bounded whatever the options: a claim must end well within its lease.
    private int ClaimSize => Math.Min(_options.BatchSize * _options.Threads * CallsPerThread, MaxClaim);

    private readonly Lock _waitersGate = new();
    private readonly List<(long After, TaskCompletionSource Empty)> _waiters = [];
    private long _claims;

    /// <summary>Tells the indexer there is new work (it does not wait for its next look).</summary>
    public void Nudge() => _nudges.Writer.TryWrite(true);

    /// <summary>
    /// Completes when a claim begun after this call finds the backlog empty: everything written
    /// before the call has been embedded (or given up). For operators' tooling and tests.
    /// </summary>
    public Task WhenBacklogEmptyAsync(CancellationToken cancellationToken)
    {
        var empty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate)
        {
            _waiters.Add((Interlocked.Read(ref _claims), empty));
        }
        Nudge();
        return empty.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        embeddings.StartLoading();
        if (!embeddings.Enabled || !_options.Indexer)
        {
            return;
        }
        IEmbeddingGenerator<string, Embedding<float>> generator;
        try
        {
            generator = await embeddings.LoadedAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return; // Logged by Embeddings; nothing to index with.
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var indexed = 0;
            var claim = Interlocked.Increment(ref _claims);
            try
            {
                indexed = await IndexBatchAsync(generator, stoppingToken);
                if (indexed == 0)
                {
                    BacklogFoundEmpty(claim);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.EmbeddingFailed();
                LogBatchFailed(logger, exception);
            }
            if (indexed == 0)
            {
                await RecordBacklogAsync(stoppingToken);
                await WaitForWorkAsync(stoppingToken);
            }
        }
    }

    /// <summary>
    /// Embeds one batch of the backlog in the foreground (the command line's reindex): loads the
    /// model if needed; answers how many messages it claimed (0: the backlog is empty).
    /// </summary>
    public async Task<int> IndexOnceAsync(CancellationToken cancellationToken) =>
        await IndexBatchAsync(await embeddings.LoadedAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Embeds one claimed batch; answers how many messages it claimed (0: the backlog is empty).
    /// A model call pads every text to the longest of its call, so the claim (several calls' worth)
    /// is sorted by length first and cut into calls of similar lengths.
    /// </summary>
    private async Task<int> IndexBatchAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken)
    {
        var pending = await recall.ClaimAsync(ClaimSize, Lease, cancellationToken);
        if (pending.Count == 0)
        {
            return 0;
        }
        using var span = Mnemo.Diagnostics.MnemoTracing.Source.StartActivity("mnemo.index_batch");
        span?.SetTag("mnemo.messages", pending.Count);
        var model = embeddings.Model!;
        var calls = new ConcurrentQueue<PendingEmbedding[]>(pending.OrderBy(message => message.Content.Length).Chunk(_options.BatchSize));
        var embedded = await Task.WhenAll(Enumerable.Range(0, _options.Threads).Select(_ => EmbedCallsAsync(generator, model, calls, cancellationToken)));
        metrics.Embedded(await recall.SaveAsync([.. embedded.SelectMany(vectors => vectors)], cancellationToken));
        return pending.Count;
    }

    /// <summary>
    /// One worker of a claim (one a thread): takes the claim's calls in turn. After a call during
    /// which the API was busy most of the time, it rests while the API stays busy (at most
    /// <see cref="MaxRest"/>): under load, requests come first, and on two cores an idle-scheduled
    /// model still slows them (it shares caches, and a core's other hardware thread).
    /// </summary>
    private async Task<List<MessageVector>> EmbedCallsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string model, ConcurrentQueue<PendingEmbedding[]> calls, CancellationToken cancellationToken)
    {
        var vectors = new List<MessageVector>();
        while (calls.TryDequeue(out var call))
        {
            var since = activity.Read();
            vectors.AddRange(await EmbedCallAsync(generator, model, call, cancellationToken));
            if (!calls.IsEmpty && activity.BusyShare(since) >= BusyShareToRest)
            {
                await RestWhileBusyAsync(cancellationToken);
            }
        }
        return vectors;
    }

    private async Task<IEnumerable<MessageVector>> EmbedCallAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string model, PendingEmbedding[] call, CancellationToken cancellationToken)
    {
        try
        {
            return await EmbedAsync(generator, model, call, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // One message must not hold up its neighbours: each is tried alone.
            LogBatchFailed(logger, exception);
            var vectors = new List<MessageVector>();
            foreach (var message in call)
            {
                vectors.AddRange(await EmbedAloneAsync(generator, model, message, cancellationToken));
            }
            return vectors;
        }
    }

    private async Task<IEnumerable<MessageVector>> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string model, PendingEmbedding[] call, CancellationToken cancellationToken)
    {
        // The model runs on an idle-priority thread (with one ONNX thread, on that thread itself).
        var embedded = await idleCpu.RunAsync(
            () => generator.GenerateAsync(call.Select(message => message.Content), cancellationToken: cancellationToken).GetAwaiter().GetResult(), cancellationToken);
        return call.Select((message, i) => new MessageVector(message.TenantId, message.MessageId, message.EditedAt, model, UnitVectors.Of(embedded[i].Vector.Span)));
    }

    /// <summary>
    /// One message alone. When it fails again, it stays claimed until its lease runs out, and after
    /// <see cref="MaxAttempts"/> claims it leaves the backlog without a vector (logged, counted).
    /// </summary>
    private async Task<IEnumerable<MessageVector>> EmbedAloneAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string model, PendingEmbedding message, CancellationToken cancellationToken)
    {
        try
        {
            return await EmbedAsync(generator, model, [message], cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.EmbeddingFailed();
            if (message.Attempts >= MaxAttempts)
            {
                LogGaveUp(logger, exception, message.TenantId, message.MessageId, message.Attempts);
                await recall.GiveUpAsync([message], cancellationToken);
            }
            return [];
        }
    }

    /// <summary>Rests in short slices while the API stays busy, at most <see cref="MaxRest"/>.</summary>
    private async Task RestWhileBusyAsync(CancellationToken cancellationToken)
    {
        for (var rested = TimeSpan.Zero; rested < MaxRest; rested += RestSlice)
        {
            var since = activity.Read();
            await Task.Delay(RestSlice, timeProvider, cancellationToken);
            if (activity.BusyShare(since) < BusyShareToRest)
            {
                return;
            }
        }
    }

    /// <summary>Answers the waiters registered before claim number <paramref name="claim"/> began.</summary>
    private void BacklogFoundEmpty(long claim)
    {
        lock (_waitersGate)
        {
            foreach (var waiter in _waiters.Where(waiter => waiter.After < claim))
            {
                waiter.Empty.TrySetResult();
            }
            _waiters.RemoveAll(waiter => waiter.After < claim);
        }
    }

    private async Task RecordBacklogAsync(CancellationToken stoppingToken)
    {
        try
        {
            metrics.EmbeddingBacklog(await recall.CountPendingAsync(stoppingToken));
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, exception);
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _nudges.Reader.WaitToReadAsync(stoppingToken).AsTask().WaitAsync(IdlePoll, stoppingToken);
            _nudges.Reader.TryRead(out _);
        }
        catch (TimeoutException)
        {
            // Nothing here; look at the store again for writes of other nodes.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of tenant {TenantId} could not be embedded in {Attempts} claims; it is left without a vector")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string tenantId, Guid messageId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An embedding batch failed; its messages are claimed again when their lease runs out")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);
}

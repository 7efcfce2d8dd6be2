using System.Collections.Concurrent;
using Mnemo.ApiKeys;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.ApiKeys;

/// <summary>
/// Keeps the newest use of each key in memory and writes them all in one transaction at an
/// interval, so authentication never writes per request.
/// </summary>
public sealed class ApiKeyUsageTracker
{
    private readonly ConcurrentDictionary<(string TenantId, Guid KeyId), DateTimeOffset> _pending = new();

    /// <summary>Notes that a key was used.</summary>
    public void Record(ApiKeyUsage usage) =>
        _pending.AddOrUpdate((usage.TenantId, usage.KeyId), usage.UsedAt, (_, previous) => previous > usage.UsedAt ? previous : usage.UsedAt);

    /// <summary>Takes every pending use, leaving none.</summary>
    public IReadOnlyList<ApiKeyUsage> Drain()
    {
        var drained = new List<ApiKeyUsage>(_pending.Count);
        foreach (var key in _pending.Keys)
        {
            if (_pending.TryRemove(key, out var usedAt))
            {
                drained.Add(new ApiKeyUsage(key.TenantId, key.KeyId, usedAt));
            }
        }
        return drained;
    }
}

/// <summary>Writes the tracked key uses every <see cref="MnemoOptions.KeyUsageFlushInterval"/>, and once more on shutdown.</summary>
public sealed partial class ApiKeyUsageFlusher(
    ApiKeyUsageTracker tracker, IApiKeyStore keys, ServerSettings settings, TimeProvider timeProvider, ILogger<ApiKeyUsageFlusher> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Options.KeyUsageFlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final flush below runs in StopAsync.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes what has been tracked so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var usages = tracker.Drain();
        try
        {
            await keys.RecordUsageAsync(usages, cancellationToken);
        }
#pragma warning disable CA1031 // Last-used times are advisory: a failed flush must not stop the server.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFlushFailed(logger, exception, usages.Count);
            foreach (var usage in usages)
            {
                tracker.Record(usage);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record last-used times of {Count} API keys; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}

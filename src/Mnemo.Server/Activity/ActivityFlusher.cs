using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.Server.Hosting;
using Mnemo.Users;

namespace Mnemo.Server.Activity;

/// <summary>Writes the tracked key uses and user activity every <see cref="MnemoOptions.ActivityFlushInterval"/>, and once more on shutdown.</summary>
public sealed partial class ActivityFlusher(
    ActivityTracker tracker, IApiKeyStore keys, IUserStore users, IOptions<MnemoOptions> options, TimeProvider timeProvider, ILogger<ActivityFlusher> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ActivityFlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final flush runs in StopAsync.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes what has been tracked so far; on failure keeps it for the next round.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var keyUses = tracker.DrainKeyUses();
        var userActivity = tracker.DrainUserActivity();
        try
        {
            await keys.RecordUsageAsync(keyUses, cancellationToken);
            await users.RecordActivityAsync(userActivity, cancellationToken);
        }
#pragma warning disable CA1031 // Last-used and last-seen times are advisory: a failed flush must not stop the server.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFlushFailed(logger, exception, keyUses.Count + userActivity.Count);
            foreach (var usage in keyUses)
            {
                tracker.KeyUsed(usage);
            }
            foreach (var activity in userActivity)
            {
                tracker.UserSeen(activity);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Count} last-used/last-seen times; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}

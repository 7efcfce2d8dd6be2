using Microsoft.Extensions.Options;
using Mnemo.Retention;
using Mnemo.Server.Hosting;

namespace Mnemo.Server.Retention;

/// <summary>Runs a retention pass every <see cref="RetentionOptions.Interval"/>; the lease lets one node at a time do it.</summary>
public sealed partial class RetentionWorker(
    IRetentionEngine engine, IOptions<MnemoOptions> options, Observability.MnemoMetrics metrics, TimeProvider timeProvider, ILogger<RetentionWorker> logger)
    : BackgroundService
{
    /// <summary>This node's name as a lease holder.</summary>
    public static string NodeId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Retention.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Retention.Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    using var span = Mnemo.Diagnostics.MnemoTracing.Source.StartActivity("mnemo.retention_pass");
                    if (await engine.RunPassAsync(NodeId, stoppingToken) is { } counts)
                    {
                        metrics.RetentionPass(counts);
                        LogPass(logger, counts.Messages, counts.Events, counts.Participants, counts.ConversationsArchived);
                    }
                }
#pragma warning disable CA1031 // A failed pass is retried at the next tick; the worker must not die.
                catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    LogFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention pass: {Messages} messages, {Events} events, {Participants} participants deleted; {Archived} conversations archived")]
    private static partial void LogPass(ILogger logger, long messages, long events, long participants, long archived);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mnemo.Storage;

/// <summary>
/// The store's instruments, on a process-wide meter (the stores are built without a host):
/// command durations by backend and kind, and schema migrations applied.
/// </summary>
public static class StoreMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Mnemo.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "mnemo_store_command_duration_seconds", unit: "s", description: "Store command duration by backend and kind (read, write, scalar)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Counter<long> MigrationsApplied = Meter.CreateCounter<long>(
        "mnemo_schema_migrations_applied_total", description: "Schema migrations applied by this process");

    /// <summary>Records a command that started at <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Command(string backend, string kind, long startedTimestamp) =>
        CommandDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A migration was applied.</summary>
    public static void MigrationApplied() => MigrationsApplied.Add(1);
}

using System.Diagnostics.Metrics;

namespace Mnemo.Server.Observability;

/// <summary>
/// Mnemo's instruments, with seed 003's names so its dashboards keep working. Exported at
/// <c>/metrics</c> once the exporter lands; recorded from now on.
/// </summary>
public sealed class MnemoMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Mnemo";

    private readonly Meter _meter;
    private readonly Counter<long> _profileReads;
    private readonly Counter<long> _profileWrites;
    private readonly Counter<long> _memoryEvents;
    private readonly Counter<long> _compressions;
    private readonly Histogram<double> _compressionDuration;
    private readonly Counter<long> _tasks;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public MnemoMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _profileReads = _meter.CreateCounter<long>("user_profile_reads_total", description: "Total user profile reads from repository");
        _profileWrites = _meter.CreateCounter<long>("user_profile_writes_total", description: "Total user profile writes to repository");
        _memoryEvents = _meter.CreateCounter<long>("user_memory_events_total", description: "Total memory events appended");
        _compressions = _meter.CreateCounter<long>("user_memory_compressions_total", description: "Total memory compressions performed");
        _compressionDuration = _meter.CreateHistogram<double>("user_memory_compression_duration_seconds", unit: "s",
            description: "Memory compression duration in seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1.0, 2.0, 5.0, 10.0] });
        _tasks = _meter.CreateCounter<long>("mnemo_tasks_total", description: "Task queue events by task type and outcome");
    }

    /// <summary>A task was created, claimed, completed, failed or died.</summary>
    public void TaskEvent(string taskType, string outcome) =>
        _tasks.Add(1, new KeyValuePair<string, object?>("type", taskType), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A profile was read.</summary>
    public void ProfileRead() => _profileReads.Add(1);

    /// <summary>A profile was written.</summary>
    public void ProfileWritten() => _profileWrites.Add(1);

    /// <summary>Memory events (messages) were appended.</summary>
    public void MemoryEventsAppended(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
        {
            _memoryEvents.Add(1, new KeyValuePair<string, object?>("role", role));
        }
    }

    /// <summary>A compression finished after <paramref name="duration"/>.</summary>
    public void Compressed(TimeSpan duration)
    {
        _compressions.Add(1);
        _compressionDuration.Record(duration.TotalSeconds);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;

namespace Mnemo.Server.Observability;

/// <summary>
/// Mnemo's instruments, with seed 003's names so its dashboards keep working; exported at
/// <c>/metrics</c> and over OTLP (<see cref="OpenTelemetrySetup"/>).
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
    private readonly Counter<long> _httpRequests;
    private readonly Histogram<double> _httpDuration;
    private readonly Counter<long> _messagesAppended;
    private readonly Counter<long> _retentionRows;
    private readonly Counter<long> _migrations;
    private readonly Counter<long> _embeddings;
    private readonly Counter<long> _embeddingErrors;
    private readonly Gauge<long> _embeddingBacklog;

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
        _httpRequests = _meter.CreateCounter<long>("mnemo_http_requests_total", description: "HTTP requests by method, route template and status");
        _httpDuration = _meter.CreateHistogram<double>("mnemo_http_request_duration_seconds", unit: "s", description: "HTTP request duration by method and route template",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _messagesAppended = _meter.CreateCounter<long>("mnemo_messages_appended_total", description: "Messages appended by role");
        _retentionRows = _meter.CreateCounter<long>("mnemo_retention_rows_total", description: "Rows removed or conversations archived by retention, by kind");
        _migrations = _meter.CreateCounter<long>("mnemo_user_migrations_total", description: "Migration calls answered with a migration (a repeated call counts again)");
        _embeddings = _meter.CreateCounter<long>("mnemo_embeddings_total", description: "Messages embedded by the recall indexer (its rate is embeddings per second)");
        _embeddingErrors = _meter.CreateCounter<long>("mnemo_embedding_errors_total", description: "Recall indexer batches that failed (their messages are retried)");
        _embeddingBacklog = _meter.CreateGauge<long>("mnemo_embedding_backlog", description: "Messages waiting to be embedded, all tenants, as this node's indexer last saw");
    }

    /// <summary>An HTTP request finished. <paramref name="route"/> is the template, never the raw path (no ids in labels).</summary>
    public void HttpRequest(string method, string route, int status, TimeSpan duration)
    {
        var methodTag = new KeyValuePair<string, object?>("method", method);
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _httpRequests.Add(1, methodTag, routeTag, new KeyValuePair<string, object?>("status", status));
        _httpDuration.Record(duration.TotalSeconds, methodTag, routeTag);
    }

    /// <summary>The indexer stored the vectors of <paramref name="count"/> messages.</summary>
    public void Embedded(int count) => _embeddings.Add(count);

    /// <summary>The indexer counted the backlog.</summary>
    public void EmbeddingBacklog(long pending) => _embeddingBacklog.Record(pending);

    /// <summary>An indexer batch failed.</summary>
    public void EmbeddingFailed() => _embeddingErrors.Add(1);

    /// <summary>Messages were appended.</summary>
    public void MessagesAppended(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
        {
            _messagesAppended.Add(1, new KeyValuePair<string, object?>("role", role));
        }
    }

    /// <summary>A retention pass finished.</summary>
    public void RetentionPass(Mnemo.Retention.RetentionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var (kind, rows) in new[]
        {
            ("messages", counts.Messages), ("events", counts.Events), ("participants", counts.Participants),
            ("participant_messages", counts.ParticipantMessages), ("conversations_archived", counts.ConversationsArchived),
        })
        {
            _retentionRows.Add(rows, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>A participant was migrated.</summary>
    public void UserMigrated() => _migrations.Add(1);

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

namespace Mnemo.Tasks;

/// <summary>
/// The durable task queue. Exactly one worker holds a task at a time: PostgreSQL claims with
/// <c>FOR UPDATE SKIP LOCKED</c>, SQLite under its single writer; each claim issues a new
/// lease token that completion, failure and heartbeats must match.
/// </summary>
public interface ITaskStore
{
    /// <summary>Queues a task; null when its dedupe key already has an open task.</summary>
    Task<QueuedTask?> CreateAsync(string tenantId, NewTask task, CancellationToken cancellationToken);

    /// <summary>The task created with <paramref name="idempotencyKey"/>, if any.</summary>
    Task<QueuedTask?> FindByIdempotencyKeyAsync(string tenantId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The task, or null.</summary>
    Task<QueuedTask?> GetAsync(string tenantId, Guid taskId, CancellationToken cancellationToken);

    /// <summary>Changes a pending task.</summary>
    Task<TaskChange> UpdateAsync(string tenantId, Guid taskId, TaskUpdate update, CancellationToken cancellationToken);

    /// <summary>Deletes a task that no worker holds.</summary>
    Task<TaskChange> DeleteAsync(string tenantId, Guid taskId, CancellationToken cancellationToken);

    /// <summary>Tasks by priority then due time.</summary>
    Task<IReadOnlyList<QueuedTask>> ListAsync(string tenantId, TaskQuery query, CancellationToken cancellationToken);

    /// <summary>Claims one task by id; conflict when another worker holds it or it is finished.</summary>
    Task<TaskChange> ClaimAsync(string tenantId, Guid taskId, string workerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="max"/> due tasks of <paramref name="taskTypes"/> (any type when empty).</summary>
    Task<IReadOnlyList<QueuedTask>> ClaimNextAsync(
        string tenantId, IReadOnlyList<string> taskTypes, string workerId, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>Extends the holder's lease.</summary>
    Task<TaskChange> HeartbeatAsync(string tenantId, Guid taskId, TaskHolder holder, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Completes the holder's task with <paramref name="resultJson"/>.</summary>
    Task<TaskChange> CompleteAsync(string tenantId, Guid taskId, TaskHolder holder, string resultJson, CancellationToken cancellationToken);

    /// <summary>Fails the holder's task: back to pending after a backoff, or dead after <c>max_attempts</c>.</summary>
    Task<TaskChange> FailAsync(string tenantId, Guid taskId, TaskHolder holder, string errorMessage, CancellationToken cancellationToken);
}

/// <summary>A task to queue.</summary>
public sealed record NewTask
{
    /// <summary>What kind of work.</summary>
    public required string TaskType { get; init; }

    /// <summary>Input, a JSON object.</summary>
    public required string RequestJson { get; init; }

    /// <summary>Template, a JSON object, or null.</summary>
    public string? TemplateJson { get; init; }

    /// <summary>Name/value labels the queue can be filtered by.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The user it concerns.</summary>
    public string? UserId { get; init; }

    /// <summary>At most one open task per key.</summary>
    public string? DedupeKey { get; init; }

    /// <summary>The client's <c>Idempotency-Key</c>: a create retried with it returns the first task.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Higher first.</summary>
    public int Priority { get; init; }

    /// <summary>Claims allowed.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Not before.</summary>
    public DateTimeOffset? AvailableAt { get; init; }
}

/// <summary>A change to a pending task: null members keep their value.</summary>
public sealed record TaskUpdate(string? RequestJson, string? TemplateJson, IReadOnlyDictionary<string, string>? Tags, int? Priority, int? MaxAttempts, DateTimeOffset? AvailableAt);

/// <summary>Which tasks to list.</summary>
public sealed record TaskQuery(string? Status, string? TaskType, string? TagName, string? TagValue, int Limit, int Offset);

/// <summary>Who claims to hold a task: the worker and, optionally, the lease token of its claim.</summary>
public sealed record TaskHolder(string WorkerId, string? LeaseToken);

/// <summary>The outcome of a change to one task.</summary>
public sealed record TaskChange(TaskOutcome Outcome, QueuedTask? Task)
{
    /// <summary>No such task.</summary>
    public static TaskChange NotFound { get; } = new(TaskOutcome.NotFound, null);
}

/// <summary>How a change to one task went.</summary>
public enum TaskOutcome
{
    /// <summary>The change was made.</summary>
    Changed,

    /// <summary>No such task.</summary>
    NotFound,

    /// <summary>The task is not in a state that allows it, or the caller does not hold it.</summary>
    Conflict,
}

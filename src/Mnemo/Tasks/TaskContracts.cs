using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Mnemo.Validation;

namespace Mnemo.Tasks;

/// <summary>Body of <c>POST /api/v1/tasks</c> (seed 002's fields, plus scheduling).</summary>
public sealed record CreateTaskRequest : IValidatable
{
    /// <summary>What kind of work.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? TaskType { get; init; }

    /// <summary>Input, a JSON object.</summary>
    [Required]
    public JsonElement? Request { get; init; }

    /// <summary>How to do it, a JSON object.</summary>
    public JsonElement? Template { get; init; }

    /// <summary>Labels, name to value.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The user the task concerns, so erasure removes it with them.</summary>
    [RegularExpression(Identifiers.UserIdSchemaPattern)]
    public string? UserId { get; init; }

    /// <summary>Higher is claimed first (default 0).</summary>
    [Range(-1000, 1000)]
    public int? Priority { get; init; }

    /// <summary>Claims allowed before the task is dead (default 5).</summary>
    [Range(1, 100)]
    public int? MaxAttempts { get; init; }

    /// <summary>Not claimed before this time.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(TaskType, "task_type", errors, required: true);
        if (Request is null || Request.Value.ValueKind == JsonValueKind.Null)
        {
            errors.Add("request", "is required");
        }
        TaskFields.Validate(Request, Template, Tags, Priority, MaxAttempts, errors);
        if (UserId is not null && !Identifiers.IsUserId(UserId))
        {
            errors.Add("user_id", Identifiers.UserIdRule);
        }
    }
}

/// <summary>Body of <c>PUT /api/v1/tasks/{task_id}</c>: changes a pending task; absent fields keep their value.</summary>
public sealed record UpdateTaskRequest : IValidatable
{
    /// <summary>The new request document; unchanged when null.</summary>
    public JsonElement? Request { get; init; }

    /// <summary>The new template document; unchanged when null.</summary>
    public JsonElement? Template { get; init; }

    /// <summary>Labels (replace).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The new priority (higher is claimed first); unchanged when null.</summary>
    [Range(-1000, 1000)]
    public int? Priority { get; init; }

    /// <summary>Claims allowed.</summary>
    [Range(1, 100)]
    public int? MaxAttempts { get; init; }

    /// <summary>Not before.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors) => TaskFields.Validate(Request, Template, Tags, Priority, MaxAttempts, errors);
}

/// <summary>Body of <c>POST /api/v1/tasks/{task_id}/claim</c>.</summary>
public sealed record ClaimTaskRequest : IValidatable
{
    /// <summary>Who claims.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? WorkerId { get; init; }

    /// <summary>How long the lease lasts (default 60 s).</summary>
    [Range(1, TaskFields.MaxLeaseSeconds)]
    public int? LeaseSeconds { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors) => TaskFields.ValidateWorker(WorkerId, LeaseSeconds, errors);
}

/// <summary>Body of <c>POST /api/v1/tasks/claim</c>: claim the next due tasks.</summary>
public sealed record ClaimNextTasksRequest : IValidatable
{
    /// <summary>Only these types (any when absent or empty).</summary>
    [MaxLength(20)]
    public IReadOnlyList<string>? TaskTypes { get; init; }

    /// <summary>Who claims.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? WorkerId { get; init; }

    /// <summary>How long the leases last (default 60 s).</summary>
    [Range(1, TaskFields.MaxLeaseSeconds)]
    public int? LeaseSeconds { get; init; }

    /// <summary>How many at most (default 1, at most 100).</summary>
    [Range(1, Limits.MaxBatch)]
    public int? Max { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        TaskFields.ValidateWorker(WorkerId, LeaseSeconds, errors);
        if (Max is < 1 or > Limits.MaxBatch)
        {
            errors.Add("max", $"must be between 1 and {Limits.MaxBatch}");
        }
        if (TaskTypes is { Count: > 20 })
        {
            errors.Add("task_types", "must name at most 20 types");
        }
    }
}

/// <summary>Body of heartbeat, complete and fail: who holds the task, and what happened.</summary>
public sealed record TaskHolderRequest : IValidatable
{
    /// <summary>The worker that claimed it.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? WorkerId { get; init; }

    /// <summary>The claim's lease token; when sent it must be the current one.</summary>
    public string? LeaseToken { get; init; }

    /// <summary>Heartbeat: the new lease length (default 60 s).</summary>
    [Range(1, TaskFields.MaxLeaseSeconds)]
    public int? LeaseSeconds { get; init; }

    /// <summary>Complete: the result, a JSON object.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Fail: what went wrong.</summary>
    [StringLength(4096)]
    public string? Error { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        TaskFields.ValidateWorker(WorkerId, LeaseSeconds, errors);
        Limits.CheckMetadata(Result, "result", errors);
        if (Error is { Length: > 4096 })
        {
            errors.Add("error", "must be at most 4096 characters");
        }
    }
}

/// <summary>A list of tasks.</summary>
public sealed record TaskListResponse
{
    /// <summary>The tasks.</summary>
    public required IReadOnlyList<QueuedTask> Tasks { get; init; }

    /// <summary>The next page's cursor (lists), or null.</summary>
    public string? NextCursor { get; init; }
}

internal static class TaskFields
{
    public const int MaxLeaseSeconds = 24 * 60 * 60;

    public static void Validate(
        JsonElement? request, JsonElement? template, IReadOnlyDictionary<string, string>? tags, int? priority, int? maxAttempts, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckMetadata(request, "request", errors);
        Limits.CheckMetadata(template, "template", errors);
        if (tags is { Count: > 32 })
        {
            errors.Add("tags", "must hold at most 32 tags");
        }
        foreach (var (name, value) in tags ?? new Dictionary<string, string>())
        {
            if (name.Length is 0 or > 64 || value is null || value.Length > 256)
            {
                errors.Add($"tags.{name}", "names are 1 to 64 characters, values at most 256");
            }
        }
        if (priority is < -1000 or > 1000)
        {
            errors.Add("priority", "must be between -1000 and 1000");
        }
        if (maxAttempts is < 1 or > 100)
        {
            errors.Add("max_attempts", "must be between 1 and 100");
        }
    }

    public static void ValidateWorker(string? workerId, int? leaseSeconds, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(workerId, "worker_id", errors, required: true);
        if (leaseSeconds is < 1 or > MaxLeaseSeconds)
        {
            errors.Add("lease_seconds", $"must be between 1 and {MaxLeaseSeconds}");
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mnemo.Tasks;

/// <summary>A task in the durable queue (seed 002's task repository).</summary>
public sealed record QueuedTask
{
    /// <summary>The task's id (UUIDv7), <c>task_id</c> on the wire as in the seed.</summary>
    [JsonPropertyName("task_id")]
    public required Guid Id { get; init; }

    /// <summary>What kind of work, e.g. <c>GENERATIVE</c> or <c>summarize</c>.</summary>
    public required string TaskType { get; init; }

    /// <summary>The work's input.</summary>
    public required JsonElement Request { get; init; }

    /// <summary>How to do it (seed 002's template), if given.</summary>
    public JsonElement? Template { get; init; }

    /// <summary>Labels, name to value.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>The user the task concerns (erasure removes it with them).</summary>
    public string? UserId { get; init; }

    /// <summary><c>pending</c>, <c>claimed</c>, <c>completed</c> or <c>dead</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Higher is claimed first.</summary>
    public required int Priority { get; init; }

    /// <summary>Claims so far.</summary>
    public required int Attempts { get; init; }

    /// <summary>Claims allowed before the task is dead.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>Not claimed before this time (retry backoff, delayed tasks).</summary>
    public required DateTimeOffset AvailableAt { get; init; }

    /// <summary>Who holds the lease.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The fencing token of the current claim; it changes with every claim.</summary>
    public string? LeaseToken { get; init; }

    /// <summary>When the lease runs out.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>What completion reported.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The last failure's message.</summary>
    public string? LastError { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>Task states.</summary>
public static class TaskStatuses
{
    /// <summary>Waiting to be claimed.</summary>
    public const string Pending = "pending";

    /// <summary>Held by a worker under a lease.</summary>
    public const string Claimed = "claimed";

    /// <summary>Finished by its holder, with a result.</summary>
    public const string Completed = "completed";

    /// <summary>Failed <c>max_attempts</c> times.</summary>
    public const string Dead = "dead";

    /// <summary>True for a known state.</summary>
    public static bool IsKnown(string? status) => status is Pending or Claimed or Completed or Dead;
}

/// <summary>Task types Mnemo itself queues.</summary>
public static class TaskTypes
{
    /// <summary>Summarise a user's history; complete with <c>{"summary": "..."}</c>.</summary>
    public const string Summarize = "summarize";
}

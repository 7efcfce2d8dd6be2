using System.Globalization;
using Mnemo.Json;
using Mnemo.Tasks;

namespace Mnemo.Client;

/// <summary><c>/api/v1/tasks</c>: seed 002's task repository as a leased queue.</summary>
public sealed class TasksClient
{
    private readonly MnemoClient _client;

    internal TasksClient(MnemoClient client) => _client = client;

    /// <summary>Queues a task.</summary>
    public Task<QueuedTask> CreateAsync(CreateTaskRequest request, CancellationToken cancellationToken = default) =>
        CreateAsync(request, idempotencyKey: null, cancellationToken);

    /// <summary>
    /// Queues a task; with <paramref name="idempotencyKey"/> a retried create (this client retries
    /// it on a lost connection or a 503) returns the task the first one made.
    /// </summary>
    public Task<QueuedTask> CreateAsync(CreateTaskRequest request, string? idempotencyKey, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/tasks", MnemoClient.Json(request, MnemoJsonContext.Default.CreateTaskRequest),
            MnemoJsonContext.Default.QueuedTask, cancellationToken, idempotencyKey is null ? null : headers => headers.Add("Idempotency-Key", idempotencyKey));

    /// <summary>One task.</summary>
    public Task<QueuedTask> GetAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/tasks/{taskId}", null, MnemoJsonContext.Default.QueuedTask, cancellationToken);

    /// <summary>Changes a pending task.</summary>
    public Task<QueuedTask> UpdateAsync(Guid taskId, UpdateTaskRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"api/v1/tasks/{taskId}", MnemoClient.Json(request, MnemoJsonContext.Default.UpdateTaskRequest),
            MnemoJsonContext.Default.QueuedTask, cancellationToken);

    /// <summary>Deletes a task no worker holds.</summary>
    public Task DeleteAsync(Guid taskId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"api/v1/tasks/{taskId}", null, cancellationToken);

    /// <summary>Tasks by priority then due time; <paramref name="tag"/> is <c>name</c> or <c>name:value</c>.</summary>
    public Task<TaskListResponse> ListAsync(
        string? status = null, string? taskType = null, string? tag = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/tasks", ("status", status), ("task_type", taskType), ("tag", tag),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.TaskListResponse, cancellationToken);

    /// <summary>Claims one task; fails with 409 when another worker holds it.</summary>
    public Task<QueuedTask> ClaimAsync(Guid taskId, ClaimTaskRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"api/v1/tasks/{taskId}/claim", MnemoClient.Json(request, MnemoJsonContext.Default.ClaimTaskRequest),
            MnemoJsonContext.Default.QueuedTask, cancellationToken);

    /// <summary>Claims the next due tasks; an empty list when none is pending.</summary>
    public Task<TaskListResponse> ClaimNextAsync(ClaimNextTasksRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/tasks/claim", MnemoClient.Json(request, MnemoJsonContext.Default.ClaimNextTasksRequest),
            MnemoJsonContext.Default.TaskListResponse, cancellationToken);

    /// <summary>Extends the lease of a held task.</summary>
    public Task<QueuedTask> HeartbeatAsync(Guid taskId, TaskHolderRequest request, CancellationToken cancellationToken = default) =>
        Send(taskId, "heartbeat", request, cancellationToken);

    /// <summary>Completes a held task with <c>result</c> (a <c>summarize</c> task with <c>{"summary": "..."}</c>).</summary>
    public Task<QueuedTask> CompleteAsync(Guid taskId, TaskHolderRequest request, CancellationToken cancellationToken = default) =>
        Send(taskId, "complete", request, cancellationToken);

    /// <summary>Fails a held task: retried after a backoff, or dead after <c>max_attempts</c>.</summary>
    public Task<QueuedTask> FailAsync(Guid taskId, TaskHolderRequest request, CancellationToken cancellationToken = default) =>
        Send(taskId, "fail", request, cancellationToken);

    private Task<QueuedTask> Send(Guid taskId, string action, TaskHolderRequest request, CancellationToken cancellationToken) =>
        _client.SendAsync(HttpMethod.Post, $"api/v1/tasks/{taskId}/{action}", MnemoClient.Json(request, MnemoJsonContext.Default.TaskHolderRequest),
            MnemoJsonContext.Default.QueuedTask, cancellationToken);
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Json;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Observability;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Server.Validation;
using Mnemo.Tasks;

namespace Mnemo.Server.Tasks;

/// <summary>Seed 002's task repository, at the seed's paths, as a leased queue.</summary>
public static class TaskEndpoints
{
    private static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(60);

    /// <summary>Maps <c>/api/v1/tasks</c>.</summary>
    public static RouteGroupBuilder MapTasks(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/tasks", "Tasks");
        writes.MapPost("/", CreateAsync).Accepts<CreateTaskRequest>("application/json");
        reads.MapGet("/", ListAsync);
        writes.MapPost("/claim", ClaimNextAsync).Accepts<ClaimNextTasksRequest>("application/json");
        reads.MapGet("/{task_id}", GetAsync);
        writes.MapPut("/{task_id}", UpdateAsync).Accepts<UpdateTaskRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapDelete("/{task_id}", DeleteAsync).ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/{task_id}/claim", ClaimAsync).Accepts<ClaimTaskRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/{task_id}/heartbeat", HeartbeatAsync).Accepts<TaskHolderRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/{task_id}/complete", CompleteAsync).Accepts<TaskHolderRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/{task_id}/fail", FailAsync).Accepts<TaskHolderRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<QueuedTask>, Ok<QueuedTask>>> CreateAsync(
        TenantScope scope, JsonBody<CreateTaskRequest> body, [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
        ITaskStore tasks, MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        var request = body.Value;
        // A retry of a create that went through (seed 002) answers with the task it made.
        if (IdempotencyKeys.Checked(idempotencyKey) is { } key && await tasks.FindByIdempotencyKeyAsync(scope.TenantId, key, cancellationToken) is { } earlier)
        {
            return TypedResults.Ok(earlier);
        }
        var created = await tasks.CreateAsync(scope.TenantId, new NewTask
        {
            IdempotencyKey = idempotencyKey,
            TaskType = request.TaskType!,
            RequestJson = JsonObjects.ToStored(request.Request),
            TemplateJson = request.Template is { ValueKind: not System.Text.Json.JsonValueKind.Null } template ? template.GetRawText() : null,
            Tags = request.Tags ?? new Dictionary<string, string>(),
            UserId = request.UserId,
            Priority = request.Priority ?? 0,
            MaxAttempts = request.MaxAttempts ?? 5,
            AvailableAt = request.AvailableAt,
        }, cancellationToken);
        if (created is null && idempotencyKey is not null)
        {
            // A twin with the same key was created in between.
            return TypedResults.Ok((await tasks.FindByIdempotencyKeyAsync(scope.TenantId, idempotencyKey, cancellationToken))!);
        }
        metrics.TaskEvent(created!.TaskType, "created");
        return TypedResults.Created($"/api/v1/tasks/{created.Id}", created);
    }

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string task_id, ITaskStore tasks, CancellationToken cancellationToken) =>
        Guid.TryParse(task_id, out var id) && await tasks.GetAsync(scope.TenantId, id, cancellationToken) is { } task
            ? TypedResults.Ok(task)
            : TaskNotFound(task_id);

    private static async Task<Ok<TaskListResponse>> ListAsync(
        TenantScope scope, string? status, string? task_type, string? tag, [AsParameters] PageRequest request, ITaskStore tasks, Pages pages,
        CancellationToken cancellationToken)
    {
        if (status is not null && status != AllStatuses && !TaskStatuses.IsKnown(status))
        {
            throw ApiProblems.InvalidField("status", "must be pending, claimed, completed, dead or all");
        }
        // Seed 002: without a status, the queue's pending tasks; status=all lists every task.
        status ??= TaskStatuses.Pending;
        // A queue listing is ordered by priority and time, which change: it is read by offset.
        var window = pages.Open(request, new PageScope($"tasks?status={status}&task_type={task_type}&tag={tag}", scope.TenantId));
        var statusFilter = status == AllStatuses ? null : status;
        var offset = 0;
        if (window.After is { } after && !Positions.TryOffset(after, out offset))
        {
            throw ApiProblems.InvalidCursor();
        }
        // tag=name:value matches that value; tag=name matches any task carrying the tag.
        var colon = tag?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var (tagName, tagValue) = tag is null ? (null, null) : colon < 0 ? (tag, null) : (tag[..colon], tag[(colon + 1)..]);
        var fetched = await tasks.ListAsync(scope.TenantId, new TaskQuery(statusFilter, task_type, tagName, tagValue, window.FetchSize, offset), cancellationToken);
        var page = pages.Cut(window, fetched, _ => Positions.Offset(offset + window.Size));
        return TypedResults.Ok(new TaskListResponse { Tasks = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string task_id, JsonBody<UpdateTaskRequest> body, ITaskStore tasks, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(task_id, out var id))
        {
            return TaskNotFound(task_id);
        }
        var request = body.Value;
        var update = new TaskUpdate(
            request.Request is { } input ? JsonObjects.ToStored(input) : null,
            request.Template is { ValueKind: not System.Text.Json.JsonValueKind.Null } template ? template.GetRawText() : null,
            request.Tags, request.Priority, request.MaxAttempts, request.AvailableAt);
        return Answer(await tasks.UpdateAsync(scope.TenantId, id, update, cancellationToken), task_id, "Only a pending task can be changed.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string task_id, ITaskStore tasks, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(task_id, out var id))
        {
            return TaskNotFound(task_id);
        }
        var change = await tasks.DeleteAsync(scope.TenantId, id, cancellationToken);
        return change.Outcome switch
        {
            TaskOutcome.Changed => TypedResults.NoContent(),
            TaskOutcome.Conflict => Conflict("A worker holds this task; fail or complete it first."),
            _ => TaskNotFound(task_id),
        };
    }

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> ClaimAsync(
        TenantScope scope, string task_id, JsonBody<ClaimTaskRequest> body, ITaskStore tasks, MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(task_id, out var id))
        {
            return TaskNotFound(task_id);
        }
        var change = await tasks.ClaimAsync(scope.TenantId, id, body.Value.WorkerId!, Lease(body.Value.LeaseSeconds), cancellationToken);
        if (change.Task is { } claimed && change.Outcome == TaskOutcome.Changed)
        {
            metrics.TaskEvent(claimed.TaskType, "claimed");
        }
        return Answer(change, task_id, "The task is held by another worker, finished, or out of attempts.");
    }

    private static async Task<Ok<TaskListResponse>> ClaimNextAsync(
        TenantScope scope, JsonBody<ClaimNextTasksRequest> body, ITaskStore tasks, MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var claimed = await tasks.ClaimNextAsync(scope.TenantId, request.TaskTypes ?? [], request.WorkerId!, Lease(request.LeaseSeconds), request.Max ?? 1, cancellationToken);
        foreach (var task in claimed)
        {
            metrics.TaskEvent(task.TaskType, "claimed");
        }
        return TypedResults.Ok(new TaskListResponse { Tasks = claimed });
    }

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> HeartbeatAsync(
        TenantScope scope, string task_id, JsonBody<TaskHolderRequest> body, ITaskStore tasks, CancellationToken cancellationToken) =>
        Guid.TryParse(task_id, out var id)
            ? Answer(await tasks.HeartbeatAsync(scope.TenantId, id, Holder(body.Value), Lease(body.Value.LeaseSeconds), cancellationToken), task_id, NotHolder)
            : TaskNotFound(task_id);

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> CompleteAsync(
        TenantScope scope, string task_id, JsonBody<TaskHolderRequest> body, TaskCompletion completion, CancellationToken cancellationToken) =>
        Guid.TryParse(task_id, out var id)
            && await completion.CompleteAsync(scope.TenantId, id, Holder(body.Value), body.Value.Result, cancellationToken) is { } change
            ? Answer(change, task_id, NotHolder)
            : TaskNotFound(task_id);

    private static async Task<Results<Ok<QueuedTask>, ProblemHttpResult>> FailAsync(
        TenantScope scope, string task_id, JsonBody<TaskHolderRequest> body, ITaskStore tasks, MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(task_id, out var id))
        {
            return TaskNotFound(task_id);
        }
        var change = await tasks.FailAsync(scope.TenantId, id, Holder(body.Value), body.Value.Error ?? "failed", cancellationToken);
        if (change is { Outcome: TaskOutcome.Changed, Task: { } failed })
        {
            metrics.TaskEvent(failed.TaskType, failed.Status == TaskStatuses.Dead ? "dead" : "failed");
        }
        return Answer(change, task_id, NotHolder);
    }

    // GET /api/v1/tasks?status=all: every task, whatever its status.
    private const string AllStatuses = "all";

    private const string NotHolder = "This worker (or lease token) does not hold the task: its lease ran out and another worker claimed it, or it is finished.";

    private static TaskHolder Holder(TaskHolderRequest request) => new(request.WorkerId!, request.LeaseToken);

    private static TimeSpan Lease(int? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : DefaultLease;

    private static Results<Ok<QueuedTask>, ProblemHttpResult> Answer(TaskChange change, string taskId, string conflict) => change.Outcome switch
    {
        TaskOutcome.Changed => TypedResults.Ok(change.Task!),
        TaskOutcome.Conflict => Conflict(conflict),
        _ => TaskNotFound(taskId),
    };

    private static ProblemHttpResult Conflict(string detail) =>
        ApiProblems.Create(StatusCodes.Status409Conflict, ProblemCodes.TaskConflict, "Conflict", detail);

    private static ProblemHttpResult TaskNotFound(string taskId) => ApiProblems.NotFound($"Task '{taskId}' does not exist.");
}

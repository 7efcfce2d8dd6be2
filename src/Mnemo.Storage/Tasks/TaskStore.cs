using Mnemo.Diagnostics;
using Mnemo.Tasks;
using Mnemo.Time;

namespace Mnemo.Storage.Tasks;

/// <summary>The task queue on either backend.</summary>
public sealed class TaskStore(MnemoDatabase database, TimeProvider timeProvider) : ITaskStore
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(1);

    private const string InsertSql = $"""
        INSERT INTO tasks (tenant_id, id, task_type, request, template, tags, user_id, dedupe_key, idempotency_key, status, priority, attempts, max_attempts, available_at, created_at, updated_at)
        VALUES (@tenant_id, @id, @task_type, @request, @template, @tags, @user_id, @dedupe_key, @idempotency_key, 'pending', @priority, 0, @max_attempts, @available_at, @now, @now)
        ON CONFLICT DO NOTHING
        RETURNING {TaskRows.Columns}
        """;

    private const string SelectSql = $"SELECT {TaskRows.Columns} FROM tasks WHERE tenant_id = @tenant_id AND id = @id";

    // A claim whose lease ran out on its last attempt will never be claimed again: it is dead.
    private const string BuryExhaustedSql = """
        UPDATE tasks SET status = 'dead', last_error = COALESCE(last_error, 'lease expired'), worker_id = NULL,
            lease_token = NULL, lease_expires_at = NULL, updated_at = @now
        WHERE tenant_id = @tenant_id AND status = 'claimed' AND lease_expires_at <= @now AND attempts >= max_attempts
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<QueuedTask?> CreateAsync(string tenantId, NewTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var now = timeProvider.GetUtcNowMicroseconds();
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(InsertSql)
                .With("id", Guid.CreateVersion7(now))
                .With("task_type", task.TaskType)
                .WithJson("request", task.RequestJson)
                .WithJson("template", task.TemplateJson)
                .WithJson("tags", TaskRows.Tags(task.Tags))
                .With("user_id", task.UserId)
                .With("dedupe_key", task.DedupeKey)
                .With("idempotency_key", task.IdempotencyKey)
                .With("priority", task.Priority)
                .With("max_attempts", task.MaxAttempts)
                .With("available_at", task.AvailableAt ?? now)
                .With("now", now);
            return await command.SingleOrDefaultAsync(reader => TaskRows.Read(_sql, reader, now), token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<QueuedTask?> FindByIdempotencyKeyAsync(string tenantId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowMicroseconds();
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {TaskRows.Columns} FROM tasks WHERE tenant_id = @tenant_id AND idempotency_key = @key")
            .With("key", idempotencyKey);
        return await command.SingleOrDefaultAsync(reader => TaskRows.Read(_sql, reader, now), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<QueuedTask?> GetAsync(string tenantId, Guid taskId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowMicroseconds();
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSql).With("id", taskId);
        return await command.SingleOrDefaultAsync(reader => TaskRows.Read(_sql, reader, now), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskChange> UpdateAsync(string tenantId, Guid taskId, TaskUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        const string sql = $"""
            UPDATE tasks SET
                request = COALESCE(@request, request),
                template = COALESCE(@template, template),
                tags = COALESCE(@tags, tags),
                priority = COALESCE(@priority, priority),
                max_attempts = COALESCE(@max_attempts, max_attempts),
                available_at = COALESCE(@available_at, available_at),
                updated_at = @now
            WHERE tenant_id = @tenant_id AND id = @id
            RETURNING {TaskRows.Columns}
            """;
        return ChangeAsync(tenantId, taskId, current => current.Status == TaskStatuses.Pending, async (session, now, token) =>
        {
            await using var command = session.Command(sql)
                .With("id", taskId)
                .WithJson("request", update.RequestJson)
                .WithJson("template", update.TemplateJson)
                .WithJson("tags", update.Tags is null ? null : TaskRows.Tags(update.Tags))
                .With("priority", update.Priority)
                .With("max_attempts", update.MaxAttempts)
                .With("available_at", update.AvailableAt)
                .With("now", now);
            return await command.SingleOrDefaultAsync(reader => TaskRows.Read(_sql, reader, now), token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskChange> DeleteAsync(string tenantId, Guid taskId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, taskId, current => current.Status != TaskStatuses.Claimed, async (session, _, token) =>
        {
            await using var command = session.Command("DELETE FROM tasks WHERE tenant_id = @tenant_id AND id = @id").With("id", taskId);
            await command.ExecuteAsync(token);
            return null;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedTask>> ListAsync(string tenantId, TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statusFilter = query.Status switch
        {
            null => "",
            TaskStatuses.Pending => "AND (status = 'pending' OR (status = 'claimed' AND lease_expires_at <= @now))",
            TaskStatuses.Claimed => "AND status = 'claimed' AND lease_expires_at > @now",
            _ => "AND status = @status",
        };
        var sql = $"""
            SELECT {TaskRows.Columns} FROM tasks
            WHERE tenant_id = @tenant_id {statusFilter}
            {(query.TaskType is null ? "" : "AND task_type = @task_type")}
            {(query.TagName is null ? "" : query.TagValue is null
                ? $"AND {_sql.JsonTextMember("tags", "@tag_name")} IS NOT NULL"
                : $"AND {_sql.JsonTextMember("tags", "@tag_name")} = @tag_value")}
            ORDER BY priority DESC, available_at, id
            LIMIT @limit OFFSET @offset
            """;
        var now = timeProvider.GetUtcNowMicroseconds();
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("now", now).With("limit", query.Limit).With("offset", query.Offset);
        if (query.Status is not (null or TaskStatuses.Pending or TaskStatuses.Claimed))
        {
            command.With("status", query.Status);
        }
        if (query.TaskType is not null)
        {
            command.With("task_type", query.TaskType);
        }
        if (query.TagName is not null)
        {
            command.With("tag_name", query.TagName);
            if (query.TagValue is not null)
            {
                command.With("tag_value", query.TagValue);
            }
        }
        return await command.ListAsync(reader => TaskRows.Read(_sql, reader, now), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskChange> ClaimAsync(string tenantId, Guid taskId, string workerId, TimeSpan lease, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            await BuryExhaustedAsync(session, now, token);
            var claimed = await ClaimWhereAsync(session, "id = @id", command => command.With("id", taskId), workerId, lease, 1, now, token);
            if (claimed.Count == 1)
            {
                return new TaskChange(TaskOutcome.Changed, claimed[0]);
            }
            return await ExistsAsync(session, taskId, token) ? new TaskChange(TaskOutcome.Conflict, null) : TaskChange.NotFound;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<QueuedTask>> ClaimNextAsync(
        string tenantId, IReadOnlyList<string> taskTypes, string workerId, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskTypes);
        var typeFilter = taskTypes.Count == 0 ? "1 = 1" : $"task_type IN ({string.Join(", ", taskTypes.Select((_, i) => $"@type{i}"))})";
        using var span = MnemoTracing.Source.StartActivity("mnemo.task_lease");
        span?.SetTag(MnemoTracing.TenantId, tenantId);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            await BuryExhaustedAsync(session, now, token);
            var claimed = await ClaimWhereAsync(session, typeFilter, command =>
            {
                for (var i = 0; i < taskTypes.Count; i++)
                {
                    command.With($"type{i}", taskTypes[i]);
                }
            }, workerId, lease, max, now, token);
            return (IReadOnlyList<QueuedTask>)[.. claimed.OrderByDescending(task => task.Priority).ThenBy(task => task.AvailableAt).ThenBy(task => task.Id)];
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskChange> HeartbeatAsync(string tenantId, Guid taskId, TaskHolder holder, TimeSpan lease, CancellationToken cancellationToken) =>
        ChangeHeldAsync(tenantId, taskId, holder, (current, now) => current with { LeaseExpiresAt = now + lease }, cancellationToken);

    /// <inheritdoc />
    public Task<TaskChange> CompleteAsync(string tenantId, Guid taskId, TaskHolder holder, string resultJson, CancellationToken cancellationToken) =>
        CompleteHeldAsync(tenantId, taskId, holder, resultJson, (_, _) => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// Completes the holder's task and runs <paramref name="inSameTransaction"/> before committing,
    /// so work that the completion stands for (a compression) commits with it or not at all.
    /// </summary>
    public Task<TaskChange> CompleteHeldAsync(
        string tenantId, Guid taskId, TaskHolder holder, string resultJson, Func<StoreSession, CancellationToken, Task> inSameTransaction,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inSameTransaction);
        return ChangeHeldAsync(tenantId, taskId, holder, (current, now) => current with
        {
            Status = TaskStatuses.Completed,
            Result = Json.JsonObjects.Parse(resultJson),
            LeaseExpiresAt = null,
            CompletedAt = now,
        }, cancellationToken, inSameTransaction);
    }

    /// <inheritdoc />
    public Task<TaskChange> FailAsync(string tenantId, Guid taskId, TaskHolder holder, string errorMessage, CancellationToken cancellationToken) =>
        ChangeHeldAsync(tenantId, taskId, holder, (current, now) =>
        {
            var exhausted = current.Attempts >= current.MaxAttempts;
            // Exponential backoff: 1 s after the first failure, doubling, at most an hour.
            var delay = TimeSpan.FromTicks(Math.Min(LongestRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(current.Attempts - 1, 20)));
            return current with
            {
                Status = exhausted ? TaskStatuses.Dead : TaskStatuses.Pending,
                AvailableAt = exhausted ? current.AvailableAt : now + delay,
                WorkerId = null,
                LeaseToken = null,
                LeaseExpiresAt = null,
                LastError = errorMessage,
            };
        }, cancellationToken);

    private static async Task BuryExhaustedAsync(StoreSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = session.Command(BuryExhaustedSql).With("now", now);
        await command.ExecuteAsync(cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> claimable tasks matching <paramref name="filter"/>. On
    /// PostgreSQL the inner SELECT locks the rows it picks and skips rows other claimers hold, so
    /// concurrent claimers on any number of nodes never take the same task; each claimed row gets
    /// a fresh lease token (the fencing token later calls must present).
    /// </summary>
    private async Task<List<QueuedTask>> ClaimWhereAsync(
        StoreSession session, string filter, Action<SqlCommand> bind, string workerId, TimeSpan lease, int max,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = $"""
            WITH next AS (
                SELECT id FROM tasks
                WHERE tenant_id = @tenant_id AND {TaskRows.ClaimablePredicate} AND {filter}
                ORDER BY priority DESC, available_at, id
                LIMIT @max
                {_sql.SkipLocked})
            UPDATE tasks SET
                status = 'claimed', worker_id = @worker_id, lease_token = {_sql.NewTokenSql},
                lease_expires_at = @lease_expires_at, attempts = attempts + 1, updated_at = @now
            WHERE tenant_id = @tenant_id AND id IN (SELECT id FROM next)
            RETURNING {TaskRows.Columns}
            """;
        await using var command = session.Command(sql)
            .With("now", now)
            .With("max", max)
            .With("worker_id", workerId)
            .With("lease_expires_at", now + lease);
        bind(command);
        return await command.ListAsync(reader => TaskRows.Read(_sql, reader, now), cancellationToken);
    }

    /// <summary>Locks the task, checks <paramref name="allowed"/>, and runs <paramref name="change"/> (whose row, if any, is the answer).</summary>
    private Task<TaskChange> ChangeAsync(
        string tenantId, Guid taskId, Func<QueuedTask, bool> allowed, Func<StoreSession, DateTimeOffset, CancellationToken, Task<QueuedTask?>> change,
        CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            var current = await LockAsync(session, taskId, now, token);
            if (current is null)
            {
                return TaskChange.NotFound;
            }
            if (!allowed(current))
            {
                return new TaskChange(TaskOutcome.Conflict, current);
            }
            return new TaskChange(TaskOutcome.Changed, await change(session, now, token));
        }, cancellationToken);

    /// <summary>
    /// Changes a task only for its holder: the worker of the current claim and, when given, that
    /// claim's lease token. A worker whose lease ran out and whose task another worker claimed
    /// (new worker, new token) gets a conflict, and so does a stale token under the same worker id.
    /// </summary>
    private Task<TaskChange> ChangeHeldAsync(
        string tenantId, Guid taskId, TaskHolder holder, Func<QueuedTask, DateTimeOffset, QueuedTask> change, CancellationToken cancellationToken,
        Func<StoreSession, CancellationToken, Task>? inSameTransaction = null)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            var current = await LockRawAsync(session, taskId, now, token);
            if (current is null)
            {
                return TaskChange.NotFound;
            }
            var holds = current.Status == TaskStatuses.Claimed
                && current.WorkerId == holder.WorkerId
                && (holder.LeaseToken is null || holder.LeaseToken == current.LeaseToken);
            if (!holds)
            {
                return new TaskChange(TaskOutcome.Conflict, TaskRowsView(current, now));
            }
            var changed = change(current, now);
            await WriteAsync(session, changed, now, token);
            if (inSameTransaction is not null)
            {
                await inSameTransaction(session, token);
            }
            return new TaskChange(TaskOutcome.Changed, TaskRowsView(changed with { UpdatedAt = now }, now));
        }, cancellationToken);
    }

    private static QueuedTask TaskRowsView(QueuedTask task, DateTimeOffset now) =>
        task.Status == TaskStatuses.Claimed && task.LeaseExpiresAt <= now
            ? task with { Status = TaskStatuses.Pending, WorkerId = null, LeaseToken = null, LeaseExpiresAt = null }
            : task;

    private static async Task WriteAsync(StoreSession session, QueuedTask task, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = """
            UPDATE tasks SET status = @status, available_at = @available_at, worker_id = @worker_id, lease_token = @lease_token,
                lease_expires_at = @lease_expires_at, result = @result, last_error = @last_error, completed_at = @completed_at, updated_at = @now
            WHERE tenant_id = @tenant_id AND id = @id
            """;
        await using var command = session.Command(sql)
            .With("id", task.Id)
            .With("status", task.Status)
            .With("available_at", task.AvailableAt)
            .With("worker_id", task.WorkerId)
            .With("lease_token", task.LeaseToken)
            .With("lease_expires_at", task.LeaseExpiresAt)
            .WithJson("result", task.Result?.GetRawText())
            .With("last_error", task.LastError)
            .With("completed_at", task.CompletedAt)
            .With("now", now);
        await command.ExecuteAsync(cancellationToken);
    }

    private async Task<QueuedTask?> LockAsync(StoreSession session, Guid taskId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await LockRawAsync(session, taskId, now, cancellationToken) is { } raw ? TaskRowsView(raw, now) : null;

    /// <summary>The stored row, locked, as stored (an expired claim still reads as claimed: the holder check needs that).</summary>
    private async Task<QueuedTask?> LockRawAsync(StoreSession session, Guid taskId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = session.Command($"{SelectSql} {_sql.ForUpdate}").With("id", taskId);
        // Read with a time before any lease, so the row comes back exactly as stored.
        return await command.SingleOrDefaultAsync(reader => TaskRows.Read(_sql, reader, DateTimeOffset.MinValue), cancellationToken);
    }

    private static async Task<bool> ExistsAsync(StoreSession session, Guid taskId, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT 1 FROM tasks WHERE tenant_id = @tenant_id AND id = @id").With("id", taskId);
        return await command.ScalarAsync(cancellationToken) is not null;
    }
}

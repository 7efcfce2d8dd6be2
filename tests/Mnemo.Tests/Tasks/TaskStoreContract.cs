using Mnemo.Storage.Tasks;
using Mnemo.Tasks;
using Mnemo.Testing;

namespace Mnemo.Tests.Tasks;

public abstract class TaskStoreContract(StoreFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly ManualClock _clock = new();
    private TaskStore Tasks => new(fixture.Database, _clock);

    private static NewTask Work(string type = "GENERATIVE", int priority = 0, int maxAttempts = 3, string? dedupe = null) => new()
    {
        TaskType = type,
        RequestJson = """{"content":{"text":"hi"}}""",
        Tags = new Dictionary<string, string> { ["service"] = "generative-service" },
        Priority = priority,
        MaxAttempts = maxAttempts,
        DedupeKey = dedupe,
    };

    [Fact]
    public async Task Claims_follow_priority_then_age_and_never_hand_out_a_held_task()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var low = await Tasks.CreateAsync(tenant, Work(priority: 0), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var high = await Tasks.CreateAsync(tenant, Work(priority: 5), CancellationToken.None);

        var first = await Tasks.ClaimNextAsync(tenant, [], "w1", Lease, 1, CancellationToken.None);
        var second = await Tasks.ClaimNextAsync(tenant, [], "w2", Lease, 5, CancellationToken.None);
        var none = await Tasks.ClaimNextAsync(tenant, [], "w3", Lease, 5, CancellationToken.None);

        Assert.Equal(high!.Id, Assert.Single(first).Id);
        Assert.Equal(low!.Id, Assert.Single(second).Id);
        Assert.Empty(none);
        Assert.Equal(TaskOutcome.Conflict, (await Tasks.ClaimAsync(tenant, high.Id, "w3", Lease, CancellationToken.None)).Outcome);
        Assert.NotEqual(first[0].LeaseToken, second[0].LeaseToken);
    }

    [Fact]
    public async Task An_expired_lease_returns_the_task_and_the_old_holder_is_refused()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var task = await Tasks.CreateAsync(tenant, Work(), CancellationToken.None);
        var first = (await Tasks.ClaimAsync(tenant, task!.Id, "w1", Lease, CancellationToken.None)).Task!;

        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(TaskStatuses.Pending, (await Tasks.GetAsync(tenant, task.Id, CancellationToken.None))!.Status);
        var second = (await Tasks.ClaimAsync(tenant, task.Id, "w1", Lease, CancellationToken.None)).Task!;

        Assert.Equal(2, second.Attempts);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        var stale = await Tasks.CompleteAsync(tenant, task.Id, new TaskHolder("w1", first.LeaseToken), "{}", CancellationToken.None);
        Assert.Equal(TaskOutcome.Conflict, stale.Outcome);
        Assert.Equal(TaskOutcome.Conflict, (await Tasks.HeartbeatAsync(tenant, task.Id, new TaskHolder("w2", null), Lease, CancellationToken.None)).Outcome);
        var done = await Tasks.CompleteAsync(tenant, task.Id, new TaskHolder("w1", second.LeaseToken), """{"ok":true}""", CancellationToken.None);
        Assert.Equal((TaskOutcome.Changed, TaskStatuses.Completed), (done.Outcome, done.Task!.Status));
        Assert.True(done.Task.Result!.Value.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Failures_retry_with_backoff_and_die_after_max_attempts()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var task = await Tasks.CreateAsync(tenant, Work(maxAttempts: 2), CancellationToken.None);

        var claim = (await Tasks.ClaimAsync(tenant, task!.Id, "w", Lease, CancellationToken.None)).Task!;
        var retry = (await Tasks.FailAsync(tenant, task.Id, new TaskHolder("w", claim.LeaseToken), "boom", CancellationToken.None)).Task!;
        Assert.Equal((TaskStatuses.Pending, "boom"), (retry.Status, retry.LastError));
        Assert.True(retry.AvailableAt > _clock.GetUtcNow());
        Assert.Empty(await Tasks.ClaimNextAsync(tenant, [], "w", Lease, 1, CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(2));
        var again = Assert.Single(await Tasks.ClaimNextAsync(tenant, [], "w", Lease, 1, CancellationToken.None));
        var dead = (await Tasks.FailAsync(tenant, task.Id, new TaskHolder("w", again.LeaseToken), "boom again", CancellationToken.None)).Task!;

        Assert.Equal(TaskStatuses.Dead, dead.Status);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await Tasks.ClaimNextAsync(tenant, [], "w", Lease, 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_lease_that_runs_out_on_the_last_attempt_buries_the_task()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var task = await Tasks.CreateAsync(tenant, Work(maxAttempts: 1), CancellationToken.None);
        await Tasks.ClaimAsync(tenant, task!.Id, "w", Lease, CancellationToken.None);

        _clock.Advance(Lease * 2);
        Assert.Empty(await Tasks.ClaimNextAsync(tenant, [], "w", Lease, 1, CancellationToken.None));

        Assert.Equal(TaskStatuses.Dead, (await Tasks.GetAsync(tenant, task.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Only_pending_tasks_change_filters_apply_and_dedupe_keys_allow_one_open_task()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var task = await Tasks.CreateAsync(tenant, Work(type: "A", dedupe: "k"), CancellationToken.None);
        Assert.Null(await Tasks.CreateAsync(tenant, Work(type: "A", dedupe: "k"), CancellationToken.None));
        await Tasks.CreateAsync(tenant, Work(type: "B"), CancellationToken.None);

        var changed = await Tasks.UpdateAsync(tenant, task!.Id, new TaskUpdate(null, null, null, 9, null, null), CancellationToken.None);
        Assert.Equal(9, changed.Task!.Priority);
        Assert.Equal(["A"], (await Tasks.ListAsync(tenant, new TaskQuery(TaskStatuses.Pending, "A", null, null, 10, 0), CancellationToken.None)).Select(t => t.TaskType));
        Assert.Equal(2, (await Tasks.ListAsync(tenant, new TaskQuery(null, null, "service", "generative-service", 10, 0), CancellationToken.None)).Count);
        Assert.Empty(await Tasks.ListAsync(tenant, new TaskQuery(null, null, "service", "other", 10, 0), CancellationToken.None));

        var claim = (await Tasks.ClaimAsync(tenant, task.Id, "w", Lease, CancellationToken.None)).Task!;
        Assert.Equal(TaskOutcome.Conflict, (await Tasks.UpdateAsync(tenant, task.Id, new TaskUpdate(null, null, null, 1, null, null), CancellationToken.None)).Outcome);
        Assert.Equal(TaskOutcome.Conflict, (await Tasks.DeleteAsync(tenant, task.Id, CancellationToken.None)).Outcome);
        await Tasks.CompleteAsync(tenant, task.Id, new TaskHolder("w", claim.LeaseToken), "{}", CancellationToken.None);
        Assert.NotNull(await Tasks.CreateAsync(tenant, Work(type: "A", dedupe: "k"), CancellationToken.None));
        Assert.Equal(TaskOutcome.Changed, (await Tasks.DeleteAsync(tenant, task.Id, CancellationToken.None)).Outcome);
        Assert.Equal(TaskOutcome.NotFound, (await Tasks.DeleteAsync(tenant, task.Id, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Concurrent_claimers_take_every_task_exactly_once()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        for (var i = 0; i < 200; i++)
        {
            await Tasks.CreateAsync(tenant, Work(), CancellationToken.None);
        }

        var claimed = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            while (await Tasks.ClaimNextAsync(tenant, [], $"w{worker}", Lease, 3, CancellationToken.None) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(task => task.Id));
            }
            return mine;
        })));

        var all = claimed.SelectMany(ids => ids).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }
}

public sealed class SqliteTaskStoreTests(SqliteStoreFixture fixture) : TaskStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresTaskStoreTests(PostgresStoreFixture fixture) : TaskStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

/// <summary>The same contract through PgBouncer in transaction pooling (<c>Mnemo__Storage__Pooler=pgbouncer</c>).</summary>
public sealed class PgBouncerTaskStoreTests(PgBouncerStoreFixture fixture) : TaskStoreContract(fixture), IClassFixture<PgBouncerStoreFixture>;

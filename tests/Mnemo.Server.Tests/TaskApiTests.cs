using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Tasks;
using Mnemo.Tenants;

namespace Mnemo.Server.Tests;

public abstract class TaskApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private static CreateTaskRequest SeedTask() => new()
    {
        TaskType = "GENERATIVE",
        Request = JsonDocument.Parse("""{"content":{"text":"Generate a response to this query"},"metadata":{"user_id":"user123"}}""").RootElement,
        Template = JsonDocument.Parse("""{"service_type":"GENERATIVE","parameters":{"model":"gpt-4","max_tokens":1024}}""").RootElement,
        Tags = new Dictionary<string, string> { ["service"] = "generative-service", ["source"] = "agent-api" },
    };

    [Fact]
    public async Task The_seed_task_lifecycle_through_the_client()
    {
        var (_, client) = await _server.NewTenantAsync();

        var created = await client.Tasks.CreateAsync(SeedTask());
        var pending = await client.Tasks.ListAsync(status: "pending", tag: "service:generative-service");
        var claimed = await client.Tasks.ClaimAsync(created.Id, new ClaimTaskRequest { WorkerId = "w1", LeaseSeconds = 30 });
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "task_conflict", () => client.Tasks.ClaimAsync(created.Id, new ClaimTaskRequest { WorkerId = "w2" }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "task_conflict",
            () => client.Tasks.CompleteAsync(created.Id, new TaskHolderRequest { WorkerId = "w1", LeaseToken = "not-the-token" }));
        var beat = await client.Tasks.HeartbeatAsync(created.Id, new TaskHolderRequest { WorkerId = "w1", LeaseToken = claimed.LeaseToken, LeaseSeconds = 120 });
        var done = await client.Tasks.CompleteAsync(created.Id, new TaskHolderRequest
        {
            WorkerId = "w1", LeaseToken = claimed.LeaseToken, Result = JsonDocument.Parse("""{"text":"Hello"}""").RootElement,
        });

        Assert.Equal(created.Id, Assert.Single(pending.Tasks).Id);
        Assert.Equal(("claimed", "w1", 1), (claimed.Status, claimed.WorkerId, claimed.Attempts));
        Assert.True(beat.LeaseExpiresAt > claimed.LeaseExpiresAt);
        Assert.Equal(("completed", "Hello"), (done.Status, done.Result!.Value.GetProperty("text").GetString()));
        Assert.Empty((await client.Tasks.ClaimNextAsync(new ClaimNextTasksRequest { WorkerId = "w1", Max = 5 })).Tasks);

        using var raw = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/v1/tasks/{created.Id}") { Headers = { { "X-API-Key", client.ApiKey } } });
        Assert.Contains("\"task_id\"", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"request":{}}""", "task_type")]
    [InlineData("""{"task_type":"x"}""", "request")]
    [InlineData("""{"task_type":"x","request":{},"max_attempts":0}""", "max_attempts")]
    [InlineData("""{"task_type":"x","request":[1]}""", "request")]
    public async Task Bad_tasks_are_400(string body, string field)
    {
        var (_, client) = await _server.NewTenantAsync();

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/tasks", body, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_touch_a_task()
    {
        var (_, owner) = await _server.NewTenantAsync();
        var (_, other) = await _server.NewTenantAsync();
        var task = await owner.Tasks.CreateAsync(SeedTask());

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Tasks.GetAsync(task.Id));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Tasks.ClaimAsync(task.Id, new ClaimTaskRequest { WorkerId = "x" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => other.Tasks.DeleteAsync(task.Id));
        Assert.Empty((await other.Tasks.ClaimNextAsync(new ClaimNextTasksRequest { WorkerId = "x", Max = 10 })).Tasks);
        Assert.Equal("pending", (await owner.Tasks.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task The_summarisation_loop_compresses_and_keeps_messages_written_meanwhile()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await _server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"summarize_after_messages":20,"summarize_keep_last_n":5}""").RootElement,
        });
        for (var i = 0; i < 25; i++)
        {
            await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = i % 2 == 0 ? "user" : "assistant", Content = $"m{i}" });
        }

        var claimed = Assert.Single((await client.Tasks.ClaimNextAsync(new ClaimNextTasksRequest { WorkerId = "llm", TaskTypes = ["summarize"], Max = 5 })).Tasks);
        var request = claimed.Request.Deserialize(Mnemo.Json.MnemoJsonContext.Default.SummarizeRequest)!;
        // The worker reads the history it summarises; meanwhile the user goes on talking.
        var history = await client.Messages.ListAsync("u", limit: 200);
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "written during summarisation" });
        Assert.Single((await client.Tasks.ListAsync(status: "claimed", taskType: "summarize")).Tasks);
        var summary = string.Join(" | ", history.Messages.Where(m => m.Seq <= request.UpToSeq).Select(m => m.Content));
        await client.Tasks.CompleteAsync(claimed.Id, new TaskHolderRequest
        {
            WorkerId = "llm", LeaseToken = claimed.LeaseToken, Result = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["summary"] = summary }),
        });

        var context = await client.Memory.GetContextAsync("u", maxMessages: 100);
        Assert.Equal(summary, context.Summary);
        Assert.Equal("u", request.UserId);
        Assert.Contains("written during summarisation", context.Messages.Select(m => m.Content));
        Assert.True(context.Messages.Count < 26);
        Assert.Equal(context.Messages.Select(m => m.Seq).Order(), context.Messages.Select(m => m.Seq));
        Assert.Empty((await client.Tasks.ListAsync(status: "pending", taskType: "summarize")).Tasks);
    }
}

public sealed class SqliteTaskApiTests(SqliteServerFixture fixture) : TaskApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTaskApiTests(PostgresServerFixture fixture) : TaskApiTests(fixture), IClassFixture<PostgresServerFixture>;

public sealed class TaskClusterTests
{
    [Fact]
    public async Task Two_servers_on_one_postgres_hand_2000_tasks_to_16_claimers_each_completed_once()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var servers = await Task.WhenAll(MnemoTestServer.StartAsync(storage), MnemoTestServer.StartAsync(storage));
        try
        {
            var (tenantId, creator) = await servers[0].NewTenantAsync();
            var key = creator.ApiKey!;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(part => Task.Run(async () =>
            {
                for (var i = 0; i < 250; i++)
                {
                    await creator.Tasks.CreateAsync(new CreateTaskRequest { TaskType = "work", Request = JsonDocument.Parse($$"""{"n":{{part * 250 + i}}}""").RootElement });
                }
            })));

            var completions = new ConcurrentBag<Guid>();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                var client = servers[worker % 2].As(key);
                while ((await client.Tasks.ClaimNextAsync(new ClaimNextTasksRequest { WorkerId = $"w{worker}", Max = 10, LeaseSeconds = 300 })).Tasks is { Count: > 0 } batch)
                {
                    foreach (var task in batch)
                    {
                        await client.Tasks.CompleteAsync(task.Id, new TaskHolderRequest { WorkerId = $"w{worker}", LeaseToken = task.LeaseToken });
                        completions.Add(task.Id);
                    }
                }
            })));

            Assert.Equal(2000, completions.Count);
            Assert.Equal(2000, completions.Distinct().Count());
            Assert.Empty((await creator.Tasks.ListAsync(status: "pending")).Tasks);
            Assert.Equal(tenantId, (await creator.GetMeAsync()).TenantId);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}

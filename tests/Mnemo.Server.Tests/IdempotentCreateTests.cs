using System.Net;
using System.Text;
using System.Text.Json;
using Mnemo.Conversations;
using Mnemo.Tasks;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 17, seed fidelity on the existing routes: <c>POST /api/v1/tasks</c> and
/// <c>POST /api/v1/users/{id}/conversations</c> take an <c>Idempotency-Key</c>, so a retried
/// create (even a racing twin) returns the first result; <c>GET /api/v1/tasks</c> with no status
/// lists the pending tasks, as seed 002 says.
/// </summary>
public abstract class IdempotentCreateTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Racing_creates_of_a_task_with_one_key_make_one_task_and_all_get_it()
    {
        var (_, client) = await _server.NewTenantAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            PostAsync(client.ApiKey!, "api/v1/tasks", $$$"""{"task_type":"send","request":{"n":{{{i}}}}}""", "order-7")));

        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK));
        Assert.Single((await client.Tasks.ListAsync()).Tasks);
        var other = await client.Tasks.CreateAsync(new CreateTaskRequest { TaskType = "send", Request = JsonDocument.Parse("{}").RootElement }, "order-8");
        Assert.NotEqual(answers[0].Id, other.Id.ToString());
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Tasks.CreateAsync(new CreateTaskRequest { TaskType = "send", Request = JsonDocument.Parse("{}").RootElement }, new string('k', 201)));
    }

    [Fact]
    public async Task A_retried_conversation_create_returns_the_first_and_another_user_may_use_the_same_key()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "ada" });
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "grace" });

        var first = await PostAsync(client.ApiKey!, "api/v1/users/ada/conversations", """{"workflow_name":"onboarding"}""", "start-1");
        var retry = await PostAsync(client.ApiKey!, "api/v1/users/ada/conversations", """{"workflow_name":"onboarding"}""", "start-1");
        var otherUser = await client.Conversations.CreateAsync("grace", new CreateConversationRequest(), "start-1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.Status, retry.Status));
        Assert.Equal(first.Id, retry.Id);
        Assert.NotEqual(first.Id, otherUser.Id.ToString());
        Assert.Single((await client.Conversations.ListAsync("ada")).Conversations);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Conversations.CreateAsync("nobody", new CreateConversationRequest(), "start-1"));
    }

    [Fact]
    public async Task Listing_tasks_without_a_status_shows_the_pending_ones()
    {
        var (_, client) = await _server.NewTenantAsync();
        var request = new CreateTaskRequest { TaskType = "work", Request = JsonDocument.Parse("{}").RootElement };
        var pending = await client.Tasks.CreateAsync(request);
        var claimed = await client.Tasks.CreateAsync(request with { Priority = 10 });
        await client.Tasks.ClaimNextAsync(new ClaimNextTasksRequest { WorkerId = "w", Max = 1 });

        Assert.Equal([pending.Id], (await client.Tasks.ListAsync()).Tasks.Select(t => t.Id));
        Assert.Equal([claimed.Id], (await client.Tasks.ListAsync(status: "claimed")).Tasks.Select(t => t.Id));
        Assert.Equal(2, (await client.Tasks.ListAsync(status: "all")).Tasks.Count);
    }

    private async Task<(HttpStatusCode Status, string Id)> PostAsync(string apiKey, string path, string body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-API-Key", apiKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await _server.Http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = json.RootElement.TryGetProperty("task_id", out var taskId) ? taskId : json.RootElement.GetProperty("id");
        return (response.StatusCode, id.GetString()!);
    }
}

public sealed class SqliteIdempotentCreateTests(SqliteServerFixture fixture) : IdempotentCreateTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresIdempotentCreateTests(PostgresServerFixture fixture) : IdempotentCreateTests(fixture), IClassFixture<PostgresServerFixture>;

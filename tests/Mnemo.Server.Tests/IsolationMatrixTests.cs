using System.Net;
using System.Text;
using Mnemo.Conversations;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

/// <summary>Every user endpoint, called with tenant B's key for tenant A's user: 404, and nothing of A's in the answer or changed.</summary>
public abstract class IsolationMatrixTests(ServerFixture fixture)
{
    private const string Secret = "zanzibar-7731";
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Tenant_B_sees_nothing_of_tenant_A_users_and_changes_nothing()
    {
        var (_, tenantA) = await _server.NewTenantAsync();
        var (_, tenantB) = await _server.NewTenantAsync();
        await tenantA.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "victim", Email = "victim@example.com" });
        var conversation = await tenantA.Conversations.CreateAsync("victim", new CreateConversationRequest());
        var message = (await tenantA.Messages.AppendAsync("victim", new AppendMessagesRequest { Role = "user", Content = Secret, ConversationId = conversation.Id })).Messages[0];
        var insight = await tenantA.Insights.CreateAsync("victim", new Mnemo.Insights.CreateInsightRequest { Topic = "secrets", Content = Secret });
        await tenantA.Memory.CompressAsync("victim", new Mnemo.Memory.CompressMemoryRequest { Summary = Secret, KeepLastN = 10 });

        var calls = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Get, "api/v1/users/victim", null),
            (HttpMethod.Put, "api/v1/users/victim", """{"name":"pwned"}"""),
            (HttpMethod.Get, "api/v1/users/victim/profile", null),
            (HttpMethod.Get, "api/v1/users/victim/export", null),
            (HttpMethod.Get, "api/v1/users/victim/export?format=csv", null),
            (HttpMethod.Get, "api/v1/users/victim/messages", null),
            (HttpMethod.Get, $"api/v1/users/victim/messages/{message.Id}", null),
            (HttpMethod.Patch, $"api/v1/users/victim/messages/{message.Id}", """{"content":"pwned"}"""),
            (HttpMethod.Delete, $"api/v1/users/victim/messages/{message.Id}", null),
            (HttpMethod.Get, $"api/v1/users/victim/messages/search?q={Secret}", null),
            (HttpMethod.Delete, "api/v1/users/victim/messages", null),
            (HttpMethod.Get, "api/v1/users/victim/conversations", null),
            (HttpMethod.Post, "api/v1/users/victim/conversations", "{}"),
            (HttpMethod.Get, $"api/v1/users/victim/conversations/{conversation.Id}", null),
            (HttpMethod.Patch, $"api/v1/users/victim/conversations/{conversation.Id}", """{"status":"ended"}"""),
            (HttpMethod.Delete, $"api/v1/users/victim/conversations/{conversation.Id}", null),
            (HttpMethod.Get, "api/v1/users/victim/events", null),
            (HttpMethod.Post, "api/v1/users/victim/events", """{"event_type":"x"}"""),
            (HttpMethod.Get, "api/v1/users/victim/memory/profile", null),
            (HttpMethod.Put, "api/v1/users/victim/memory/profile", """{"tone":"pwned"}"""),
            (HttpMethod.Delete, "api/v1/users/victim/memory/profile", null),
            (HttpMethod.Get, "api/v1/users/victim/memory/events", null),
            (HttpMethod.Get, "api/v1/users/victim/memory/events/count", null),
            (HttpMethod.Post, "api/v1/users/victim/memory/compress", """{"summary":"pwned","keep_last_n":0}"""),
            (HttpMethod.Get, "api/v1/users/victim/context", null),
            (HttpMethod.Get, "api/v1/insights/victim", null),
            (HttpMethod.Get, "api/v1/insights/victim/topics", null),
            (HttpMethod.Post, "api/v1/insights/victim", """{"topic":"x","content":"y"}"""),
            (HttpMethod.Delete, $"api/v1/insights/victim/{insight.Id}", null),
            (HttpMethod.Delete, "api/v1/users/victim", null),
        };
        foreach (var (method, path, body) in calls)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("X-API-Key", tenantB.ApiKey);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            using var response = await _server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("victim@example.com", text, StringComparison.Ordinal);
        }

        Assert.Empty((await tenantB.Messages.SearchTenantAsync(Secret)).Results);
        Assert.DoesNotContain((await tenantB.Events.ListTenantAsync()).Events, e => e.UserId == "victim");
        Assert.Empty((await tenantB.Users.ListAsync()).Users);

        var intact = await tenantA.Messages.GetAsync("victim", message.Id);
        Assert.Equal((Secret, (DateTimeOffset?)null), (intact.Content, intact.EditedAt));
        Assert.Equal("active", (await tenantA.Conversations.GetAsync("victim", conversation.Id)).Status);
        Assert.Null((await tenantA.Users.GetAsync("victim")).Name);
        Assert.Equal(Secret, (await tenantA.Memory.GetProfileAsync("victim")).Profile.MemorySummary);
        Assert.Single((await tenantA.Insights.ListAsync("victim")).Insights);
    }
}

public sealed class SqliteIsolationMatrixTests(SqliteServerFixture fixture) : IsolationMatrixTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresIsolationMatrixTests(PostgresServerFixture fixture) : IsolationMatrixTests(fixture), IClassFixture<PostgresServerFixture>;

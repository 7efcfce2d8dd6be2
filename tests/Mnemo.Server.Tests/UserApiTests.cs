using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using Mnemo.Conversations;
using Mnemo.Messages;
using Mnemo.Users;

namespace Mnemo.Server.Tests;

public abstract class UserApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Create_get_update_list_and_profile_a_user()
    {
        var (_, client) = await _server.NewTenantAsync();

        var created = await client.Users.CreateAsync(new CreateUserRequest
        {
            Id = "user-123", Email = "ada@example.com", Name = "Ada", Metadata = JsonDocument.Parse("""{"plan":"pro"}""").RootElement,
        });
        await client.Users.CreateAsync(new CreateUserRequest { Id = "user-456" });
        var conversation = await client.Conversations.CreateAsync("user-123", new CreateConversationRequest { WorkflowName = "onboarding" });

        Assert.Equal("ada@example.com", created.Email);
        Assert.Equal("Ada Lovelace", (await client.Users.UpdateAsync("user-123", new UpdateUserRequest { Name = "Ada Lovelace" })).Name);
        Assert.Equal("ada@example.com", (await client.Users.GetAsync("user-123")).Email);
        var firstPage = await client.Users.ListAsync(limit: 1);
        Assert.Equal("user-123", Assert.Single(firstPage.Users).Id);
        Assert.Equal("user-456", Assert.Single((await client.Users.ListAsync(limit: 1, cursor: firstPage.NextCursor)).Users).Id);
        var profile = await client.Users.GetProfileAsync("user-123");
        Assert.Equal(("user-123", 1L, conversation.StartedAt), (profile.UserId, profile.Stats.TotalConversations, profile.Stats.FirstConversation!.Value));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists", () => client.Users.CreateAsync(new CreateUserRequest { Id = "user-123" }));
    }

    [Fact]
    public async Task Resolve_is_stable_and_reports_is_new()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var request = new ResolveUserRequest { Provider = "shopify", ExternalId = "test.myshopify.com", Email = "owner@test.com" };

        var first = await client.Users.ResolveAsync(request);
        var second = await client.Users.ResolveAsync(request);

        Assert.True(first.IsNew);
        Assert.False(second.IsNew);
        Assert.Equal(first.UserId, second.UserId);
        Assert.Equal(first.UserId, first.Id);
        Assert.Equal(UserIds.Derive(tenantId, "shopify", "test.myshopify.com"), first.UserId);
        Assert.Equal("owner@test.com", second.Email);
    }

    [Fact]
    public async Task A_resolve_colliding_with_an_existing_id_is_a_409()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = UserIds.Derive(tenantId, "shopify", "x.myshopify.com") });

        await Expect.ProblemAsync(HttpStatusCode.Conflict, "identity_collision",
            () => client.Users.ResolveAsync(new ResolveUserRequest { Provider = "shopify", ExternalId = "x.myshopify.com" }));
    }

    [Theory]
    [InlineData("""{"id":"has space"}""", "id")]
    [InlineData("""{"id":"-leading"}""", "id")]
    [InlineData("""{"id":"ok","metadata":[1,2]}""", "metadata")]
    [InlineData("""{"provider":"","external_id":"x"}""", "provider")]
    public async Task Invalid_user_fields_are_400(string body, string field)
    {
        var (_, client) = await _server.NewTenantAsync();
        var path = body.Contains("provider", StringComparison.Ordinal) ? "api/v1/users/resolve" : "api/v1/users";

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, path, body, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Metadata_over_16_KiB_is_rejected_and_nothing_is_written()
    {
        var (_, client) = await _server.NewTenantAsync();
        var body = $$$"""{"id":"big-meta","metadata":{"blob":"{{{new string('x', 17 * 1024)}}}"}}""";

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users", body, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("metadata", out _));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("big-meta"));
    }

    [Fact]
    public async Task Unknown_users_are_404_everywhere_but_on_writes_that_carry_content()
    {
        var (_, client) = await _server.NewTenantAsync();

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("ghost"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetProfileAsync("ghost"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Messages.ListAsync("ghost"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Conversations.ListAsync("ghost"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Events.ListAsync("ghost"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.EraseAsync("ghost"));

        await client.Messages.AppendAsync("ghost", new AppendMessagesRequest { Role = "user", Content = "hello" });
        Assert.Equal("ghost", (await client.Users.GetAsync("ghost")).Id);
    }

    [Fact]
    public async Task Activity_moves_last_seen_and_key_last_used_when_flushed_not_per_request()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        var created = await client.Users.CreateAsync(new CreateUserRequest { Id = "active" });
        await client.Messages.AppendAsync("active", new AppendMessagesRequest { Role = "user", Content = "hi" });
        Assert.Equal(created.LastSeen, (await client.Users.GetAsync("active")).LastSeen);

        await _server.Services.GetRequiredService<Activity.ActivityFlusher>().FlushAsync(CancellationToken.None);

        Assert.True((await client.Users.GetAsync("active")).LastSeen > created.LastSeen);
        Assert.NotNull(Assert.Single((await _server.Admin.ApiKeys.ListAsync(tenantId)).ApiKeys).LastUsedAt);
    }
}

public sealed class SqliteUserApiTests(SqliteServerFixture fixture) : UserApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresUserApiTests(PostgresServerFixture fixture) : UserApiTests(fixture), IClassFixture<PostgresServerFixture>;

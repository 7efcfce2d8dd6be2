using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mnemo.ApiKeys;
using Mnemo.Conversations;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public abstract class MessageApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private static AppendMessagesRequest Say(string content, string role = "user") => new() { Role = role, Content = content };

    [Fact]
    public async Task Append_one_and_a_batch_then_read_the_most_recent_in_chronological_order()
    {
        var (_, client) = await _server.NewTenantAsync();

        var one = await client.Messages.AppendAsync("u", new AppendMessagesRequest
        {
            Role = "user", Content = "Hi", Tags = ["greeting"], Metadata = JsonDocument.Parse("""{"source":"web"}""").RootElement,
        });
        var batch = await client.Messages.AppendAsync("u", new AppendMessagesRequest
        {
            Messages = [new MessageInput { Role = "assistant", Content = "Hello!" }, new MessageInput { Role = "user", Content = "How are you?" }],
        });
        var history = await client.Messages.ListAsync("u", limit: 2);

        Assert.Equal(("Hi", "greeting", "web"), (one.Messages[0].Content, one.Messages[0].Tags[0], one.Messages[0].Metadata.GetProperty("source").GetString()));
        Assert.Equal(2, batch.Messages.Count);
        Assert.True(batch.Messages[0].Seq < batch.Messages[1].Seq);
        Assert.Equal(["Hello!", "How are you?"], history.Messages.Select(message => message.Content));
        Assert.NotNull(history.NextCursor);
        var older = await client.Messages.ListAsync("u", limit: 2, before: history.NextCursor);
        Assert.Equal(["Hi"], older.Messages.Select(message => message.Content));
        Assert.Null(older.NextCursor);
        var newer = await client.Messages.ListAsync("u", limit: 1, after: MessageCursor.For(one.Messages[0]));
        Assert.Equal(["Hello!"], newer.Messages.Select(message => message.Content));
        Assert.NotNull(newer.NextCursor);
        Assert.Equal(["assistant"], (await client.Messages.ListAsync("u", role: "assistant")).Messages.Select(message => message.Role));
    }

    [Fact]
    public async Task A_retried_append_with_an_idempotency_key_returns_the_first_result_with_200()
    {
        var (_, client) = await _server.NewTenantAsync();
        using var first = await PostAsync(client.ApiKey!, "api/v1/users/u/messages", """{"role":"user","content":"pay $5"}""", "retry-1");
        using var retry = await PostAsync(client.ApiKey!, "api/v1/users/u/messages", """{"role":"user","content":"pay $5"}""", "retry-1");
        using var byBody = await PostAsync(client.ApiKey!, "api/v1/users/u/messages", """{"role":"user","content":"x","idempotency_key":"body-1"}""", null);
        using var byBodyAgain = await PostAsync(client.ApiKey!, "api/v1/users/u/messages", """{"role":"user","content":"x","idempotency_key":"body-1"}""", null);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byBodyAgain.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("id").GetString();
        var retryId = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messages")[0].GetProperty("id").GetString();
        Assert.Equal(firstId, retryId);
        Assert.Equal(2, (await client.Messages.ListAsync("u")).Messages.Count);
    }

    [Theory]
    [InlineData("""{"role":"wizard","content":"x"}""", "role")]
    [InlineData("""{"role":"user"}""", "content")]
    [InlineData("""{"role":"user","content":"x","created_at":"2999-01-01T00:00:00Z"}""", "created_at")]
    [InlineData("""{"role":"user","content":"x","tags":[""]}""", "tags[0]")]
    [InlineData("""{"role":"user","content":"x","created_at":"0001-01-01T00:00:00Z"}""", "created_at")]
    [InlineData("""{"role":"user","content":"x","conversation_id":"not-a-uuid"}""", "conversation_id")]
    [InlineData("""{"messages":[{"role":"user","content":"a"},{"role":"bot","content":"b"}]}""", "messages[1].role")]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"a","idempotency_key":"k"},{"role":"user","content":"b","idempotency_key":"k"}]}""", "messages[1].idempotency_key")]
    public async Task Bad_messages_are_400_naming_the_field_and_nothing_is_written(string body, string field)
    {
        var (_, client) = await _server.NewTenantAsync();

        var problem = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", body, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Messages.ListAsync("u"));
    }

    [Fact]
    public async Task Content_over_64_KiB_and_batches_over_100_are_rejected()
    {
        var (_, client) = await _server.NewTenantAsync();
        var big = JsonSerializer.Serialize(new string('a', 64 * 1024 + 1));
        var batch = "{\"messages\":[" + string.Join(',', Enumerable.Repeat("""{"role":"user","content":"x"}""", 101)) + "]}";

        var tooLong = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", $$"""{"role":"user","content":{{big}}}""", client.ApiKey, HttpStatusCode.BadRequest);
        var tooMany = await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/messages", batch, client.ApiKey, HttpStatusCode.BadRequest);

        Assert.True(tooLong.GetProperty("errors").TryGetProperty("content", out _));
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("messages", out _));
    }

    [Theory]
    [InlineData("limit=201")]
    [InlineData("limit=0")]
    [InlineData("before=garbage")]
    [InlineData("after=bTE.eA")]
    [InlineData("role=wizard")]
    [InlineData("conversation_id=nope")]
    public async Task Bad_history_queries_are_400(string query)
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", Say("x"));

        await ProblemAssert.SendAsync(_server, HttpMethod.Get, $"api/v1/users/u/messages?{query}", null, client.ApiKey, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_edit_and_delete_one_message_then_delete_all()
    {
        var (_, client) = await _server.NewTenantAsync();
        var appended = (await client.Messages.AppendAsync("u", new AppendMessagesRequest
        {
            Messages = [new MessageInput { Role = "user", Content = "typo" }, new MessageInput { Role = "assistant", Content = "ok" }],
        })).Messages;

        var edited = await client.Messages.EditAsync("u", appended[0].Id, new EditMessageRequest { Content = "fixed", Tags = ["edited"] });
        Assert.Equal(("fixed", "edited"), (edited.Content, edited.Tags[0]));
        Assert.NotNull(edited.EditedAt);
        Assert.Equal("fixed", (await client.Messages.GetAsync("u", appended[0].Id)).Content);

        await client.Messages.DeleteAsync("u", appended[0].Id);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Messages.GetAsync("u", appended[0].Id));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Messages.DeleteAsync("u", appended[0].Id));
        Assert.Equal(1, (await client.Messages.DeleteAllAsync("u")).Deleted);
        Assert.Empty((await client.Messages.ListAsync("u")).Messages);
    }

    [Fact]
    public async Task Unicode_round_trips_byte_for_byte_through_http()
    {
        var (_, client) = await _server.NewTenantAsync();
        const string content = "emoji 😀👩‍👩‍👧, RTL שלום مرحبا, controls \u0001\u001f\t and ZWJ \u200d, quotes \" \\";

        var appended = await client.Messages.AppendAsync("u", Say(content));
        var read = await client.Messages.GetAsync("u", appended.Messages[0].Id);

        Assert.Equal(Encoding.UTF8.GetBytes(content), Encoding.UTF8.GetBytes(read.Content));
    }

    [Fact]
    public async Task Search_a_user_and_the_tenant_with_snippets()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u1", Say("I am planning a trip to Lisbon in May"));
        await client.Messages.AppendAsync("u1", Say("Something unrelated"));
        await client.Messages.AppendAsync("u2", Say("Lisbon has great food"));

        var forUser = await client.Messages.SearchAsync("u1", "lisbon");
        var forTenant = await client.Messages.SearchTenantAsync("lisbon", limit: 1);

        var hit = Assert.Single(forUser.Results);
        Assert.Contains("<mark>", hit.Snippet, StringComparison.Ordinal);
        Assert.Single(forTenant.Results);
        Assert.NotNull(forTenant.NextCursor);
        Assert.Single((await client.Messages.SearchTenantAsync("lisbon", limit: 1, cursor: forTenant.NextCursor)).Results);
        await ProblemAssert.SendAsync(_server, HttpMethod.Get, "api/v1/users/u1/messages/search", null, client.ApiKey, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_search_pages_through_its_best_thousand_results_and_refuses_a_deeper_page()
    {
        var (_, client) = await _server.NewTenantAsync();
        for (var batch = 0; batch < 11; batch++)
        {
            await client.Messages.AppendAsync("u", new AppendMessagesRequest
            {
                Messages = [.. Enumerable.Range(0, 100).Select(i => new MessageInput { Role = "user", Content = $"apple number {batch * 100 + i}" })],
            });
        }

        var seen = new HashSet<Guid>();
        var page = await client.Messages.SearchAsync("u", "apple", limit: 200);
        for (var pages = 1; pages < 5; pages++)
        {
            seen.UnionWith(page.Results.Select(result => result.Message.Id));
            page = await client.Messages.SearchAsync("u", "apple", limit: 200, cursor: page.NextCursor);
        }
        seen.UnionWith(page.Results.Select(result => result.Message.Id));

        Assert.Equal(1000, seen.Count);
        var deeper = await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Messages.SearchAsync("u", "apple", limit: 200, cursor: page.NextCursor));
        Assert.Contains("best 1000 results", Assert.Single(deeper.Problem!.Errors!["cursor"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenant_wide_search_and_events_need_the_admin_scope()
    {
        var (tenantId, _) = await _server.NewTenantAsync();
        var reader = await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "reader", Scopes = [ApiKeyScopes.Read, ApiKeyScopes.Write] });
        var client = _server.As(reader.Key);

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope", () => client.Messages.SearchTenantAsync("x"));
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope", () => client.Events.ListTenantAsync());
    }

    [Fact]
    public async Task A_read_only_key_cannot_write()
    {
        var (tenantId, _) = await _server.NewTenantAsync();
        var reader = await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "reader", Scopes = [ApiKeyScopes.Read] });

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope", () => _server.As(reader.Key).Messages.AppendAsync("u", Say("x")));
    }

    [Fact]
    public async Task Messages_in_a_conversation_and_seed_004_shapes()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var conversation = await client.Conversations.CreateAsync("u", new CreateConversationRequest { WorkflowName = "support" });
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "help", ConversationId = conversation.Id });
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "assistant", Content = "sure", ConversationId = conversation.Id });

        using var list = await GetJsonAsync(client.ApiKey!, "api/v1/users/u/conversations?limit=20&offset=0");
        var root = list.RootElement;
        Assert.Equal((1, 20, 0), (root.GetProperty("total").GetInt32(), root.GetProperty("limit").GetInt32(), root.GetProperty("offset").GetInt32()));
        var row = root.GetProperty("conversations")[0];
        foreach (var name in new[] { "id", "workflow", "started_at", "ended_at", "message_count", "metadata" })
        {
            Assert.True(row.TryGetProperty(name, out _), name);
        }
        Assert.Equal(("support", 2), (row.GetProperty("workflow").GetString(), row.GetProperty("message_count").GetInt32()));

        var detail = await client.Conversations.GetAsync("u", conversation.Id);
        Assert.Equal(["help", "sure"], detail.Messages.Select(message => message.Content));
        var ended = await client.Conversations.UpdateAsync("u", conversation.Id, new UpdateConversationRequest { Status = "ended" });
        Assert.NotNull(ended.EndedAt);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "x", ConversationId = Guid.CreateVersion7() }));
        await client.Conversations.DeleteAsync("u", conversation.Id);
        Assert.Empty((await client.Messages.ListAsync("u")).Messages);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Conversations.GetAsync("u", conversation.Id));
    }

    [Fact]
    public async Task Events_are_recorded_by_callers_and_by_mnemo()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        await client.Events.CreateAsync("u", new Mnemo.Events.CreateEventRequest { EventType = "page_view", EventData = JsonDocument.Parse("""{"page":"/"}""").RootElement });
        await client.Conversations.CreateAsync("u", new CreateConversationRequest());

        var mine = await client.Events.ListAsync("u");
        var pageViews = await client.Events.ListTenantAsync(type: "page_view");

        Assert.Equal(["conversation_started", "page_view", "user_created"], mine.Events.Select(e => e.EventType));
        Assert.Equal("/", Assert.Single(pageViews.Events).EventData.GetProperty("page").GetString());
        var firstPage = await client.Events.ListAsync("u", limit: 2);
        Assert.Equal(["user_created"], (await client.Events.ListAsync("u", limit: 2, cursor: firstPage.NextCursor)).Events.Select(e => e.EventType));
    }

    private async Task<HttpResponseMessage> PostAsync(string apiKey, string path, string body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-API-Key", apiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await _server.Http.SendAsync(request);
    }

    [Fact]
    public async Task Timestamps_are_written_in_UTC_with_microseconds_and_a_Z()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest
        {
            Role = "user", Content = "from Lisbon, summer time", CreatedAt = new DateTimeOffset(2026, 7, 1, 13, 0, 0, TimeSpan.FromHours(1)),
        });

        using var history = await GetJsonAsync(client.ApiKey!, "api/v1/users/u/messages");

        Assert.Equal("2026-07-01T12:00:00.000000Z", history.RootElement.GetProperty("messages")[0].GetProperty("created_at").GetString());
    }

    private async Task<JsonDocument> GetJsonAsync(string apiKey, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await _server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteMessageApiTests(SqliteServerFixture fixture) : MessageApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMessageApiTests(PostgresServerFixture fixture) : MessageApiTests(fixture), IClassFixture<PostgresServerFixture>;

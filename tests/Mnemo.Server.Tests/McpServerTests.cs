using System.Net;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mnemo.ApiKeys;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 16: the MCP server at <c>/mcp</c> with the SDK's own client over Streamable HTTP — the
/// tools and their annotations, each tool against its REST twin's answer, the REST problem codes
/// as tool errors, who may act for whom, and the profile and summary resources.
/// </summary>
public abstract class McpServerTests(ServerFixture fixture)
{
    private static readonly string[] Music = ["music"];
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task The_tools_say_what_they_do_and_answer_in_the_rest_apis_json()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        var tools = (await mcp.ListToolsAsync()).ToDictionary(tool => tool.Name);

        Assert.Equal(
            ["add_insight", "erase_user", "forget_message", "get_context", "get_conversation", "get_profile", "list_conversations", "list_insights",
             "recall", "remember", "update_profile"],
            tools.Keys.Order(StringComparer.Ordinal));
        Assert.True(tools["recall"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.True(tools["erase_user"].ProtocolTool.Annotations!.DestructiveHint);
        Assert.False(tools["remember"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.Contains("\"user_id\"", tools["recall"].JsonSchema.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"matched_by\"", tools["recall"].ProtocolTool.OutputSchema!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_remembers_recalls_and_reads_the_users_memory_through_the_same_use_cases_as_rest()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        var turn = new Dictionary<string, object?>
        {
            ["user_id"] = "ana",
            ["messages"] = new object[]
            {
                new { role = "user", content = "My sister Ana lives in Lisbon and teaches piano" },
                new { role = "assistant", content = "Noted: your sister teaches piano in Lisbon." },
            },
            ["idempotency_key"] = "turn-1",
        };
        var remembered = await CallAsync(mcp, "remember", turn);
        var retried = await CallAsync(mcp, "remember", turn);
        var recalled = await CallAsync(mcp, "recall", new() { ["user_id"] = "ana", ["query"] = "where does my sister live?" });
        var context = await CallAsync(mcp, "get_context", new() { ["user_id"] = "ana", ["query"] = "piano", ["max_messages"] = 1 });
        var profile = await CallAsync(mcp, "update_profile", new() { ["user_id"] = "ana", ["tone"] = "warm", ["preferred_topics"] = Music });
        var insight = await CallAsync(mcp, "add_insight", new() { ["user_id"] = "ana", ["topic"] = "family", ["content"] = "has a sister in Lisbon" });
        var insights = await CallAsync(mcp, "list_insights", new() { ["user_id"] = "ana" });

        var first = remembered.GetProperty("messages")[0].GetProperty("id").GetString();
        Assert.Equal(2, remembered.GetProperty("messages").GetArrayLength());
        Assert.Equal(remembered.GetProperty("messages").GetRawText(), retried.GetProperty("messages").GetRawText());
        Assert.StartsWith("My sister Ana", recalled.GetProperty("results")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, context.GetProperty("messages").GetArrayLength());
        Assert.Equal("warm", profile.GetProperty("tone").GetString());
        Assert.Equal("family", insight.GetProperty("topic").GetString());
        Assert.Equal(1, insights.GetProperty("insights").GetArrayLength());
        // The same memory through REST.
        Assert.Equal("warm", (await rest.Memory.GetProfileAsync("ana")).Profile.Tone);
        Assert.Equal(2, (await rest.Messages.ListAsync("ana")).Messages.Count);

        var forgotten = await CallAsync(mcp, "forget_message", new() { ["user_id"] = "ana", ["message_id"] = first });
        Assert.Equal(1, forgotten.GetProperty("deleted").GetInt64());
        Assert.Single((await rest.Messages.ListAsync("ana")).Messages);
        await ErrorAsync(mcp, "forget_message", new() { ["user_id"] = "ana", ["message_id"] = first }, 404, "not_found");
    }

    [Fact]
    public async Task Conversations_are_listed_and_read_with_their_messages()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await rest.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var conversation = await rest.Conversations.CreateAsync("u", new Mnemo.Conversations.CreateConversationRequest());
        await rest.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "hello there", ConversationId = conversation.Id });
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        var listed = await CallAsync(mcp, "list_conversations", new() { ["user_id"] = "u" });
        var read = await CallAsync(mcp, "get_conversation", new() { ["user_id"] = "u", ["conversation_id"] = conversation.Id.ToString() });

        Assert.Equal(conversation.Id.ToString(), listed.GetProperty("conversations")[0].GetProperty("id").GetString());
        Assert.Equal("hello there", read.GetProperty("messages")[0].GetProperty("content").GetString());
        await ErrorAsync(mcp, "get_conversation", new() { ["user_id"] = "u", ["conversation_id"] = "not-an-id" }, 404, "not_found");
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors_with_the_rest_problems_code_and_store_nothing()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "robot", content = "x" } } }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = "nul \u0000 inside" } } }, 400, "invalid_character");
        await ErrorAsync(mcp, "remember", new() { ["messages"] = new object[] { new { role = "user", content = "whose?" } } }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "bad user id", ["messages"] = new object[] { new { role = "user", content = "x" } } }, 400, "validation_failed");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "x", ["mode"] = "fuzzy" }, 400, "validation_failed");
        // Screened before any tool runs, as the API screens query strings: PostgreSQL refuses NUL.
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "nul \u0000 inside" }, 400, "invalid_character");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = "x" } }, ["idempotency_key"] = "k\u0000" }, 400, "invalid_character");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = new string('q', 501) }, 400, "validation_failed");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "x", ["cursor"] = "forged" }, 400, "invalid_cursor");
        await ErrorAsync(mcp, "get_profile", new() { ["user_id"] = "nobody" }, 404, "not_found");
        // The arguments a tool takes, no others (the SDK would drop them silently), and the required ones.
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "x", ["modus"] = "keyword" }, 400, "unknown_fields");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u" }, 400, "validation_failed");
        await ErrorAsync(mcp, "erase_user", new() { ["user_id"] = "u" }, 400, "validation_failed");
        await ErrorAsync(mcp, "add_insight", new() { ["user_id"] = "u", ["topic"] = "t", ["content"] = "c", ["confidence"] = 7.5 }, 400, "validation_failed");
        // Wrong JSON types and formats, at any depth, get the REST answer, not the SDK's binding error.
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "x", ["limit"] = "ten" }, 400, "validation_failed");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = "x", ["limit"] = 1e20 }, 400, "validation_failed");
        await ErrorAsync(mcp, "recall", new() { ["user_id"] = "u", ["query"] = null }, 400, "validation_failed");
        await ErrorAsync(mcp, "update_profile", new() { ["user_id"] = "u", ["preferred_topics"] = "music" }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = "hello" }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = 5 } } }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = "x", colour = "red" } } }, 400, "unknown_fields");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = "x", conversation_id = "not-a-uuid" } } }, 400, "validation_failed");
        await ErrorAsync(mcp, "remember", new() { ["user_id"] = "u", ["messages"] = new object[] { new { role = "user", content = "x", created_at = "yesterday" } } }, 400, "validation_failed");

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => rest.Messages.ListAsync("u"));
    }

    [Fact]
    public async Task A_key_acts_within_its_scopes_and_a_user_token_for_its_own_user_only()
    {
        var (tenantId, rest) = await _server.NewTenantAsync();
        await rest.Messages.AppendAsync("alice", new AppendMessagesRequest { Role = "user", Content = "alice's secret" });
        await rest.Messages.AppendAsync("bob", new AppendMessagesRequest { Role = "user", Content = "bob's secret" });
        var reader = await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "reader", Scopes = [ApiKeyScopes.Read] });
        var writer = await _server.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "writer", Scopes = [ApiKeyScopes.Read, ApiKeyScopes.Write] });
        var alice = await rest.Auth.LoginAsync("alice");
        var (_, otherTenant) = await _server.NewTenantAsync();

        await using (var readOnly = await ConnectAsync(reader.Key))
        {
            await CallAsync(readOnly, "get_profile", new() { ["user_id"] = "bob" });
            await ErrorAsync(readOnly, "remember", new() { ["user_id"] = "bob", ["messages"] = new object[] { new { role = "user", content = "x" } } }, 403, "insufficient_scope");
        }
        await using (var notAdmin = await ConnectAsync(writer.Key))
        {
            await ErrorAsync(notAdmin, "erase_user", new() { ["user_id"] = "bob", ["confirm"] = "bob" }, 403, "insufficient_scope");
        }
        await using (var asAlice = await ConnectAsync(alice.AccessToken))
        {
            var own = await CallAsync(asAlice, "recall", new() { ["query"] = "secret", ["mode"] = "keyword" });
            Assert.Equal("alice's secret", Assert.Single(own.GetProperty("results").EnumerateArray()).GetProperty("message").GetProperty("content").GetString());
            await ErrorAsync(asAlice, "recall", new() { ["user_id"] = "bob", ["query"] = "secret" }, 403, "user_forbidden");
            await ErrorAsync(asAlice, "get_context", new() { ["user_id"] = "bob" }, 403, "user_forbidden");
            await ErrorAsync(asAlice, "remember", new() { ["messages"] = new object[] { new { role = "user", content = "x" } } }, 403, "user_forbidden");
            await ErrorAsync(asAlice, "list_insights", new(), 403, "user_forbidden");
        }
        await using (var stranger = await ConnectAsync(otherTenant.ApiKey!))
        {
            // Another tenant's key sees none of this tenant's users.
            await ErrorAsync(stranger, "get_profile", new() { ["user_id"] = "alice" }, 404, "not_found");
        }
        using var call = new HttpRequestMessage(HttpMethod.Post, new Uri("mcp", UriKind.Relative))
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        call.Headers.Accept.ParseAdd("application/json, text/event-stream");
        using var anonymous = await _server.Http.SendAsync(call);
        Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{anonymous.StatusCode}: {await anonymous.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Erasure_needs_the_admin_scope_and_the_user_id_again()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await rest.Messages.AppendAsync("gone", new AppendMessagesRequest { Role = "user", Content = "forget me" });
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        await ErrorAsync(mcp, "erase_user", new() { ["user_id"] = "gone", ["confirm"] = "yes" }, 400, "validation_failed");
        Assert.Single((await rest.Messages.ListAsync("gone")).Messages);
        var erased = await CallAsync(mcp, "erase_user", new() { ["user_id"] = "gone", ["confirm"] = "gone" });

        Assert.Equal(1, erased.GetProperty("deleted").GetProperty("messages").GetInt64());
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => rest.Messages.ListAsync("gone"));
    }

    [Fact]
    public async Task The_profile_and_summary_are_readable_resources()
    {
        var (_, rest) = await _server.NewTenantAsync();
        await rest.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "hello" });
        await rest.Memory.CompressAsync("u", new Mnemo.Memory.CompressMemoryRequest { Summary = "Likes short answers.", KeepLastN = 1 });
        await using var mcp = await ConnectAsync(rest.ApiKey!);

        var templates = (await mcp.ListResourceTemplatesAsync()).Select(template => template.UriTemplate).Order(StringComparer.Ordinal);
        var profile = await mcp.ReadResourceAsync("mnemo://users/u/profile");
        var summary = await mcp.ReadResourceAsync("mnemo://users/u/summary");

        Assert.Equal(["mnemo://users/{id}/profile", "mnemo://users/{id}/summary"], templates);
        Assert.Equal("u", JsonDocument.Parse(((TextResourceContents)profile.Contents[0]).Text).RootElement.GetProperty("user_id").GetString());
        Assert.Equal("Likes short answers.", ((TextResourceContents)summary.Contents[0]).Text);
        var missing = await Assert.ThrowsAnyAsync<McpException>(async () => await mcp.ReadResourceAsync("mnemo://users/nobody/profile"));
        Assert.Contains("not_found", missing.Message, StringComparison.Ordinal);
    }

    private async Task<McpClient> ConnectAsync(string credential) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_server.Address, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {credential}" },
        }));

    /// <summary>A tool's structured answer; fails the test on a tool error.</summary>
    private static async Task<JsonElement> CallAsync(McpClient mcp, string tool, Dictionary<string, object?> arguments)
    {
        var result = await mcp.CallToolAsync(tool, arguments);
        Assert.True(result.IsError != true, $"{tool}: {string.Join(' ', result.Content.OfType<TextContentBlock>().Select(block => block.Text))}");
        return result.StructuredContent!.Value;
    }

    /// <summary>Asserts a tool error carrying the REST problem's status and code.</summary>
    private static async Task ErrorAsync(McpClient mcp, string tool, Dictionary<string, object?> arguments, int status, string code)
    {
        var result = await mcp.CallToolAsync(tool, arguments);
        var text = string.Join(' ', result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        Assert.True(result.IsError == true, $"{tool} succeeded: {text}");
        Assert.Null(result.StructuredContent); // it would not match the tool's output schema
        Assert.True(result.Content.Count == 2, $"{tool}: not a problem: {text}");
        var problem = JsonDocument.Parse(result.Content.OfType<TextContentBlock>().Last().Text).RootElement;
        Assert.True(code == problem.GetProperty("code").GetString(), $"{tool}: expected {code}, got {text}");
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(code, text, StringComparison.Ordinal);
    }
}

public sealed class SqliteMcpServerTests(SqliteServerFixture fixture) : McpServerTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMcpServerTests(PostgresServerFixture fixture) : McpServerTests(fixture), IClassFixture<PostgresServerFixture>;

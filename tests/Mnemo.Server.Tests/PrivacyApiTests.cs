using System.Net;
using System.Text;
using System.Text.Json;
using Mnemo.Conversations;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public abstract class PrivacyApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Export_as_json_holds_the_user_conversations_messages_and_events()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u", Email = "u@example.com" });
        await client.Campaigns.CreateAsync(new Mnemo.Campaigns.CreateCampaignRequest { Id = "promo" });
        await client.Campaigns.UpsertCampaignContextAsync(new Mnemo.Campaigns.CampaignContextRequest { UserId = "u", CampaignId = "promo" });
        var conversation = await client.Conversations.CreateAsync("u", new CreateConversationRequest { WorkflowName = "chat" });
        for (var i = 0; i < 3; i++)
        {
            await client.Messages.AppendAsync("u", new AppendMessagesRequest
            {
                Messages = [.. Enumerable.Range(0, 100).Select(j => new MessageInput { Role = "user", Content = $"m{i * 100 + j}", ConversationId = conversation.Id })],
            });
        }

        using var buffer = new MemoryStream();
        await client.Users.ExportAsync("u", buffer);
        using var export = JsonDocument.Parse(buffer.ToArray());
        var root = export.RootElement;

        Assert.Equal("u@example.com", root.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(1, root.GetProperty("profile").GetProperty("stats").GetProperty("total_conversations").GetInt32());
        Assert.Equal(conversation.Id.ToString(), root.GetProperty("conversations")[0].GetProperty("id").GetString());
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"m{i}"), root.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Contains(root.GetProperty("events").EnumerateArray(), e => e.GetProperty("event_type").GetString() == "conversation_started");
        Assert.Equal("promo", root.GetProperty("campaign_participations")[0].GetProperty("campaign_id").GetString());
    }

    [Fact]
    public async Task Export_as_csv_quotes_content_and_escapes_formulas()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest
        {
            Messages =
            [
                new MessageInput { Role = "user", Content = "hello, \"world\"\nsecond line" },
                new MessageInput { Role = "assistant", Content = "=HYPERLINK(\"http://evil\")" },
            ],
        });

        using var buffer = new MemoryStream();
        await client.Users.ExportAsync("u", buffer, "csv");
        var csv = Encoding.UTF8.GetString(buffer.ToArray());

        Assert.StartsWith("id,seq,created_at,role,content,conversation_id,campaign_id,tags,metadata,edited_at", csv, StringComparison.Ordinal);
        Assert.Contains("\"hello, \"\"world\"\"\nsecond line\"", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasure_removes_the_user_and_everything_that_names_them()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "leaving" });
        await client.Conversations.CreateAsync("leaving", new CreateConversationRequest());
        await client.Messages.AppendAsync("leaving", new AppendMessagesRequest { Role = "user", Content = "my quokka secret", IdempotencyKey = "k" });
        await client.Messages.AppendAsync("staying", new AppendMessagesRequest { Role = "user", Content = "a quokka too" });
        await client.Memory.CompressAsync("leaving", new Mnemo.Memory.CompressMemoryRequest { Summary = "quokka summary", KeepLastN = 10 });
        await client.Insights.CreateAsync("leaving", new Mnemo.Insights.CreateInsightRequest { Topic = "animals", Content = "quokkas" });
        await client.Campaigns.CreateAsync(new Mnemo.Campaigns.CreateCampaignRequest { Id = "promo" });
        await client.Campaigns.AppendMessagesAsync("promo", "leaving", new AppendMessagesRequest { Role = "user", Content = "campaign quokka" });
        var task = await client.Tasks.CreateAsync(new Mnemo.Tasks.CreateTaskRequest
        {
            TaskType = "follow_up", UserId = "leaving", Request = JsonDocument.Parse("""{"about":"leaving"}""").RootElement,
        });

        var erased = await client.Users.EraseAsync("leaving");

        Assert.Equal(2, erased.Deleted["messages"]);
        Assert.Equal(1, erased.Deleted["campaign_participants"]);
        Assert.Equal(1, erased.Deleted["conversations"]);
        Assert.Equal(1, erased.Deleted["users"]);
        Assert.Equal((1L, 1L, 1L), (erased.Deleted["profiles"], erased.Deleted["insights"], erased.Deleted["tasks"]));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("leaving"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Tasks.GetAsync(task.Id));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Memory.GetContextAsync("leaving"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.ExportAsync("leaving", Stream.Null));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Messages.SearchAsync("leaving", "quokka"));
        Assert.Equal(["a quokka too"], (await client.Messages.SearchTenantAsync("quokka")).Results.Select(r => r.Message.Content));
        var erasure = Assert.Single((await client.Events.ListTenantAsync(type: "user_erased")).Events);
        Assert.Null(erasure.UserId);
        Assert.DoesNotContain("leaving", erasure.EventData.GetRawText(), StringComparison.Ordinal);

        // Writing again after erasure starts from nothing: the old idempotency key is gone too.
        var again = await client.Messages.AppendAsync("leaving", new AppendMessagesRequest { Role = "user", Content = "new start", IdempotencyKey = "k" });
        Assert.Equal("new start", again.Messages[0].Content);
    }

    [Fact]
    public async Task The_ledger_proves_an_erasure_and_reapplies_it_after_a_restore()
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("restored", new AppendMessagesRequest { Role = "user", Content = "old data" });
        await client.Users.EraseAsync("restored");

        var ledger = Assert.Single((await client.Users.ListErasuresAsync()).Erasures);
        Assert.Equal(Mnemo.Storage.Erasure.UserEraser.HashUserId(tenantId, "restored", ledger.Salt), ledger.UserHash);
        Assert.Equal(1, ledger.Counts["messages"]);

        // A backup from before the erasure comes back: the user is there again.
        await client.Messages.AppendAsync("restored", new AppendMessagesRequest { Role = "user", Content = "old data" });
        await client.Messages.AppendAsync("innocent", new AppendMessagesRequest { Role = "user", Content = "keep me" });
        var reapplied = await client.Users.ReapplyErasuresAsync();

        Assert.Equal(1, reapplied.Erased);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Users.GetAsync("restored"));
        Assert.Single((await client.Messages.ListAsync("innocent")).Messages);
    }
}

public sealed class SqlitePrivacyApiTests(SqliteServerFixture fixture) : PrivacyApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresPrivacyApiTests(PostgresServerFixture fixture) : PrivacyApiTests(fixture), IClassFixture<PostgresServerFixture>;

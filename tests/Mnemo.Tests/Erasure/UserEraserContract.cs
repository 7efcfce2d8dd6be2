using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Erasure;
using Mnemo.Storage.Events;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Users;
using Mnemo.Testing;

namespace Mnemo.Tests.Erasure;

public abstract class UserEraserContract(StoreFixture fixture)
{
    private readonly MessageStore _messages = new(fixture.Database, TimeProvider.System);
    private readonly ConversationStore _conversations = new(fixture.Database);
    private readonly EventStore _events = new(fixture.Database, TimeProvider.System);
    private readonly UserEraser _eraser = new(fixture.Database, TimeProvider.System);

    [Fact]
    public async Task Erasure_removes_every_row_naming_the_user_and_keeps_a_ledger_without_content()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "bystander", [new NewMessage { Role = "user", Content = "unrelated zebra" }], CancellationToken.None);
        await _messages.AppendAsync(tenant, "gone", [new NewMessage { Role = "user", Content = "my zebra secret", IdempotencyKey = "k" }], CancellationToken.None);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(), UserId = "gone", Status = ConversationStatus.Active, StartedAt = TimeProvider.System.GetUtcNow(), MessageCount = 0, Metadata = JsonObjects.Empty,
        };
        await _conversations.CreateAsync(tenant, conversation, CancellationToken.None);
        await _messages.AppendAsync(tenant, "gone", [new NewMessage { Role = "assistant", Content = "zebra reply", ConversationId = conversation.Id }], CancellationToken.None);
        await _events.AppendAsync(tenant, "gone", "page_view", """{"page":"/"}""", CancellationToken.None);

        var counts = await _eraser.EraseAsync(tenant, "gone", CancellationToken.None);

        Assert.Equal(2, counts!["messages"]);
        Assert.Equal(1, counts["conversations"]);
        Assert.Equal(3, counts["events"]); // user_created, conversation_started, page_view
        Assert.Equal(1, counts["users"]);
        Assert.Null(await new UserStore(fixture.Database).GetAsync(tenant, "gone", CancellationToken.None));
        Assert.Null(await _messages.ListAsync(tenant, "gone", new MessageQuery { Limit = 10 }, CancellationToken.None));
        Assert.Null(await _events.ListAsync(tenant, "gone", null, 10, null, CancellationToken.None));
        var search = await _messages.SearchAsync(tenant, null, "zebra", RecallFilter.None, 10, 0, CancellationToken.None);
        Assert.Equal(["unrelated zebra"], search.Select(hit => hit.Message.Content));
        Assert.Null(await _eraser.EraseAsync(tenant, "gone", CancellationToken.None));

        var erased = Assert.Single(await _events.ListAsync(tenant, null, EventTypes.UserErased, 10, null, CancellationToken.None) ?? []);
        Assert.Null(erased.UserId);
        Assert.DoesNotContain("gone", erased.EventData.GetRawText(), StringComparison.Ordinal);

        await using var session = await fixture.Database.ReadAsync(CancellationToken.None);
        await using var ledger = session.Command("SELECT user_hash, salt FROM erasure_ledger WHERE tenant_id = @tenant_id")
            .With("tenant_id", tenant);
        var row = Assert.Single(await ledger.ListAsync(reader => (Hash: reader.GetString(0), Salt: reader.GetString(1)), CancellationToken.None));
        Assert.Equal(UserEraser.HashUserId(tenant, "gone", row.Salt), row.Hash);
        Assert.NotEqual(UserEraser.HashUserId(tenant, "bystander", row.Salt), row.Hash);
    }
}

public sealed class SqliteUserEraserTests(SqliteStoreFixture fixture) : UserEraserContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresUserEraserTests(PostgresStoreFixture fixture) : UserEraserContract(fixture), IClassFixture<PostgresStoreFixture>;

using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Testing;
using Mnemo.Time;

namespace Mnemo.Tests.Conversations;

public abstract class ConversationStoreContract(StoreFixture fixture)
{
    private readonly ConversationStore _conversations = new(fixture.Database);
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNowMicroseconds();

    private Conversation Started(string user, int minutesAgo) => new()
    {
        Id = Guid.CreateVersion7(), UserId = user, Workflow = "support", Status = ConversationStatus.Active,
        StartedAt = _now.AddMinutes(-minutesAgo), MessageCount = 0, Metadata = JsonObjects.Parse("""{"channel":"web"}"""),
    };

    private async Task<string> TenantWithUserAsync(string user)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, new Mnemo.Users.User { Id = user, Metadata = JsonObjects.Empty, CreatedAt = _now, LastSeen = _now }, CancellationToken.None);
        return tenant;
    }

    [Fact]
    public async Task A_conversation_needs_an_existing_user()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        Assert.False(await _conversations.CreateAsync(tenant, Started("ghost", 0), CancellationToken.None));
    }

    [Fact]
    public async Task List_is_newest_first_with_total_by_offset_and_by_cursor()
    {
        var tenant = await TenantWithUserAsync("u");
        var created = new List<Conversation>();
        for (var i = 0; i < 5; i++)
        {
            var conversation = Started("u", minutesAgo: 10 - i);
            await _conversations.CreateAsync(tenant, conversation, CancellationToken.None);
            created.Add(conversation);
        }
        var newestFirst = created.AsEnumerable().Reverse().Select(conversation => conversation.Id).ToList();

        var byOffset = await _conversations.ListAsync(tenant, "u", new ConversationQuery(2, 2, null), CancellationToken.None);
        Assert.Equal(5, byOffset!.Total);
        Assert.Equal(newestFirst.Skip(2).Take(2), byOffset.Conversations.Select(conversation => conversation.Id));
        Assert.True(byOffset.HasMore);

        var second = byOffset.Conversations[^1];
        var byCursor = await _conversations.ListAsync(tenant, "u", new ConversationQuery(10, 0, new(second.StartedAt, second.Id)), CancellationToken.None);
        Assert.Equal(newestFirst.Skip(4), byCursor!.Conversations.Select(conversation => conversation.Id));
        Assert.False(byCursor.HasMore);
        Assert.Null(await _conversations.ListAsync(tenant, "nobody", new ConversationQuery(10, 0, null), CancellationToken.None));
    }

    [Fact]
    public async Task Ending_records_the_time_once_and_an_event()
    {
        var tenant = await TenantWithUserAsync("u");
        var conversation = Started("u", 5);
        await _conversations.CreateAsync(tenant, conversation, CancellationToken.None);

        var ended = await _conversations.UpdateAsync(tenant, "u", conversation.Id, new ConversationUpdate(_now, null), CancellationToken.None);
        var again = await _conversations.UpdateAsync(tenant, "u", conversation.Id, new ConversationUpdate(_now.AddHours(1), """{"rating":5}"""), CancellationToken.None);

        Assert.Equal((ConversationStatus.Ended, _now), (ended!.Status, ended.EndedAt));
        Assert.Equal(_now, again!.EndedAt);
        Assert.Equal(5, again.Metadata.GetProperty("rating").GetInt32());
        var events = await new EventStore(fixture.Database, TimeProvider.System).ListAsync(tenant, "u", EventTypes.ConversationEnded, 10, null, CancellationToken.None);
        Assert.Single(events!);
        Assert.Null(await _conversations.UpdateAsync(tenant, "other", conversation.Id, new ConversationUpdate(_now, null), CancellationToken.None));
    }
}

public sealed class SqliteConversationStoreTests(SqliteStoreFixture fixture) : ConversationStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresConversationStoreTests(PostgresStoreFixture fixture) : ConversationStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

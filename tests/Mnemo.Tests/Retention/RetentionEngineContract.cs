using Mnemo.Campaigns;
using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Events;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Retention;
using Mnemo.Storage.Tenants;
using Mnemo.Tenants;
using Mnemo.Testing;

namespace Mnemo.Tests.Retention;

public abstract class RetentionEngineContract(StoreFixture fixture)
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

    private MessageStore Messages => new(fixture.Database, _clock);

    private RetentionEngine Engine(int batchSize = 1000) => new(fixture.Database, new TenantSettingsDefaults(), _clock, batchSize);

    private async Task<string> TenantAsync(string settingsJson)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new TenantStore(fixture.Database).UpdateAsync(tenant, new TenantUpdate { SettingsPatchJson = settingsJson, UpdatedAt = _clock.GetUtcNow() }, CancellationToken.None);
        return tenant;
    }

    private async Task<IReadOnlyList<string>> ContentsAsync(string tenant, string user) =>
        (await Messages.ListAsync(tenant, user, new MessageQuery { Limit = 200 }, CancellationToken.None))?.Messages.Select(m => m.Content).ToList() ?? [];

    [Fact]
    public async Task Messages_past_the_retention_go_and_those_inside_the_window_stay_to_the_second()
    {
        var tenant = await TenantAsync("""{"message_retention_days":7}""");
        var keepForever = await TenantAsync("{}");
        await Messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "old" }], CancellationToken.None);
        await Messages.AppendAsync(keepForever, "u", [new NewMessage { Role = "user", Content = "kept forever" }], CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "two seconds younger" }], CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        var first = await Engine().RunPassAsync("node-a", CancellationToken.None);
        var afterFirst = await ContentsAsync(tenant, "u");

        Assert.True(first!.Messages >= 1);
        Assert.Equal(["two seconds younger"], afterFirst);
        Assert.Equal(["kept forever"], await ContentsAsync(keepForever, "u"));

        _clock.Advance(TimeSpan.FromSeconds(2));
        await Engine().RunPassAsync("node-a", CancellationToken.None);
        Assert.Empty(await ContentsAsync(tenant, "u"));
    }

    [Fact]
    public async Task Deletes_go_in_batches_until_done()
    {
        var tenant = await TenantAsync("""{"message_retention_days":1}""");
        await Messages.AppendAsync(tenant, "u", [.. Enumerable.Range(0, 95).Select(i => new NewMessage { Role = "user", Content = $"m{i}" })], CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(2));

        var counts = await Engine(batchSize: 10).RunPassAsync("node-a", CancellationToken.None);

        Assert.True(counts!.Messages >= 95);
        Assert.Empty(await ContentsAsync(tenant, "u"));
    }

    [Fact]
    public async Task Expired_participants_go_with_their_messages_and_nothing_else()
    {
        var tenant = await TenantAsync("""{"campaign_ttl_days":30}""");
        var campaigns = new CampaignStore(fixture.Database, _clock);
        await campaigns.CreateAsync(tenant, new Campaign
        {
            Id = "promo", Name = "promo", Status = "active", Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        }, CancellationToken.None);
        var contexts = new UserContextStore(fixture.Database, _clock);
        await Messages.AppendForParticipantAsync(tenant, "promo", "short", [new NewMessage { Role = "user", Content = "bye soon" }], 30, CancellationToken.None);
        await contexts.SetExpiryAsync(tenant, "promo", "short", 1, null, CancellationToken.None);
        await Messages.AppendForParticipantAsync(tenant, "promo", "long", [new NewMessage { Role = "user", Content = "staying" }], 30, CancellationToken.None);
        await Messages.AppendAsync(tenant, "short", [new NewMessage { Role = "user", Content = "system twin" }], CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(2));
        var counts = await Engine().RunPassAsync("node-a", CancellationToken.None);

        Assert.Equal((1L, 1L), (counts!.Participants, counts.ParticipantMessages));
        Assert.Null(await contexts.GetParticipantAsync(tenant, "promo", "short", CancellationToken.None));
        Assert.NotNull(await contexts.GetParticipantAsync(tenant, "promo", "long", CancellationToken.None));
        Assert.Equal(["system twin"], await ContentsAsync(tenant, "short"));
    }

    [Fact]
    public async Task Idle_conversations_are_ended_at_their_last_message_with_an_event()
    {
        var tenant = await TenantAsync("""{"conversation_idle_minutes":30}""");
        await new Storage.Users.UserStore(fixture.Database).CreateAsync(tenant, new Mnemo.Users.User
        {
            Id = "u", Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), LastSeen = _clock.GetUtcNow(),
        }, CancellationToken.None);
        var conversations = new ConversationStore(fixture.Database);
        var idle = new Conversation { Id = Guid.CreateVersion7(), UserId = "u", Status = "active", StartedAt = _clock.GetUtcNow(), MessageCount = 0, Metadata = JsonObjects.Empty };
        var busy = idle with { Id = Guid.CreateVersion7() };
        await conversations.CreateAsync(tenant, idle, CancellationToken.None);
        await conversations.CreateAsync(tenant, busy, CancellationToken.None);
        await Messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "x", ConversationId = idle.Id }], CancellationToken.None);
        var lastMessageAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(25));
        await Messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "y", ConversationId = busy.Id }], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(10));

        var counts = await Engine().RunPassAsync("node-a", CancellationToken.None);

        Assert.Equal(1, counts!.ConversationsArchived);
        var ended = await conversations.GetAsync(tenant, "u", idle.Id, CancellationToken.None);
        Assert.Equal(("ended", lastMessageAt), (ended!.Status, ended.EndedAt!.Value));
        Assert.Equal("active", (await conversations.GetAsync(tenant, "u", busy.Id, CancellationToken.None))!.Status);
        var archived = Assert.Single((await new EventStore(fixture.Database, _clock).ListAsync(tenant, "u", EventTypes.ConversationArchived, 10, null, CancellationToken.None))!);
        Assert.Equal(1, archived.EventData.GetProperty("message_count").GetInt32());
    }

    [Fact]
    public async Task A_second_node_does_not_run_a_pass_while_the_first_holds_the_lease()
    {
        var first = Engine();
        var second = Engine();

        Assert.True(await first.Lease.TryTakeAsync("node-a", CancellationToken.None));
        Assert.Null(await second.RunPassAsync("node-b", CancellationToken.None));

        await first.Lease.ReleaseAsync("node-a", CancellationToken.None);
        Assert.NotNull(await second.RunPassAsync("node-b", CancellationToken.None));

        Assert.True(await first.Lease.TryTakeAsync("node-a", CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull(await second.RunPassAsync("node-b", CancellationToken.None));
    }
}

public sealed class SqliteRetentionEngineTests(SqliteStoreFixture fixture) : RetentionEngineContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresRetentionEngineTests(PostgresStoreFixture fixture) : RetentionEngineContract(fixture), IClassFixture<PostgresStoreFixture>;

/// <summary>The same contract through PgBouncer in transaction pooling (<c>Mnemo__Storage__Pooler=pgbouncer</c>).</summary>
public sealed class PgBouncerRetentionEngineTests(PgBouncerStoreFixture fixture) : RetentionEngineContract(fixture), IClassFixture<PgBouncerStoreFixture>;

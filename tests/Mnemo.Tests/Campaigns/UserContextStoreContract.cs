using Mnemo.Campaigns;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Users;
using Mnemo.Testing;

namespace Mnemo.Tests.Campaigns;

public abstract class UserContextStoreContract(StoreFixture fixture)
{
    private const int TenantTtl = 90;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    private CampaignStore Campaigns => new(fixture.Database, _clock);
    private UserContextStore Contexts => new(fixture.Database, _clock);
    private MessageStore Messages => new(fixture.Database, _clock);

    private async Task<string> TenantWithCampaignAsync(string campaignId, int? ttlDays = null)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await Campaigns.CreateAsync(tenant, new Campaign
        {
            Id = campaignId, Name = campaignId, TtlDays = ttlDays, Status = "active", Metadata = JsonObjects.Empty,
            CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        }, CancellationToken.None);
        return tenant;
    }

    [Fact]
    public async Task Expiry_comes_from_the_participant_else_the_campaign_else_the_tenant()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        await Campaigns.CreateAsync(tenant, new Campaign
        {
            Id = "short", Name = "short", TtlDays = 10, Status = "active", Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        }, CancellationToken.None);
        var now = _clock.GetUtcNow();

        var fromTenant = await Contexts.UpsertParticipantAsync(tenant, "spring", "a", """{"step":1}""", false, null, TenantTtl, CancellationToken.None);
        var fromCampaign = await Contexts.UpsertParticipantAsync(tenant, "short", "a", "{}", false, null, TenantTtl, CancellationToken.None);
        var own = await Contexts.UpsertParticipantAsync(tenant, "short", "b", "{}", false, 3, TenantTtl, CancellationToken.None);

        Assert.Equal(now.AddDays(90), fromTenant!.ExpiresAt);
        Assert.Equal(now.AddDays(10), fromCampaign!.ExpiresAt);
        Assert.Equal(now.AddDays(3), own!.ExpiresAt);
        Assert.Null(await Contexts.UpsertParticipantAsync(tenant, "no-such-campaign", "a", "{}", false, null, TenantTtl, CancellationToken.None));
    }

    [Fact]
    public async Task Writes_merge_the_context_and_move_the_expiry_unless_it_was_fixed()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        await Contexts.UpsertParticipantAsync(tenant, "spring", "a", """{"step":1,"lang":"en"}""", false, null, TenantTtl, CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(1));

        var merged = await Contexts.UpsertParticipantAsync(tenant, "spring", "a", """{"step":2}""", false, null, TenantTtl, CancellationToken.None);
        JsonAssert.Equivalent("""{"step":2,"lang":"en"}""", merged!.Context);
        Assert.Equal(_clock.GetUtcNow().AddDays(90), merged.ExpiresAt);

        var fixedAt = _clock.GetUtcNow().AddDays(2);
        await Contexts.SetExpiryAsync(tenant, "spring", "a", null, fixedAt, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));
        var afterWrite = await Contexts.UpsertParticipantAsync(tenant, "spring", "a", """{"x":true}""", true, null, TenantTtl, CancellationToken.None);
        Assert.Equal(fixedAt, afterWrite!.ExpiresAt);
        JsonAssert.Equivalent("""{"x":true}""", afterWrite.Context);

        var byTtl = await Contexts.SetExpiryAsync(tenant, "spring", "a", 5, null, CancellationToken.None);
        Assert.Equal((_clock.GetUtcNow().AddDays(5), 5), (byTtl!.ExpiresAt, byTtl.TtlDays!.Value));
    }

    [Fact]
    public async Task Participant_messages_never_create_a_system_user()
    {
        var tenant = await TenantWithCampaignAsync("spring");

        await Messages.AppendForParticipantAsync(tenant, "spring", "visitor", [new NewMessage { Role = "user", Content = "hi" }], TenantTtl, CancellationToken.None);

        Assert.Null(await new UserStore(fixture.Database).GetAsync(tenant, "visitor", CancellationToken.None));
        Assert.NotNull(await Contexts.GetParticipantAsync(tenant, "spring", "visitor", CancellationToken.None));
        var page = await Messages.ListAsync(tenant, "visitor", new MessageQuery { Limit = 10, CampaignId = "spring" }, CancellationToken.None);
        Assert.Equal("spring", Assert.Single(page!.Messages).CampaignId);
        await Assert.ThrowsAsync<CampaignNotFoundException>(() =>
            Messages.AppendForParticipantAsync(tenant, "nope", "visitor", [new NewMessage { Role = "user", Content = "x" }], TenantTtl, CancellationToken.None));
    }

    [Fact]
    public async Task Participant_and_plain_appends_queued_together_each_keep_their_rules_and_a_bad_one_fails_alone()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        var busyWriter = await BusyWriter.StartAsync(fixture.Database, tenant);

        // Queued behind a busy writer, so (on a single writer) they form one batch of both kinds,
        // whose failing participant append sends it down the one-savepoint-per-item path.
        var member = Messages.AppendAsync(tenant, "member", [new NewMessage { Role = "user", Content = "from a member" }], CancellationToken.None);
        var visitor = Messages.AppendForParticipantAsync(
            tenant, "spring", "visitor", [new NewMessage { Role = "user", Content = "from a visitor" }], TenantTtl, CancellationToken.None);
        var lost = Messages.AppendForParticipantAsync(
            tenant, "no-such-campaign", "stray", [new NewMessage { Role = "user", Content = "lost" }], TenantTtl, CancellationToken.None);
        var second = Messages.AppendAsync(tenant, "member", [new NewMessage { Role = "user", Content = "again" }], CancellationToken.None);
        await busyWriter.ReleaseAsync();

        Assert.True((await member).UserCreated);
        Assert.False((await second).UserCreated);
        Assert.Equal("spring", (await visitor).Messages[0].CampaignId);
        await Assert.ThrowsAsync<CampaignNotFoundException>(() => lost);
        Assert.Null(await new UserStore(fixture.Database).GetAsync(tenant, "visitor", CancellationToken.None));
        Assert.Null(await Messages.ListAsync(tenant, "stray", new MessageQuery { Limit = 10 }, CancellationToken.None));
        var history = await Messages.ListAsync(tenant, "member", new MessageQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["from a member", "again"], history!.Messages.Select(message => message.Content));
    }

    [Fact]
    public async Task Migration_moves_context_and_every_message_once_even_when_called_concurrently()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        await Contexts.UpsertSystemAsync(tenant, "u", """{"plan":"free","name":"Ada"}""", false, null, CancellationToken.None);
        await Contexts.UpsertParticipantAsync(tenant, "spring", "u", """{"plan":"trial","coupon":"X1"}""", false, null, TenantTtl, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await Messages.AppendForParticipantAsync(tenant, "spring", "u",
                [.. Enumerable.Range(0, 50).Select(j => new NewMessage { Role = "user", Content = $"c{i * 50 + j}" })], TenantTtl, CancellationToken.None);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => Contexts.MigrateAsync(tenant, "spring", "u", CancellationToken.None))));

        Assert.All(results, result => Assert.Equal((150L, results[0]!.MigratedAt), (result!.MessagesMoved, result.MigratedAt)));
        var system = await Contexts.GetSystemAsync(tenant, "u", CancellationToken.None);
        JsonAssert.Equivalent("""{"plan":"trial","name":"Ada","coupon":"X1"}""", system!.Context);
        var history = await Messages.ListAsync(tenant, "u", new MessageQuery { Limit = 200 }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"c{i}"), history!.Messages.Select(message => message.Content));
        Assert.All(history.Messages, message => Assert.Null(message.CampaignId));
        Assert.Equal("u", (await Contexts.GetParticipantAsync(tenant, "spring", "u", CancellationToken.None))!.MigratedTo);
        Assert.Null(await Contexts.MigrateAsync(tenant, "spring", "stranger", CancellationToken.None));
    }

    [Fact]
    public async Task Migration_creates_the_system_user_when_missing()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        await Contexts.UpsertParticipantAsync(tenant, "spring", "new", """{"a":1}""", false, null, TenantTtl, CancellationToken.None);

        var result = await Contexts.MigrateAsync(tenant, "spring", "new", CancellationToken.None);

        Assert.True(result!.UserCreated);
        JsonAssert.Equivalent("""{"a":1}""", (await Contexts.GetSystemAsync(tenant, "new", CancellationToken.None))!.Context);
    }

    [Fact]
    public async Task Deleting_a_campaign_takes_its_participants_and_their_messages()
    {
        var tenant = await TenantWithCampaignAsync("spring");
        await Messages.AppendForParticipantAsync(tenant, "spring", "v", [new NewMessage { Role = "user", Content = "x" }], TenantTtl, CancellationToken.None);
        await Messages.AppendAsync(tenant, "v", [new NewMessage { Role = "user", Content = "system message" }], CancellationToken.None);

        Assert.Equal(1L, await Campaigns.DeleteAsync(tenant, "spring", CancellationToken.None));

        Assert.Null(await Contexts.GetParticipantAsync(tenant, "spring", "v", CancellationToken.None));
        Assert.Equal(["system message"], (await Messages.ListAsync(tenant, "v", new MessageQuery { Limit = 10 }, CancellationToken.None))!.Messages.Select(m => m.Content));
    }
}

public sealed class SqliteUserContextStoreTests(SqliteStoreFixture fixture) : UserContextStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresUserContextStoreTests(PostgresStoreFixture fixture) : UserContextStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

using Mnemo.Json;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Users;
using Mnemo.Conversations;
using Mnemo.Testing;
using Mnemo.Time;
using Mnemo.Users;

namespace Mnemo.Tests.Users;

public abstract class UserStoreContract(StoreFixture fixture)
{
    private readonly UserStore _users = new(fixture.Database);
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNowMicroseconds();

    private User NewUser(string id) => new()
    {
        Id = id, Email = "a@example.com", Name = "Ada", Metadata = JsonObjects.Parse("""{"plan":"pro"}"""), CreatedAt = _now, LastSeen = _now,
    };

    [Fact]
    public async Task Create_get_list_and_update()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        Assert.True(await _users.CreateAsync(tenant, NewUser("user-1"), CancellationToken.None));
        Assert.True(await _users.CreateAsync(tenant, NewUser("user-2"), CancellationToken.None));
        Assert.False(await _users.CreateAsync(tenant, NewUser("user-1"), CancellationToken.None));

        var read = await _users.GetAsync(tenant, "user-1", CancellationToken.None);
        Assert.Equal(("a@example.com", "Ada", "pro"), (read!.Email, read.Name, read.Metadata.GetProperty("plan").GetString()));

        var page = await _users.ListAsync(tenant, null, 1, CancellationToken.None);
        Assert.Equal("user-1", Assert.Single(page).Id);
        Assert.Equal("user-2", Assert.Single(await _users.ListAsync(tenant, "user-1", 10, CancellationToken.None)).Id);

        var updated = await _users.UpdateAsync(tenant, "user-1", new UserUpdate(null, "Ada L.", """{"plan":"free"}"""), CancellationToken.None);
        Assert.Equal(("a@example.com", "Ada L.", "free"), (updated!.Email, updated.Name, updated.Metadata.GetProperty("plan").GetString()));
        Assert.Null(await _users.UpdateAsync(tenant, "nobody", new UserUpdate("x@y.z", null, null), CancellationToken.None));
    }

    [Fact]
    public async Task Another_tenants_user_does_not_exist()
    {
        var tenantA = await TestTenants.CreateAsync(fixture.Database);
        var tenantB = await TestTenants.CreateAsync(fixture.Database);
        await _users.CreateAsync(tenantA, NewUser("shared-name"), CancellationToken.None);

        Assert.Null(await _users.GetAsync(tenantB, "shared-name", CancellationToken.None));
        Assert.Null(await _users.GetProfileAsync(tenantB, "shared-name", CancellationToken.None));
        Assert.Empty(await _users.ListAsync(tenantB, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Resolve_derives_a_stable_id_and_creates_once()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var identity = new ExternalIdentity("shopify", "test.myshopify.com", "owner@test.com", "Owner");

        var first = await _users.ResolveAsync(tenant, identity, _now, CancellationToken.None);
        var second = await _users.ResolveAsync(tenant, identity with { Name = "Changed" }, _now, CancellationToken.None);

        Assert.True(first.IsNew);
        Assert.False(second.IsNew);
        Assert.Equal(first.User.Id, second.User.Id);
        Assert.Matches("^usr_[0-9a-f]{16}$", first.User.Id);
        Assert.Equal(UserIds.Derive(tenant, "shopify", "test.myshopify.com"), first.User.Id);
        Assert.Equal("Owner", second.User.Name);
    }

    [Fact]
    public async Task Concurrent_resolves_of_one_identity_create_one_user()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var identity = new ExternalIdentity("shopify", "race.myshopify.com", null, null);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => _users.ResolveAsync(tenant, identity, _now, CancellationToken.None))));

        Assert.Single(results, result => result.IsNew);
        Assert.Single(results.Select(result => result.User.Id).Distinct());
        Assert.Single(await _users.ListAsync(tenant, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_derived_id_held_by_another_identity_is_a_collision_not_a_merge()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var squatted = UserIds.Derive(tenant, "shopify", "victim.myshopify.com");
        await _users.CreateAsync(tenant, NewUser(squatted), CancellationToken.None);

        var failure = await Assert.ThrowsAsync<UserIdCollisionException>(() =>
            _users.ResolveAsync(tenant, new ExternalIdentity("shopify", "victim.myshopify.com", null, null), _now, CancellationToken.None));

        Assert.Equal(squatted, failure.UserId);
        Assert.Null((await _users.GetAsync(tenant, squatted, CancellationToken.None))!.ExternalProvider);
    }

    [Fact]
    public async Task Profile_counts_conversations_and_activity_moves_last_seen_forward_only()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _users.CreateAsync(tenant, NewUser("u"), CancellationToken.None);
        var conversations = new ConversationStore(fixture.Database);
        foreach (var startedAt in new[] { _now.AddDays(-2), _now.AddDays(-1) })
        {
            await conversations.CreateAsync(tenant, new Conversation
            {
                Id = Guid.CreateVersion7(), UserId = "u", Status = ConversationStatus.Active, StartedAt = startedAt, MessageCount = 0, Metadata = JsonObjects.Empty,
            }, CancellationToken.None);
        }

        await _users.RecordActivityAsync([new UserActivity(tenant, "u", _now.AddMinutes(5))], CancellationToken.None);
        await _users.RecordActivityAsync([new UserActivity(tenant, "u", _now.AddMinutes(1))], CancellationToken.None);
        var profile = await _users.GetProfileAsync(tenant, "u", CancellationToken.None);

        Assert.Equal(2, profile!.Stats.TotalConversations);
        Assert.Equal(_now.AddDays(-2), profile.Stats.FirstConversation);
        Assert.Equal(_now.AddDays(-1), profile.Stats.LastConversation);
        Assert.Equal(_now.AddMinutes(5), profile.LastSeen);
    }

    [Fact]
    public async Task Activity_for_many_users_moves_each_last_seen_forward_and_never_back()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var otherTenant = await TestTenants.CreateAsync(fixture.Database);
        const int users = 620; // more than one statement's worth of rows
        for (var i = 0; i < users; i++)
        {
            await _users.CreateAsync(tenant, NewUser($"u{i}"), CancellationToken.None);
        }
        await _users.CreateAsync(otherTenant, NewUser("u1"), CancellationToken.None);

        // Even users are seen later than now, odd ones "earlier" (a stale report that must not win).
        var activity = Enumerable.Range(0, users)
            .Select(i => new UserActivity(tenant, $"u{i}", i % 2 == 0 ? _now.AddMinutes(1 + i) : _now.AddMinutes(-5)))
            .ToList();
        await _users.RecordActivityAsync(activity, CancellationToken.None);

        var page = await _users.ListAsync(tenant, null, users, CancellationToken.None);
        Assert.Equal(users, page.Count);
        foreach (var user in page)
        {
            var i = int.Parse(user.Id[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i % 2 == 0 ? _now.AddMinutes(1 + i) : _now, user.LastSeen);
        }
        Assert.Equal(_now, (await _users.GetAsync(otherTenant, "u1", CancellationToken.None))!.LastSeen);
    }
}

public sealed class SqliteUserStoreTests(SqliteStoreFixture fixture) : UserStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresUserStoreTests(PostgresStoreFixture fixture) : UserStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

using Mnemo.Json;
using Mnemo.Sessions;
using Mnemo.Storage.Sessions;
using Mnemo.Storage.Users;
using Mnemo.Testing;

namespace Mnemo.Tests.Sessions;

public abstract class SessionStoreContract(StoreFixture fixture)
{
    private static readonly TokenLifetimes Lifetimes = new(TimeSpan.FromMinutes(15), TimeSpan.FromDays(30));
    private readonly ManualClock _clock = new();

    private SessionStore Sessions => new(fixture.Database, _clock);

    private async Task<string> TenantWithUserAsync()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, new Mnemo.Users.User
        {
            Id = "u", Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), LastSeen = _clock.GetUtcNow(),
        }, CancellationToken.None);
        return tenant;
    }

    [Fact]
    public async Task Access_tokens_live_their_lifetime_and_no_longer()
    {
        var tenant = await TenantWithUserAsync();
        var tokens = await Sessions.LoginAsync(tenant, "u", Lifetimes, CancellationToken.None);

        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal("u", (await Sessions.AuthenticateAsync(tokens!.AccessToken, CancellationToken.None))!.UserId);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await Sessions.AuthenticateAsync(tokens.AccessToken, CancellationToken.None));
        Assert.Null(await Sessions.AuthenticateAsync(tokens.RefreshToken, CancellationToken.None));
    }

    [Fact]
    public async Task Refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_chain()
    {
        var tenant = await TenantWithUserAsync();
        var first = await Sessions.LoginAsync(tenant, "u", Lifetimes, CancellationToken.None);

        var (outcome, second) = await Sessions.RefreshAsync(first!.RefreshToken, Lifetimes, CancellationToken.None);
        Assert.Equal(RefreshOutcome.Rotated, outcome);
        Assert.NotNull(await Sessions.AuthenticateAsync(second!.AccessToken, CancellationToken.None));

        var (reuse, _) = await Sessions.RefreshAsync(first.RefreshToken, Lifetimes, CancellationToken.None);

        Assert.Equal(RefreshOutcome.Reused, reuse);
        Assert.Null(await Sessions.AuthenticateAsync(second.AccessToken, CancellationToken.None));
        Assert.Equal(RefreshOutcome.Invalid, (await Sessions.RefreshAsync(second.RefreshToken, Lifetimes, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Refresh_tokens_expire_and_logout_ends_the_session()
    {
        var tenant = await TenantWithUserAsync();
        var tokens = await Sessions.LoginAsync(tenant, "u", Lifetimes, CancellationToken.None);
        var other = await Sessions.LoginAsync(tenant, "u", Lifetimes, CancellationToken.None);

        Assert.True(await Sessions.RevokeAsync(tokens!.AccessToken, null, CancellationToken.None));
        Assert.Null(await Sessions.AuthenticateAsync(tokens.AccessToken, CancellationToken.None));
        Assert.Equal(RefreshOutcome.Invalid, (await Sessions.RefreshAsync(tokens.RefreshToken, Lifetimes, CancellationToken.None)).Outcome);
        Assert.NotNull(await Sessions.AuthenticateAsync(other!.AccessToken, CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(RefreshOutcome.Invalid, (await Sessions.RefreshAsync(other.RefreshToken, Lifetimes, CancellationToken.None)).Outcome);
        Assert.False(await Sessions.RevokeAsync("mat_unknown", null, CancellationToken.None));
    }
}

public sealed class SqliteSessionStoreTests(SqliteStoreFixture fixture) : SessionStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresSessionStoreTests(PostgresStoreFixture fixture) : SessionStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

using System.Net;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public abstract partial class UserTokenTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task A_user_token_reads_only_its_own_user_and_writes_nothing()
    {
        var (tenantId, backend) = await _server.NewTenantAsync();
        var (_, otherTenant) = await _server.NewTenantAsync();
        foreach (var user in new[] { "alice", "bob" })
        {
            await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = user });
            await backend.Messages.AppendAsync(user, new AppendMessagesRequest { Role = "user", Content = $"{user}'s secret" });
        }
        await otherTenant.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "alice" });
        var tokens = await backend.Auth.LoginAsync("alice");
        var alice = _server.As(tokens.AccessToken);

        Assert.Equal(("Bearer", 900), (tokens.TokenType, tokens.ExpiresIn));
        Assert.Equal(("alice", tenantId), ((await alice.GetMeAsync()).UserId, (await alice.GetMeAsync()).TenantId));
        Assert.Equal("alice's secret", Assert.Single((await alice.Messages.ListAsync("alice")).Messages).Content);
        await alice.Conversations.ListAsync("alice");
        await alice.Users.GetProfileAsync("alice");
        await alice.Memory.GetProfileAsync("alice");
        await alice.Memory.GetContextAsync("alice");
        await alice.Users.ExportAsync("alice", Stream.Null);

        var forbidden = new Func<Task>[]
        {
            () => alice.Messages.ListAsync("bob"),
            () => alice.Users.GetProfileAsync("bob"),
            () => alice.Memory.GetContextAsync("bob"),
            () => alice.Users.ExportAsync("bob", Stream.Null),
            () => alice.Messages.AppendAsync("alice", new AppendMessagesRequest { Role = "user", Content = "x" }),
            () => alice.Users.EraseAsync("alice"),
            () => alice.Users.ListAsync(),
            () => alice.Messages.SearchTenantAsync("secret"),
            () => alice.Tasks.ListAsync(),
            () => alice.Campaigns.ListAsync(),
            () => alice.ApiKeys.ListAsync(tenantId),
            () => alice.Tenants.ListAsync(),
            () => alice.Insights.ListAsync("alice"),
        };
        foreach (var call in forbidden)
        {
            var failure = await Assert.ThrowsAsync<Client.MnemoApiException>(call);
            Assert.True(failure.StatusCode == HttpStatusCode.Forbidden, $"{failure.StatusCode} {failure.Code}");
        }
        // The same user id in another tenant is not this user.
        await Assert.ThrowsAsync<Client.MnemoApiException>(() => _server.As(tokens.AccessToken, "other-tenant").GetMeAsync());
    }

    [Fact]
    public async Task Refresh_rotates_reuse_revokes_and_logout_ends_the_session()
    {
        var (_, backend) = await _server.NewTenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var first = await backend.Auth.LoginAsync("u");

        var anonymous = _server.As(null);
        var second = await anonymous.Auth.RefreshAsync(first.RefreshToken);
        Assert.Equal("u", (await _server.As(second.AccessToken).GetMeAsync()).UserId);

        await Expect.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => anonymous.Auth.RefreshAsync(first.RefreshToken));
        await Expect.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As(second.AccessToken).GetMeAsync());

        var third = await backend.Auth.LoginAsync("u");
        await _server.As(third.AccessToken).Auth.LogoutAsync();
        await Expect.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => _server.As(third.AccessToken).GetMeAsync());
        await Expect.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => anonymous.Auth.RefreshAsync(third.RefreshToken));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => backend.Auth.LoginAsync("nobody"));
    }
}

public abstract partial class UserTokenTests
{
    [Fact]
    public async Task A_suspended_tenants_user_can_neither_read_nor_refresh()
    {
        var (tenantId, backend) = await _server.NewTenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "u" });
        var tokens = await backend.Auth.LoginAsync("u");
        await _server.Admin.Tenants.UpdateAsync(tenantId, new Mnemo.Tenants.UpdateTenantRequest { Status = "suspended" });

        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_suspended", () => _server.As(tokens.AccessToken).GetMeAsync());
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "tenant_suspended", () => _server.As(null).Auth.RefreshAsync(tokens.RefreshToken));
    }
}

public sealed class SqliteUserTokenTests(SqliteServerFixture fixture) : UserTokenTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresUserTokenTests(PostgresServerFixture fixture) : UserTokenTests(fixture), IClassFixture<PostgresServerFixture>;

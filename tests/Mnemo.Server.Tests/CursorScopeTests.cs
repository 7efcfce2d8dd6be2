using System.Net;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Users;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 14: every cursor-paged list uses one cursor format, sealed to its list, tenant and user:
/// a cursor resumes only the list that gave it out; from another list, user or tenant, or edited,
/// it is a 400 <c>invalid_cursor</c>.
/// </summary>
public abstract class CursorScopeTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task A_cursor_resumes_its_own_list_and_no_other_tenants_or_lists()
    {
        var (_, mine) = await _server.NewTenantAsync();
        var (_, theirs) = await _server.NewTenantAsync();
        foreach (var id in new[] { "u1", "u2", "u3" })
        {
            await mine.Users.CreateAsync(new CreateUserRequest { Id = id });
            await theirs.Users.CreateAsync(new CreateUserRequest { Id = id });
        }
        var first = await mine.Users.ListAsync(limit: 1);
        Assert.Equal("u1", Assert.Single(first.Users).Id);
        var cursor = Assert.IsType<string>(first.NextCursor);

        Assert.Equal("u2", Assert.Single((await mine.Users.ListAsync(limit: 1, cursor: cursor)).Users).Id);
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => theirs.Users.ListAsync(limit: 1, cursor: cursor));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => mine.Campaigns.ListAsync(limit: 1, cursor: cursor));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => mine.Users.ListErasuresAsync(limit: 1, cursor: cursor));
    }

    [Fact]
    public async Task A_cursor_of_one_users_list_is_refused_on_another_users()
    {
        var (_, client) = await _server.NewTenantAsync();
        foreach (var user in new[] { "alice", "bob" })
        {
            for (var i = 0; i < 3; i++)
            {
                await client.Messages.AppendAsync(user, new AppendMessagesRequest { Role = "user", Content = $"hello {i}" });
                await client.Events.CreateAsync(user, new Mnemo.Events.CreateEventRequest { EventType = "page_view", EventData = JsonDocument.Parse("{}").RootElement });
            }
        }
        var alices = await client.Events.ListAsync("alice", limit: 1);
        Assert.NotNull(alices.NextCursor);
        Assert.Single((await client.Events.ListAsync("alice", limit: 1, cursor: alices.NextCursor)).Events);
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => client.Events.ListAsync("bob", limit: 1, cursor: alices.NextCursor));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => client.Events.ListTenantAsync(limit: 1, cursor: alices.NextCursor));

        var search = await client.Messages.SearchAsync("alice", "hello", limit: 1);
        Assert.NotNull(search.NextCursor);
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => client.Messages.SearchAsync("bob", "hello", limit: 1, cursor: search.NextCursor));
    }

    [Fact]
    public async Task An_edited_cursor_is_refused()
    {
        var (_, client) = await _server.NewTenantAsync();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await client.Users.CreateAsync(new CreateUserRequest { Id = id });
        }
        var cursor = (await client.Users.ListAsync(limit: 1)).NextCursor!;
        for (var at = 0; at < cursor.Length; at++)
        {
            var edited = string.Concat(cursor.AsSpan(0, at), cursor[at] == 'A' ? "B" : "A", cursor.AsSpan(at + 1));
            await Expect.ProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor", () => client.Users.ListAsync(limit: 1, cursor: edited));
        }
    }
}

public sealed class SqliteCursorScopeTests(SqliteServerFixture fixture) : CursorScopeTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCursorScopeTests(PostgresServerFixture fixture) : CursorScopeTests(fixture), IClassFixture<PostgresServerFixture>;

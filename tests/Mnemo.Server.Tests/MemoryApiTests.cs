using System.Net;
using System.Text.Json;
using Mnemo.Client;
using Mnemo.Insights;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Tenants;

namespace Mnemo.Server.Tests;

public abstract class MemoryApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private async Task<(string TenantId, MnemoClient Client)> TenantWithUserAsync(string user)
    {
        var (tenantId, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = user });
        return (tenantId, client);
    }

    [Fact]
    public async Task The_profile_starts_from_the_tenant_default_and_a_stale_write_gets_412()
    {
        var (tenantId, client) = await TenantWithUserAsync("u");
        await _server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"default_profile":{"language":"ru","persona":"Alfred-style дворецкий","tone":"witty"}}""").RootElement,
        });

        var first = await client.Memory.GetProfileAsync("u");
        Assert.Equal(("ru", "witty"), (first.Profile.Language, first.Profile.Tone));
        Assert.NotNull(first.ETag);

        var updated = await client.Memory.UpdateProfileAsync("u", new UpdateProfileRequest { Tone = "formal" }, ifMatch: first.ETag);
        Assert.Equal(("formal", "Alfred-style дворецкий"), (updated.Profile.Tone, updated.Profile.Persona));
        Assert.NotEqual(first.ETag, updated.ETag);

        await Expect.ProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed",
            () => client.Memory.UpdateProfileAsync("u", new UpdateProfileRequest { Tone = "casual" }, ifMatch: first.ETag));
        Assert.Equal("formal", (await client.Memory.GetProfileAsync("u")).Profile.Tone);

        var reset = await client.Memory.ResetProfileAsync("u");
        Assert.Equal("witty", reset.Profile.Tone);
        await Expect.ProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed",
            () => client.Memory.UpdateProfileAsync("u", new UpdateProfileRequest { Tone = "casual" }, ifMatch: updated.ETag));
        await ProblemAssert.SendAsync(_server, HttpMethod.Put, "api/v1/users/u/memory/profile", """{"tone":"x"}""", client.ApiKey,
            HttpStatusCode.BadRequest, new Dictionary<string, string> { ["If-Match"] = "\"not-a-version\"" });
        await ProblemAssert.SendAsync(_server, HttpMethod.Put, "api/v1/users/u/memory/profile", """{"language":""}""", client.ApiKey, HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Memory.GetProfileAsync("ghost"));
    }

    [Fact]
    public async Task Memory_events_compress_and_the_context_reflects_it()
    {
        var (_, client) = await TenantWithUserAsync("u");
        for (var i = 0; i < 3; i++)
        {
            await client.Memory.AppendEventsAsync("u", new AppendMemoryEventsRequest
            {
                Events = [.. Enumerable.Range(i * 10, 10).Select(j => new MessageInput { Role = j % 2 == 0 ? "user" : "assistant", Content = $"e{j}", Tags = ["t"] })],
            });
        }
        await client.Insights.CreateAsync("u", new CreateInsightRequest { Topic = "travel", Subtopic = "cities", Content = "Likes Lisbon", Confidence = 0.9 });

        Assert.Equal(30, (await client.Memory.CountEventsAsync("u")).Count);
        Assert.Equal(["e27", "e28", "e29"], (await client.Memory.ListEventsAsync("u", limit: 3)).Events.Select(e => e.Content));
        var compressed = await client.Memory.CompressAsync("u", new CompressMemoryRequest { Summary = "Talked about Lisbon.", KeepLastN = 4 });
        var context = await client.Memory.GetContextAsync("u", maxMessages: 3, maxChars: 8000);

        Assert.Equal((26L, 4L), (compressed.Deleted, compressed.Kept));
        Assert.Equal("Talked about Lisbon.", context.Summary);
        Assert.Equal("Talked about Lisbon.", context.Profile.MemorySummary);
        Assert.Equal(["e27", "e28", "e29"], context.Messages.Select(m => m.Content));
        Assert.True(context.Truncated);
        Assert.Equal("Likes Lisbon", Assert.Single(context.Insights).Content);
        Assert.Null(context.Campaign);
        await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/users/u/memory/compress", """{"summary":"x","keep_last_n":-1}""", client.ApiKey, HttpStatusCode.BadRequest);
        await ProblemAssert.SendAsync(_server, HttpMethod.Get, "api/v1/users/u/context?max_messages=500", null, client.ApiKey, HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Memory.GetContextAsync("ghost"));
    }

    [Fact]
    public async Task Insights_by_topic_and_their_erasure()
    {
        var (_, client) = await TenantWithUserAsync("u");
        var kept = await client.Insights.CreateAsync("u", new CreateInsightRequest { Topic = "food", Subtopic = "vegan", Content = "No meat" });
        var removed = await client.Insights.CreateAsync("u", new CreateInsightRequest { Topic = "travel", Content = "Flies often", Source = "chat" });

        await client.Insights.DeleteAsync("u", removed.Id);
        var topics = await client.Insights.TopicsAsync("u");

        Assert.Equal(kept.Id, Assert.Single((await client.Insights.ListAsync("u", topic: "food")).Insights).Id);
        Assert.Equal(("food", 1L, "vegan"), (Assert.Single(topics.Topics).Topic, topics.Topics[0].Count, topics.Topics[0].Subtopics[0].Subtopic));
        await ProblemAssert.SendAsync(_server, HttpMethod.Post, "api/v1/insights/u", """{"topic":"x","content":"y","confidence":1.5}""", client.ApiKey, HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => client.Insights.CreateAsync("ghost", new CreateInsightRequest { Topic = "x", Content = "y" }));

        await client.Memory.GetProfileAsync("u");
        var erased = await client.Users.EraseAsync("u");
        Assert.Equal((1L, 1L), (erased.Deleted["insights"], erased.Deleted["profiles"]));
    }
}

public sealed class SqliteMemoryApiTests(SqliteServerFixture fixture) : MemoryApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresMemoryApiTests(PostgresServerFixture fixture) : MemoryApiTests(fixture), IClassFixture<PostgresServerFixture>;

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Server.Recall;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 15: recall through the HTTP API with the real in-process embedding model — semantic and
/// hybrid search, per-user isolation of vectors, edits re-embedded, erasure, restarts, bad modes.
/// </summary>
public abstract class RecallApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task Semantic_search_finds_a_message_by_meaning_that_keyword_search_cannot()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("mel", new AppendMessagesRequest
        {
            Messages =
            [
                new MessageInput { Role = "user", Content = "Melanie: my dog Luna loves running on the beach" },
                new MessageInput { Role = "user", Content = "Melanie: I finished reading a novel about sailors" },
                new MessageInput { Role = "user", Content = "Melanie: the quarterly budget spreadsheet is due" },
            ],
        });
        await IndexedAsync(_server);

        var keyword = await client.Messages.SearchAsync("mel", "Which pet does she have?", options: new MessageSearchOptions { Mode = "keyword" });
        var semantic = await client.Messages.SearchAsync("mel", "Which pet does she have?", options: new MessageSearchOptions { Mode = "semantic" });
        var hybrid = await client.Messages.SearchAsync("mel", "Which pet does she have?");

        Assert.Empty(keyword.Results);
        Assert.StartsWith("Melanie: my dog Luna", semantic.Results[0].Message.Content, StringComparison.Ordinal);
        Assert.Equal(["semantic"], semantic.Results[0].MatchedBy);
        Assert.Null(semantic.Results[0].Snippet);
        Assert.Equal("hybrid", hybrid.Mode);
        Assert.Equal("ready", hybrid.Semantic);
        Assert.StartsWith("Melanie: my dog Luna", hybrid.Results[0].Message.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hybrid_search_ranks_a_message_found_both_ways_first_and_says_how_each_was_found()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("car", new AppendMessagesRequest
        {
            Messages =
            [
                new MessageInput { Role = "user", Content = "Caroline: I went to a LGBTQ support group yesterday and it was so powerful" },
                new MessageInput { Role = "user", Content = "Caroline: group projects at school were always chaotic" },
                new MessageInput { Role = "user", Content = "Caroline: talking with people who understand me helped a lot" },
            ],
        });
        await IndexedAsync(_server);

        var hybrid = await client.Messages.SearchAsync("car", "When did Caroline go to the support group?", limit: 3);

        Assert.StartsWith("Caroline: I went to a LGBTQ support group", hybrid.Results[0].Message.Content, StringComparison.Ordinal);
        Assert.Equal(["keyword", "semantic"], hybrid.Results[0].MatchedBy.Order());
        Assert.Contains("<mark>", hybrid.Results[0].Snippet, StringComparison.Ordinal);
        Assert.True(hybrid.Results.Zip(hybrid.Results.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
    }

    [Fact]
    public async Task A_users_semantic_results_never_include_another_users_near_identical_message()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("alice", new AppendMessagesRequest { Role = "user", Content = "My passport number is in the blue folder" });
        await client.Messages.AppendAsync("bob", new AppendMessagesRequest { Role = "user", Content = "My passport number is in the blue folder!" });
        await client.Messages.AppendAsync("bob", new AppendMessagesRequest { Role = "user", Content = "Where did I put my passport?" });
        await IndexedAsync(_server);

        foreach (var mode in new[] { "semantic", "hybrid", "keyword" })
        {
            var results = (await client.Messages.SearchAsync("alice", "where is my passport", options: new MessageSearchOptions { Mode = mode })).Results;
            Assert.All(results, result => Assert.Equal("alice", result.Message.UserId));
        }
    }

    [Fact]
    public async Task An_edited_message_is_found_by_its_new_meaning_and_an_erased_users_vectors_are_gone()
    {
        var (_, client) = await _server.NewTenantAsync();
        var appended = await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "I adopted a kitten named Miso" });
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "The train to Porto leaves at nine" });
        await IndexedAsync(_server);
        var semantic = new MessageSearchOptions { Mode = "semantic" };
        Assert.StartsWith("I adopted a kitten", (await client.Messages.SearchAsync("u", "pets and animals", limit: 1, options: semantic)).Results[0].Message.Content, StringComparison.Ordinal);

        await client.Messages.EditAsync("u", appended.Messages[0].Id, new EditMessageRequest { Content = "My favourite dessert is chocolate cake" });
        await IndexedAsync(_server);
        Assert.Equal(2, (await client.Messages.SearchStatusAsync()).IndexedMessages);
        Assert.StartsWith("My favourite dessert", (await client.Messages.SearchAsync("u", "sweet food", limit: 1, options: semantic)).Results[0].Message.Content, StringComparison.Ordinal);

        await client.Users.EraseAsync("u");
        var status = await client.Messages.SearchStatusAsync();
        Assert.Equal(0, status.IndexedMessages);
        Assert.Equal(0, status.PendingMessages);
    }

    [Fact]
    public async Task Search_parameters_are_checked_and_the_status_names_the_model()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "hello" });

        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Messages.SearchAsync("u", "hello", options: new MessageSearchOptions { Mode = "fuzzy" }));
        await ProblemAssert.SendAsync(_server, HttpMethod.Get, "api/v1/users/u/messages/search?q=hello&from=yesterday&role=robot&conversation_id=x",
            null, client.ApiKey, HttpStatusCode.BadRequest);
        var status = await client.Messages.SearchStatusAsync();
        Assert.Equal("local", status.Provider);
        Assert.Equal("snowflake-arctic-embed-xs", status.Model);
        Assert.Equal(384, status.Dimensions);
    }

    [Fact]
    public async Task A_context_with_a_query_adds_the_relevant_messages_that_are_not_recent()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "My sister Ana lives in Lisbon and teaches piano" });
        for (var i = 0; i < 5; i++)
        {
            await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = $"Small talk about the weather, part {i}" });
        }
        await IndexedAsync(_server);

        var context = await client.Memory.GetContextAsync("u", maxMessages: 3, query: "Where does my sister live?", relevantLimit: 1);
        var plain = await client.Memory.GetContextAsync("u", maxMessages: 3);

        Assert.Equal(3, context.Messages.Count);
        Assert.StartsWith("My sister Ana lives in Lisbon", Assert.Single(context.Relevant!).Message.Content, StringComparison.Ordinal);
        Assert.DoesNotContain(context.Messages, message => message.Content.StartsWith("My sister", StringComparison.Ordinal));
        Assert.Null(plain.Relevant);
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed", () => client.Memory.GetContextAsync("u", query: "x", relevantLimit: 51));
    }

    [Fact]
    public async Task Messages_written_while_no_model_ran_are_indexed_after_a_restart_with_one()
    {
        var storage = await TestStores.CreateEmptyAsync(fixture.Backend);
        string tenantId;
        await using (var without = await MnemoTestServer.StartAsync(storage))
        {
            (tenantId, var client) = await without.NewTenantAsync();
            await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "We are planning a hiking trip in the Alps" });
            Assert.Equal(1, (await client.Messages.SearchStatusAsync()).PendingMessages);
            Assert.Equal("off", (await client.Messages.SearchStatusAsync()).Semantic);
            await Expect.ProblemAsync(HttpStatusCode.BadRequest, "semantic_search_off",
                () => client.Messages.SearchAsync("u", "mountains", options: new MessageSearchOptions { Mode = "semantic" }));
            Assert.Equal("keyword", (await client.Messages.SearchAsync("u", "hiking")).Mode);
        }
        await using var with = await MnemoTestServer.StartAsync(storage, new Dictionary<string, string?> { ["Mnemo:Embeddings:Provider"] = "local" });
        var restarted = with.As(MnemoTestServer.AdminKey, tenantId);
        await IndexedAsync(with);
        var found = await restarted.Messages.SearchAsync("u", "mountain holiday", options: new MessageSearchOptions { Mode = "semantic" });
        Assert.StartsWith("We are planning a hiking trip", Assert.Single(found.Results).Message.Content, StringComparison.Ordinal);
    }

    /// <summary>Waits (at most a minute) until the server's indexer has drained everything written so far.</summary>
    private static async Task IndexedAsync(MnemoTestServer server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await server.Services.GetRequiredService<EmbeddingIndexer>().WhenBacklogEmptyAsync(timeout.Token);
    }
}

public sealed class SqliteRecallFixture() : ServerFixture(Backend.Sqlite, new Dictionary<string, string?> { ["Mnemo:Embeddings:Provider"] = "local" });

public sealed class PostgresRecallFixture() : ServerFixture(Backend.Postgres, new Dictionary<string, string?> { ["Mnemo:Embeddings:Provider"] = "local" });

public sealed class SqliteRecallApiTests(SqliteRecallFixture fixture) : RecallApiTests(fixture), IClassFixture<SqliteRecallFixture>;

public sealed class PostgresRecallApiTests(PostgresRecallFixture fixture) : RecallApiTests(fixture), IClassFixture<PostgresRecallFixture>;

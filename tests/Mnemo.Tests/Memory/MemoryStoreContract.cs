using Mnemo.Insights;
using Mnemo.Json;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Storage.Insights;
using Mnemo.Storage.Memory;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Users;
using Mnemo.Testing;

namespace Mnemo.Tests.Memory;

public abstract class MemoryStoreContract(StoreFixture fixture)
{
    private static readonly ProfileDefaults Butler = new() { Language = "ru", Persona = "Alfred-style дворецкий", Tone = "witty", PreferredTopics = ["tea"] };

    private readonly ProfileStore _profiles = new(fixture.Database, TimeProvider.System);
    private readonly MessageStore _messages = new(fixture.Database, TimeProvider.System);
    private readonly InsightStore _insights = new(fixture.Database);
    private readonly ContextReader _contexts = new(fixture.Database, TimeProvider.System);

    private async Task<string> TenantWithUserAsync(string user, int messages = 0)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, new Mnemo.Users.User
        {
            Id = user, Metadata = JsonObjects.Empty, CreatedAt = TimeProvider.System.GetUtcNow(), LastSeen = TimeProvider.System.GetUtcNow(),
        }, CancellationToken.None);
        for (var start = 0; start < messages; start += 100)
        {
            var batch = Enumerable.Range(start, Math.Min(100, messages - start)).Select(i => new NewMessage { Role = i % 2 == 0 ? "user" : "assistant", Content = $"m{i}" }).ToList();
            await _messages.AppendAsync(tenant, user, batch, CancellationToken.None);
        }
        return tenant;
    }

    [Fact]
    public async Task The_first_read_creates_the_default_profile_and_reset_restores_it()
    {
        var tenant = await TenantWithUserAsync("u");

        var created = await _profiles.GetOrCreateAsync(tenant, "u", Butler, CancellationToken.None);
        var updated = await _profiles.UpdateAsync(tenant, "u", new ProfilePatch(null, null, "formal", ["chess"]), created!.Version, Butler, CancellationToken.None);
        var reset = await _profiles.ResetAsync(tenant, "u", Butler, CancellationToken.None);

        Assert.Equal(("ru", "Alfred-style дворецкий", "witty"), (created.Language, created.Persona, created.Tone));
        Assert.Equal(("ru", "formal", "chess"), (updated.Profile!.Language, updated.Profile.Tone, updated.Profile.PreferredTopics[0]));
        Assert.True(updated.Profile.Version > created.Version);
        Assert.Equal(("witty", "tea"), (reset!.Tone, reset.PreferredTopics[0]));
        Assert.True(reset.Version > updated.Profile.Version);
        Assert.Null(await _profiles.GetOrCreateAsync(tenant, "nobody", Butler, CancellationToken.None));
    }

    [Fact]
    public async Task A_write_against_a_stale_version_changes_nothing()
    {
        var tenant = await TenantWithUserAsync("u");
        var read = await _profiles.GetOrCreateAsync(tenant, "u", Butler, CancellationToken.None);
        await _profiles.UpdateAsync(tenant, "u", new ProfilePatch("de", null, null, null), read!.Version, Butler, CancellationToken.None);

        var stale = await _profiles.UpdateAsync(tenant, "u", new ProfilePatch("fr", null, null, null), read.Version, Butler, CancellationToken.None);

        Assert.True(stale.VersionMismatch);
        Assert.Equal("de", (await _profiles.GetOrCreateAsync(tenant, "u", Butler, CancellationToken.None))!.Language);
    }

    [Fact]
    public async Task Compression_keeps_exactly_the_newest_n_in_order_and_stores_the_summary()
    {
        var tenant = await TenantWithUserAsync("u", messages: 250);

        var result = await _profiles.CompressAsync(tenant, "u", "the story so far", 10, upToSeq: null, Butler, CancellationToken.None);

        Assert.Equal((240L, 10L), (result!.Deleted, result.Kept));
        var left = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 100 }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(240, 10).Select(i => $"m{i}"), left!.Messages.Select(message => message.Content));
        var profile = await _profiles.GetOrCreateAsync(tenant, "u", Butler, CancellationToken.None);
        Assert.Equal("the story so far", profile!.MemorySummary);
        Assert.NotNull(profile.SummaryUpdatedAt);
    }

    [Fact]
    public async Task Compression_up_to_a_seq_keeps_what_was_written_after_it()
    {
        var tenant = await TenantWithUserAsync("u", messages: 30);
        var all = (await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 100 }, CancellationToken.None))!.Messages;
        var upTo = all[19].Seq;
        await _messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "late" }], CancellationToken.None);

        var result = await _profiles.CompressAsync(tenant, "u", "summary", 5, upToSeq: upTo, Butler, CancellationToken.None);

        Assert.Equal(20L, result!.Deleted);
        var left = (await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 100 }, CancellationToken.None))!.Messages;
        Assert.Equal(Enumerable.Range(20, 10).Select(i => $"m{i}").Append("late"), left.Select(message => message.Content));
    }

    [Fact]
    public async Task A_compression_whose_delete_fails_stores_no_summary_and_deletes_nothing()
    {
        var tenant = await TenantWithUserAsync("u", messages: 20);
        await ExecuteAsync(fixture.Backend == Backend.Postgres
            ? """
              CREATE FUNCTION refuse_message_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'delete refused'; END $$;
              CREATE TRIGGER refuse_message_delete BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION refuse_message_delete();
              """
            : "CREATE TRIGGER refuse_message_delete BEFORE DELETE ON messages BEGIN SELECT RAISE(ABORT, 'delete refused'); END;");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => _profiles.CompressAsync(tenant, "u", "must not stay", 5, null, Butler, CancellationToken.None));
        }
        finally
        {
            await ExecuteAsync(fixture.Backend == Backend.Postgres
                ? "DROP TRIGGER refuse_message_delete ON messages; DROP FUNCTION refuse_message_delete();"
                : "DROP TRIGGER refuse_message_delete;");
        }

        Assert.Null(await _profiles.GetStoredAsync(tenant, "u", CancellationToken.None));
        Assert.Equal(20L, await _messages.CountAsync(tenant, "u", CancellationToken.None));
    }

    [Fact]
    public async Task Insights_group_into_topics_with_subtopics()
    {
        var tenant = await TenantWithUserAsync("u");
        foreach (var (topic, subtopic) in new[] { ("travel", "destinations"), ("travel", "destinations"), ("travel", (string?)null), ("food", "vegan") })
        {
            await _insights.CreateAsync(tenant, new Insight
            {
                Id = Guid.CreateVersion7(), UserId = "u", Topic = topic, Subtopic = subtopic, Content = "x", Confidence = 0.5, CreatedAt = TimeProvider.System.GetUtcNow(),
            }, CancellationToken.None);
        }

        var topics = (await _insights.TopicsAsync(tenant, "u", CancellationToken.None))!;

        Assert.Equal(["food", "travel"], topics.Select(topic => topic.Topic));
        Assert.Equal(3, topics[1].Count);
        Assert.Equal(new SubtopicSummary("destinations", 2), Assert.Single(topics[1].Subtopics));
        Assert.Single((await _insights.ListAsync(tenant, "u", "food", 10, CancellationToken.None))!);
        Assert.Null(await _insights.TopicsAsync(tenant, "nobody", CancellationToken.None));
    }

    [Theory]
    [InlineData(5, 10_000, 5, true)]
    [InlineData(50, 10_000, 30, false)]
    [InlineData(50, 8, 2, true)]
    [InlineData(50, 2, 0, true)]
    [InlineData(0, 10_000, 0, true)]
    public async Task Context_keeps_the_newest_messages_within_both_budgets(int maxMessages, int maxChars, int expected, bool truncated)
    {
        var tenant = await TenantWithUserAsync("u", messages: 30);
        await _profiles.CompressAsync(tenant, "u", "earlier", 30, null, Butler, CancellationToken.None);

        var context = await _contexts.ReadAsync(tenant, "u", new ContextBudget(maxMessages, maxChars, 5), Butler, CancellationToken.None);

        Assert.Equal(expected, context!.Messages.Count);
        Assert.Equal(Enumerable.Range(30 - expected, expected).Select(i => $"m{i}"), context.Messages.Select(message => message.Content));
        Assert.Equal(truncated, context.Truncated);
        Assert.Equal("earlier", context.Summary);
        Assert.Equal("witty", context.Profile.Tone);
    }

    [Fact]
    public async Task Context_of_a_user_without_a_profile_shows_the_default_and_an_unknown_user_is_null()
    {
        var tenant = await TenantWithUserAsync("u", messages: 1);

        var context = await _contexts.ReadAsync(tenant, "u", new ContextBudget(20, 8000, 5), Butler, CancellationToken.None);

        Assert.Equal("Alfred-style дворецкий", context!.Profile.Persona);
        Assert.Null(context.Summary);
        Assert.Null(await _profiles.GetStoredAsync(tenant, "u", CancellationToken.None));
        Assert.Null(await _contexts.ReadAsync(tenant, "ghost", new ContextBudget(20, 8000, 5), Butler, CancellationToken.None));
    }

    private async Task ExecuteAsync(string sql) =>
        await fixture.Database.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command(sql);
            return await command.ExecuteAsync(token);
        }, CancellationToken.None);
}

public sealed class SqliteMemoryStoreTests(SqliteStoreFixture fixture) : MemoryStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresMemoryStoreTests(PostgresStoreFixture fixture) : MemoryStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

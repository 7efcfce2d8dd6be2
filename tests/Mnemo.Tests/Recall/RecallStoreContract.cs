using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Erasure;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Recall;
using Mnemo.Testing;

namespace Mnemo.Tests.Recall;

/// <summary>
/// Issue 15: the embedding backlog and the vectors on both backends — what puts a message on the
/// backlog, that a vector is saved only for the version that was embedded, and that vectors leave
/// with their messages in the same transaction. Vectors here are made by hand: the store keeps
/// whatever floats it is given.
/// </summary>
public abstract class RecallStoreContract(StoreFixture fixture)
{
    private const string Model = "test-model";
    private readonly MessageStore _messages = new(fixture.Database, TimeProvider.System);
    private readonly RecallStore _recall = new(fixture.Database, TimeProvider.System);
    private readonly UserEraser _eraser = new(fixture.Database, TimeProvider.System);
    private readonly List<PendingEmbedding> _claimed = [];

    [Fact]
    public async Task A_message_waits_on_the_backlog_until_the_version_that_was_embedded_is_saved()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var appended = (await _messages.AppendAsync(tenant, "u", [Say("first words"), Say("second words")], CancellationToken.None)).Messages;
        Assert.Equal(new RecallCounts(2, 0), await _recall.CountAsync(tenant, Model, CancellationToken.None));

        var claimed = await ClaimAsync(tenant);
        Assert.Equal(["first words", "second words"], claimed.Select(pending => pending.Content).Order());
        // The first message is edited while its old words are being embedded.
        await _messages.EditAsync(tenant, "u", appended[0].Id, new MessageEdit("first words, edited", null, null, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(1, await _recall.SaveAsync([.. claimed.Select(pending => Vector(pending, 0))], CancellationToken.None));
        Assert.Equal(new RecallCounts(1, 1), await _recall.CountAsync(tenant, Model, CancellationToken.None));

        var again = Assert.Single(await ClaimAsync(tenant));
        Assert.Equal("first words, edited", again.Content);
        Assert.NotNull(again.EditedAt);
        Assert.Equal(1, await _recall.SaveAsync([Vector(again, 1)], CancellationToken.None));
        Assert.Equal(new RecallCounts(0, 2), await _recall.CountAsync(tenant, Model, CancellationToken.None));

        // Metadata alone leaves the vector; new content drops it and queues the message again.
        await _messages.EditAsync(tenant, "u", appended[1].Id, new MessageEdit(null, """{"k":1}""", null, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(new RecallCounts(0, 2), await _recall.CountAsync(tenant, Model, CancellationToken.None));
        await _messages.EditAsync(tenant, "u", appended[1].Id, new MessageEdit("second, rewritten", null, null, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(new RecallCounts(1, 1), await _recall.CountAsync(tenant, Model, CancellationToken.None));
    }

    [Fact]
    public async Task Vectors_leave_with_their_messages_on_delete_and_erasure()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var kept = (await _messages.AppendAsync(tenant, "keep", [Say("kept")], CancellationToken.None)).Messages;
        var gone = (await _messages.AppendAsync(tenant, "gone", [Say("one"), Say("two"), Say("three")], CancellationToken.None)).Messages;
        await _recall.SaveAsync([.. (await ClaimAsync(tenant)).Select(pending => Vector(pending, 0))], CancellationToken.None);
        Assert.Equal(3, (await _recall.NearestAsync(tenant, "gone", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None)).Count);

        await _messages.DeleteAsync(tenant, "gone", gone[0].Id, CancellationToken.None);
        Assert.Equal(2, (await _recall.NearestAsync(tenant, "gone", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None)).Count);

        await _eraser.EraseAsync(tenant, "gone", CancellationToken.None);
        Assert.Empty(await _recall.NearestAsync(tenant, "gone", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None));
        Assert.Equal(kept[0].Id, Assert.Single(await _recall.NearestAsync(tenant, null, Model, RecallFilter.None, Question, 100, 100, CancellationToken.None)).MessageId);
        Assert.Equal(new RecallCounts(0, 1), await _recall.CountAsync(tenant, Model, CancellationToken.None));
    }

    [Fact]
    public async Task A_compression_takes_the_vectors_of_the_messages_it_deletes()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [Say("one"), Say("two"), Say("three"), Say("four")], CancellationToken.None);
        await _recall.SaveAsync([.. (await ClaimAsync(tenant)).Select(pending => Vector(pending, 0))], CancellationToken.None);

        var profiles = new Mnemo.Storage.Memory.ProfileStore(fixture.Database, TimeProvider.System);
        await profiles.CompressAsync(tenant, "u", "a summary", keepLastN: 1, upToSeq: null, Mnemo.Memory.ProfileDefaults.Mnemo, CancellationToken.None);

        Assert.Single(await _recall.NearestAsync(tenant, "u", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None));
        Assert.Equal(new RecallCounts(0, 1), await _recall.CountAsync(tenant, Model, CancellationToken.None));
    }

    [Fact]
    public async Task Vectors_are_read_per_user_per_model_and_within_the_filter()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var other = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "alice", [Say("hello"), Say("reply", "assistant")], CancellationToken.None);
        await _messages.AppendAsync(tenant, "bob", [Say("hello")], CancellationToken.None);
        await _messages.AppendAsync(other, "alice", [Say("hello")], CancellationToken.None);
        await _recall.SaveAsync([.. (await ClaimAsync(tenant)).Select(pending => Vector(pending, 0))], CancellationToken.None);
        await _recall.SaveAsync([.. (await ClaimAsync(other)).Select(pending => Vector(pending, 0) with { Model = "another-model" })], CancellationToken.None);

        Assert.Equal(2, (await _recall.NearestAsync(tenant, "alice", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None)).Count);
        Assert.Single(await _recall.NearestAsync(tenant, "alice", Model, new RecallFilter { Role = "assistant" }, Question, 100, 100, CancellationToken.None));
        Assert.Empty(await _recall.NearestAsync(tenant, "alice", Model, new RecallFilter { From = DateTimeOffset.UtcNow.AddHours(1) }, Question, 100, 100, CancellationToken.None));
        Assert.Single(await _recall.NearestAsync(tenant, "bob", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None));
        Assert.Equal(3, (await _recall.NearestAsync(tenant, null, Model, RecallFilter.None, Question, 100, 100, CancellationToken.None)).Count);
        Assert.Equal(2, (await _recall.NearestAsync(tenant, null, Model, RecallFilter.None, Question, 100, 2, CancellationToken.None)).Count);

        // Vectors of another model are not this model's: they are ignored, and a reindex queues their messages.
        Assert.Empty(await _recall.NearestAsync(other, "alice", Model, RecallFilter.None, Question, 100, 100, CancellationToken.None));
        Assert.Equal(new RecallCounts(0, 0), await _recall.CountAsync(other, Model, CancellationToken.None));
        Assert.Equal(1, await _recall.EnqueueMissingAsync(other, Model, CancellationToken.None));
        Assert.Equal(0, await _recall.EnqueueMissingAsync(other, Model, CancellationToken.None));
        Assert.Equal(new RecallCounts(1, 0), await _recall.CountAsync(other, Model, CancellationToken.None));
    }

    [Fact]
    public async Task A_reindex_queues_a_tenant_window_by_window_and_finds_only_what_is_still_missing()
    {
        var windowed = new RecallStore(fixture.Database, TimeProvider.System, reindexWindow: 2);
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [.. Enumerable.Range(0, 5).Select(i => Say($"message {i}"))], CancellationToken.None);
        var pending = await ClaimAsync(tenant);
        await _recall.SaveAsync([.. pending.Take(2).Select(message => Vector(message, 0))], CancellationToken.None);
        await _recall.GiveUpAsync([.. pending.Skip(2)], CancellationToken.None);

        Assert.Equal(3, await windowed.EnqueueMissingAsync(tenant, Model, CancellationToken.None));
        Assert.Equal(0, await windowed.EnqueueMissingAsync(tenant, Model, CancellationToken.None));
        // After a model change every message lacks a vector of it; the three still queued stay queued once.
        Assert.Equal(2, await windowed.EnqueueMissingAsync(tenant, "a-new-model", CancellationToken.None));
        Assert.Equal(new RecallCounts(5, 2), await _recall.CountAsync(tenant, Model, CancellationToken.None));
    }

    [Fact]
    public async Task Keyword_search_ranks_messages_sharing_any_word_of_a_question_and_ignores_stop_words()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [
            Say("Caroline: I went to a LGBTQ support group yesterday and it was so powerful."),
            Say("Melanie: I painted a sunrise last week."),
            Say("Caroline: the weather was nice."),
            Say("it was the one that I did for them, when we were there"),
        ], CancellationToken.None);

        var hits = await _messages.SearchAsync(tenant, "u", "When did Caroline go to the support group?", RecallFilter.None, 10, 0, CancellationToken.None);
        Assert.StartsWith("Caroline: I went to a LGBTQ support group", hits[0].Message.Content, StringComparison.Ordinal);
        Assert.Equal(2, hits.Count); // both of Caroline's; the stop words find nothing
        Assert.True(hits[0].Rank > hits[1].Rank);
        var snippet = (await _messages.SnippetsAsync(tenant, "When did Caroline go to the support group?", [hits[0].Message.Seq], CancellationToken.None))[hits[0].Message.Seq];
        Assert.Contains("<mark>support</mark>", snippet, StringComparison.Ordinal);

        // Stemmed on both backends: "painting" finds "painted".
        Assert.StartsWith("Melanie", Assert.Single(await _messages.SearchAsync(tenant, "u", "painting", RecallFilter.None, 10, 0, CancellationToken.None)).Message.Content, StringComparison.Ordinal);
        Assert.Empty(await _messages.SearchAsync(tenant, "u", "when did they", RecallFilter.None, 10, 0, CancellationToken.None));
        Assert.Empty(await _messages.SearchAsync(tenant, "u", "caroline", new RecallFilter { Role = "assistant" }, 10, 0, CancellationToken.None));
    }

    [Fact]
    public async Task A_keyword_score_weighs_words_by_the_searchers_own_messages_only()
    {
        // Were words weighed by the whole index (FTS5's bm25()), a score would move when another
        // tenant, or another user of the tenant, writes the word: it would tell how often they do.
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [Say("a trip to Zanzibar in June"), Say("a trip to the dentist"), Say("lunch")], CancellationToken.None);
        var before = await _messages.SearchAsync(tenant, "u", "zanzibar trip", RecallFilter.None, 10, 0, CancellationToken.None);

        var other = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(other, "u", [.. Enumerable.Range(0, 50).Select(i => Say($"zanzibar again, day {i}"))], CancellationToken.None);
        await _messages.AppendAsync(tenant, "neighbour", [.. Enumerable.Range(0, 50).Select(i => Say($"zanzibar trip {i}"))], CancellationToken.None);
        var after = await _messages.SearchAsync(tenant, "u", "zanzibar trip", RecallFilter.None, 10, 0, CancellationToken.None);

        Assert.Equal(["a trip to Zanzibar in June", "a trip to the dentist"], after.Select(hit => hit.Message.Content));
        Assert.Equal(before.Select(hit => (hit.Message.Id, hit.Rank)), after.Select(hit => (hit.Message.Id, hit.Rank)));
        // The rarer word weighs more: the message with both outranks the one with "trip" alone.
        Assert.True(after[0].Rank > after[1].Rank);
        var second = Assert.Single(await _messages.SearchAsync(tenant, "u", "zanzibar trip", RecallFilter.None, 10, 1, CancellationToken.None));
        Assert.Equal(after[1].Message.Id, second.Message.Id);
    }

    [Fact]
    public async Task Past_the_newest_two_thousand_matches_a_word_is_weighed_by_the_window_they_span()
    {
        // Two words a message, so a match's score is its word's weight alone. The newest 2,000
        // of 2,100 "apple" messages span 4,000 of u's messages (apples and pears alternate), so
        // the weight is ln(1 + (4000 - 2000 + 0.5) / (2000 + 0.5)) = ln 2 — not the whole
        // history's (u's 500 older pears, the neighbour's 300), and not 5,000 matches'.
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        foreach (var batch in Enumerable.Range(0, 300).Chunk(100))
        {
            await _messages.AppendAsync(tenant, "v", [.. batch.Select(i => Say($"pear {i}"))], CancellationToken.None);
        }
        foreach (var batch in Enumerable.Range(0, 500).Chunk(100))
        {
            await _messages.AppendAsync(tenant, "u", [.. batch.Select(i => Say($"pear {i}"))], CancellationToken.None);
        }
        foreach (var batch in Enumerable.Range(0, 2100).Chunk(50))
        {
            await _messages.AppendAsync(tenant, "u", [.. batch.SelectMany(i => new[] { Say($"apple {i}"), Say($"pear {i}") })], CancellationToken.None);
        }

        var mine = await _messages.SearchAsync(tenant, "u", "apple", RecallFilter.None, 5, 0, CancellationToken.None);
        var tenantWide = await _messages.SearchAsync(tenant, null, "apple", RecallFilter.None, 5, 0, CancellationToken.None);

        foreach (var hits in new[] { mine, tenantWide })
        {
            Assert.Equal(["apple 2099", "apple 2098", "apple 2097", "apple 2096", "apple 2095"], hits.Select(hit => hit.Message.Content));
            Assert.All(hits, hit => Assert.Equal(Math.Log(2), hit.Rank, 9));
        }
    }

    [Fact]
    public async Task Characters_a_message_shares_with_the_indexs_marks_neither_lift_its_rank_nor_reach_its_snippet()
    {
        // SQLite's ranking reads the matches with the matched words marked by \u0001 and \u0002;
        // a message holding those characters itself must not pass its other words off as matches.
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [Say("trip trip to the mountains"), Say("trip \u0001 alpha beta gamma \u0002 delta \u0001")], CancellationToken.None);

        var hits = await _messages.SearchAsync(tenant, "u", "trip", RecallFilter.None, 10, 0, CancellationToken.None);

        Assert.Equal("trip trip to the mountains", hits[0].Message.Content);
        var crafted = hits[1].Snippet ?? (await _messages.SnippetsAsync(tenant, "trip", [hits[1].Message.Seq], CancellationToken.None))[hits[1].Message.Seq];
        Assert.Equal(1, Count(crafted, "<mark>"));
        Assert.Equal(1, Count(crafted, "</mark>"));
        Assert.Contains("<mark>trip</mark>", crafted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_message_is_snippeted_around_its_matches()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        string Filler(string word) => string.Join(' ', Enumerable.Range(0, 40).Select(i => $"{word}{i}"));
        await _messages.AppendAsync(tenant, "u", [Say($"{Filler("before")} we finally flew to Zanzibar last spring {Filler("after")}")], CancellationToken.None);

        var hit = Assert.Single(await _messages.SearchAsync(tenant, "u", "zanzibar", RecallFilter.None, 10, 0, CancellationToken.None));
        // SQLite makes it with the ranking; PostgreSQL when asked for a page's.
        var snippet = hit.Snippet ?? (await _messages.SnippetsAsync(tenant, "zanzibar", [hit.Message.Seq], CancellationToken.None))[hit.Message.Seq];

        Assert.Contains("<mark>Zanzibar</mark>", snippet, StringComparison.Ordinal);
        Assert.Equal(Count(snippet, "<mark>"), Count(snippet, "</mark>"));
        Assert.DoesNotContain("before0 ", snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("after39", snippet, StringComparison.Ordinal);
        Assert.True(snippet.Length < hit.Message.Content.Length / 2, snippet);
    }

    /// <summary>
    /// The tenant's claimed backlog. A claim takes every tenant's rows (it is the indexer's view):
    /// the other tenants' are kept for their turn; other tests' rows stay claimed, harmlessly.
    /// </summary>
    private async Task<List<PendingEmbedding>> ClaimAsync(string tenant)
    {
        while (await _recall.ClaimAsync(500, TimeSpan.FromMinutes(5), CancellationToken.None) is { Count: > 0 } batch)
        {
            _claimed.AddRange(batch);
        }
        var mine = _claimed.Where(pending => pending.TenantId == tenant).ToList();
        _claimed.RemoveAll(pending => pending.TenantId == tenant);
        return mine;
    }

    private static MessageVector Vector(PendingEmbedding pending, int axis)
    {
        var vector = new float[384];
        vector[axis] = 1;
        return new MessageVector(pending.TenantId, pending.MessageId, pending.EditedAt, Model, vector);
    }

    /// <summary>A question vector of the stored ones' size (its direction does not matter to these tests).</summary>
    private static readonly float[] Question = Enumerable.Repeat(1f / MathF.Sqrt(384), 384).ToArray();

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static NewMessage Say(string content, string role = "user") => new() { Role = role, Content = content };
}

public sealed class SqliteRecallStoreTests(SqliteStoreFixture fixture) : RecallStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresRecallStoreTests(PostgresStoreFixture fixture) : RecallStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

using Mnemo.Conversations;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Conversations;
using Mnemo.Storage.Messages;
using Mnemo.Storage.Users;
using Mnemo.Testing;

namespace Mnemo.Tests.Messages;

public abstract class MessageStoreContract(StoreFixture fixture)
{
    private readonly MessageStore _messages = new(fixture.Database, TimeProvider.System);

    private static NewMessage Say(string content, string role = "user", string? key = null, Guid? conversationId = null) =>
        new() { Role = role, Content = content, IdempotencyKey = key, ConversationId = conversationId, Tags = ["t"] };

    private async Task<(string Tenant, string User)> NewUserWithMessagesAsync(int count)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var batch = Enumerable.Range(0, count).Select(i => Say($"message {i}")).ToList();
        foreach (var chunk in batch.Chunk(100))
        {
            await _messages.AppendAsync(tenant, "u", chunk, CancellationToken.None);
        }
        return (tenant, "u");
    }

    [Fact]
    public async Task Append_creates_the_user_and_keeps_batch_order_within_one_instant()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        var result = await _messages.AppendAsync(tenant, "new-user", [Say("one"), Say("two", "assistant"), Say("three")], CancellationToken.None);

        Assert.True(result.UserCreated);
        Assert.NotNull(await new UserStore(fixture.Database).GetAsync(tenant, "new-user", CancellationToken.None));
        Assert.Equal(["one", "two", "three"], result.Messages.Select(message => message.Content));
        Assert.Single(result.Messages.Select(message => message.CreatedAt).Distinct());
        var page = await _messages.ListAsync(tenant, "new-user", new MessageQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["one", "two", "three"], page!.Messages.Select(message => message.Content));
        Assert.Equal(result.Messages.Select(message => message.Seq), page.Messages.Select(message => message.Seq));
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_message_and_writes_nothing()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var first = await _messages.AppendAsync(tenant, "u", [Say("hello", key: "k1")], CancellationToken.None);

        var retry = await _messages.AppendAsync(tenant, "u", [Say("hello again", key: "k1")], CancellationToken.None);
        var mixed = await _messages.AppendAsync(tenant, "u", [Say("hello", key: "k1"), Say("new", key: "k2")], CancellationToken.None);

        Assert.False(retry.AnyNew);
        Assert.Equal(first.Messages[0], retry.Messages[0] with { Metadata = first.Messages[0].Metadata, Tags = first.Messages[0].Tags });
        Assert.Equal("hello", retry.Messages[0].Content);
        Assert.True(mixed.AnyNew);
        Assert.Equal(first.Messages[0].Id, mixed.Messages[0].Id);
        var all = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["hello", "new"], all!.Messages.Select(message => message.Content));
    }

    [Fact]
    public async Task The_default_page_is_the_most_recent_in_chronological_order_and_before_pages_back_without_gaps()
    {
        var (tenant, user) = await NewUserWithMessagesAsync(45);

        var seen = new List<string>();
        var page = await _messages.ListAsync(tenant, user, new MessageQuery { Limit = 20 }, CancellationToken.None);
        Assert.Equal("message 25", page!.Messages[0].Content);
        Assert.Equal("message 44", page.Messages[^1].Content);
        while (true)
        {
            seen.InsertRange(0, page!.Messages.Select(message => message.Content));
            if (!page.HasMore)
            {
                break;
            }
            var oldest = page.Messages[0];
            page = await _messages.ListAsync(tenant, user, new MessageQuery { Limit = 20, Before = new(oldest.CreatedAt, oldest.Seq) }, CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, 45).Select(i => $"message {i}"), seen);
    }

    [Fact]
    public async Task After_pages_forward_and_filters_apply()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenant, "u", [Say("q1"), Say("a1", "assistant"), Say("q2"), Say("a2", "assistant"), Say("q3")], CancellationToken.None);
        var all = (await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10 }, CancellationToken.None))!.Messages;

        var forward = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 2, After = new(all[0].CreatedAt, all[0].Seq) }, CancellationToken.None);
        var assistant = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10, Role = "assistant" }, CancellationToken.None);

        Assert.Equal(["a1", "q2"], forward!.Messages.Select(message => message.Content));
        Assert.True(forward.HasMore);
        Assert.Equal(["a1", "a2"], assistant!.Messages.Select(message => message.Content));
    }

    [Fact]
    public async Task Paging_back_while_a_writer_appends_loses_and_repeats_nothing()
    {
        var (tenant, user) = await NewUserWithMessagesAsync(300);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var written = 0;
            while (!stop.IsCancellationRequested && written < 2_000)
            {
                await _messages.AppendAsync(tenant, user, [Say($"live {written++}")], CancellationToken.None);
            }
        });

        var first = await _messages.ListAsync(tenant, user, new MessageQuery { Limit = 25 }, CancellationToken.None);
        var seen = new List<Message>(first!.Messages);
        var page = first;
        while (page!.HasMore)
        {
            var oldest = page.Messages[0];
            page = await _messages.ListAsync(tenant, user, new MessageQuery { Limit = 25, Before = new(oldest.CreatedAt, oldest.Seq) }, CancellationToken.None);
            seen.InsertRange(0, page!.Messages);
        }
        await stop.CancelAsync();
        await writer;

        Assert.Equal(seen.Count, seen.Select(message => message.Id).Distinct().Count());
        var upToFirstPage = seen.Select(message => message.Content).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"message {i}"), upToFirstPage.Take(300));
        Assert.All(upToFirstPage.Skip(300), content => Assert.StartsWith("live ", content, StringComparison.Ordinal));
        var liveNumbers = upToFirstPage.Skip(300).Select(content => int.Parse(content[5..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, liveNumbers.Count), liveNumbers);
    }

    [Fact]
    public async Task Edit_get_and_delete_one_message()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var appended = (await _messages.AppendAsync(tenant, "u", [Say("draft"), Say("keep")], CancellationToken.None)).Messages;

        var edited = await _messages.EditAsync(tenant, "u", appended[0].Id, new MessageEdit("final", """{"x":1}""", ["a", "b"], DateTimeOffset.UnixEpoch.AddYears(60)), CancellationToken.None);
        Assert.Equal(("final", 1, 2), (edited!.Content, edited.Metadata.GetProperty("x").GetInt32(), edited.Tags.Count));
        Assert.NotNull(edited.EditedAt);
        Assert.Equal(edited, (await _messages.GetAsync(tenant, "u", appended[0].Id, CancellationToken.None))! with { Metadata = edited.Metadata, Tags = edited.Tags });

        Assert.Null(await _messages.GetAsync(tenant, "other-user", appended[0].Id, CancellationToken.None));
        Assert.False(await _messages.DeleteAsync(tenant, "other-user", appended[0].Id, CancellationToken.None));
        Assert.True(await _messages.DeleteAsync(tenant, "u", appended[0].Id, CancellationToken.None));
        Assert.Null(await _messages.GetAsync(tenant, "u", appended[0].Id, CancellationToken.None));
        Assert.Equal(1L, await _messages.DeleteAllAsync(tenant, "u", CancellationToken.None));
        Assert.Null(await _messages.DeleteAllAsync(tenant, "nobody", CancellationToken.None));
        Assert.Empty((await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 5 }, CancellationToken.None))!.Messages);
        Assert.Null(await _messages.ListAsync(tenant, "nobody", new MessageQuery { Limit = 5 }, CancellationToken.None));
    }

    [Fact]
    public async Task A_message_for_a_missing_conversation_writes_nothing()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        await Assert.ThrowsAsync<ConversationNotFoundException>(() =>
            _messages.AppendAsync(tenant, "u", [Say("lost", conversationId: Guid.CreateVersion7())], CancellationToken.None));

        Assert.Null(await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 5 }, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_appends_commit_together_and_a_bad_one_fails_alone()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        var appends = Enumerable.Range(0, 64).Select(i => Task.Run(() => _messages.AppendAsync(tenant, $"user-{i % 8}",
            [i == 17 ? Say("doomed", conversationId: Guid.CreateVersion7()) : Say($"m{i}")], CancellationToken.None))).ToList();
        var outcomes = await Task.WhenAll(appends.Select(async append =>
        {
            try
            {
                return (Ok: true, Content: (await append).Messages[0].Content);
            }
            catch (ConversationNotFoundException)
            {
                return (Ok: false, Content: "doomed");
            }
        }));

        Assert.Equal(63, outcomes.Count(outcome => outcome.Ok));
        var stored = new List<string>();
        for (var user = 0; user < 8; user++)
        {
            stored.AddRange((await _messages.ListAsync(tenant, $"user-{user}", new MessageQuery { Limit = 100 }, CancellationToken.None))!.Messages.Select(m => m.Content));
        }
        Assert.Equal(outcomes.Where(o => o.Ok).Select(o => o.Content).Order(), stored.Order());
        Assert.DoesNotContain("doomed", stored);
    }

    [Fact]
    public async Task A_bad_append_queued_behind_a_busy_writer_fails_alone()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var busyWriter = await BusyWriter.StartAsync(fixture.Database, tenant);

        // Queued while a writer is busy: behind a single writer they form one batch, whose first,
        // savepoint-free attempt fails on the doomed append and is written again item by item.
        var appends = Enumerable.Range(0, 5)
            .Select(i => _messages.AppendAsync(tenant, "u", [i == 2 ? Say("doomed", conversationId: Guid.CreateVersion7()) : Say($"m{i}")], CancellationToken.None))
            .ToList();
        await busyWriter.ReleaseAsync();

        await Assert.ThrowsAsync<ConversationNotFoundException>(() => appends[2]);
        foreach (var append in appends.Where((_, i) => i != 2))
        {
            Assert.Single((await append).Messages);
        }
        var stored = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10 }, CancellationToken.None);
        Assert.Equal(["m0", "m1", "m3", "m4"], stored!.Messages.Select(message => message.Content).Order());
    }

    [Fact]
    public async Task Retries_of_one_key_queued_together_store_one_message_per_user()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var earlier = await _messages.AppendAsync(tenant, "a", [Say("stored before", key: "k")], CancellationToken.None);
        var busyWriter = await BusyWriter.StartAsync(fixture.Database, tenant);

        // Queued behind a busy writer, so (on a single writer) they are written as one batch: user
        // "a" had the key already, users "b" and "c" get it for the first time, each three times.
        var appends = Enumerable.Range(0, 9)
            .Select(i => _messages.AppendAsync(tenant, "abc"[i % 3].ToString(), [Say($"attempt {i}", key: "k")], CancellationToken.None))
            .ToList();
        await busyWriter.ReleaseAsync();
        var results = await Task.WhenAll(appends);

        Assert.All(results.Where((_, i) => i % 3 == 0), result => Assert.Equal(earlier.Messages[0].Id, result.Messages[0].Id));
        Assert.DoesNotContain(results.Where((_, i) => i % 3 == 0), result => result.AnyNew);
        foreach (var user in new[] { "b", "c" })
        {
            var attempts = results.Where(result => result.Messages[0].UserId == user).ToList();
            Assert.Equal(3, attempts.Count);
            Assert.Single(attempts.Select(result => result.Messages[0].Id).Distinct());
            Assert.Single(attempts, result => result.AnyNew);
            Assert.Single(attempts, result => result.UserCreated);
            var stored = await _messages.ListAsync(tenant, user, new MessageQuery { Limit = 10 }, CancellationToken.None);
            Assert.Equal(attempts.Single(result => result.AnyNew).Messages[0].Content, Assert.Single(stored!.Messages).Content);
        }
    }

    [Fact]
    public async Task Messages_count_into_their_conversation()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, new Mnemo.Users.User
        {
            Id = "u", Metadata = JsonObjects.Empty, CreatedAt = DateTimeOffset.UnixEpoch, LastSeen = DateTimeOffset.UnixEpoch,
        }, CancellationToken.None);
        var conversations = new ConversationStore(fixture.Database);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(), UserId = "u", Status = ConversationStatus.Active, StartedAt = DateTimeOffset.UnixEpoch.AddYears(56), MessageCount = 0, Metadata = JsonObjects.Empty,
        };
        await conversations.CreateAsync(tenant, conversation, CancellationToken.None);

        var appended = await _messages.AppendAsync(tenant, "u", [Say("a", conversationId: conversation.Id), Say("b", conversationId: conversation.Id), Say("c")], CancellationToken.None);
        await _messages.DeleteAsync(tenant, "u", appended.Messages[0].Id, CancellationToken.None);

        var stored = await conversations.GetAsync(tenant, "u", conversation.Id, CancellationToken.None);
        Assert.Equal(1, stored!.MessageCount);
        Assert.Equal(appended.Messages[1].CreatedAt, stored.LastMessageAt);
        var inConversation = await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10, ConversationId = conversation.Id }, CancellationToken.None);
        Assert.Equal(["b"], inConversation!.Messages.Select(message => message.Content));
        Assert.Equal(1L, await conversations.DeleteAsync(tenant, "u", conversation.Id, CancellationToken.None));
        Assert.Equal(["c"], (await _messages.ListAsync(tenant, "u", new MessageQuery { Limit = 10 }, CancellationToken.None))!.Messages.Select(message => message.Content));
    }

    [Theory]
    [InlineData("emoji 😀👩‍👩‍👧 and RTL שלום مرحبا")]
    [InlineData("controls \u0001\u001f\t\r\n and ZWJ \u200d end")]
    [InlineData("quotes \" ' \\ and <html> & ; -- DROP TABLE messages")]
    public async Task Unicode_round_trips_exactly(string content)
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        var appended = await _messages.AppendAsync(tenant, "u", [Say(content)], CancellationToken.None);
        var read = await _messages.GetAsync(tenant, "u", appended.Messages[0].Id, CancellationToken.None);

        Assert.Equal(content, read!.Content);
    }

    [Fact]
    public async Task Search_finds_ranked_matches_with_a_snippet_scoped_to_tenant_and_user()
    {
        var tenantA = await TestTenants.CreateAsync(fixture.Database);
        var tenantB = await TestTenants.CreateAsync(fixture.Database);
        await _messages.AppendAsync(tenantA, "u1", [Say("I love hiking in the mountains"), Say("Pasta for dinner"), Say("mountains mountains everywhere")], CancellationToken.None);
        await _messages.AppendAsync(tenantA, "u2", [Say("the mountains are calling")], CancellationToken.None);
        await _messages.AppendAsync(tenantB, "u1", [Say("secret mountains of tenant B")], CancellationToken.None);

        var forUser = await _messages.SearchAsync(tenantA, "u1", "mountains", RecallFilter.None, 10, 0, CancellationToken.None);
        var forTenant = await _messages.SearchAsync(tenantA, null, "mountains", RecallFilter.None, 10, 0, CancellationToken.None);
        var hostile = await _messages.SearchAsync(tenantA, "u1", "\"unbalanced AND OR NOT (", RecallFilter.None, 10, 0, CancellationToken.None);

        Assert.Equal(2, forUser.Count);
        var snippets = await _messages.SnippetsAsync(tenantA, "mountains", [.. forUser.Select(hit => hit.Message.Seq)], CancellationToken.None);
        Assert.All(forUser, hit => Assert.Contains("<mark>", snippets[hit.Message.Seq], StringComparison.Ordinal));
        // Another tenant's message is not snippeted, whatever seq is asked for.
        var foreign = (await _messages.SearchAsync(tenantB, "u1", "mountains", RecallFilter.None, 10, 0, CancellationToken.None))[0].Message.Seq;
        Assert.Empty(await _messages.SnippetsAsync(tenantA, "mountains", [foreign], CancellationToken.None));
        Assert.True(forUser[0].Rank >= forUser[1].Rank);
        Assert.Equal("mountains mountains everywhere", forUser[0].Message.Content);
        Assert.Equal(3, forTenant.Count);
        Assert.DoesNotContain(forTenant, hit => hit.Message.Content.Contains("tenant B", StringComparison.Ordinal));
        Assert.Empty(hostile);
    }

    [Fact]
    public async Task Stream_reads_every_message_in_order()
    {
        var (tenant, user) = await NewUserWithMessagesAsync(1_234);

        var streamed = new List<string>();
        await foreach (var message in _messages.StreamAsync(tenant, user, CancellationToken.None))
        {
            streamed.Add(message.Content);
        }

        Assert.Equal(Enumerable.Range(0, 1_234).Select(i => $"message {i}"), streamed);
    }
}

public sealed class SqliteMessageStoreTests(SqliteStoreFixture fixture) : MessageStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresMessageStoreTests(PostgresStoreFixture fixture) : MessageStoreContract(fixture), IClassFixture<PostgresStoreFixture>;

/// <summary>The same contract through PgBouncer in transaction pooling (<c>Mnemo__Storage__Pooler=pgbouncer</c>).</summary>
public sealed class PgBouncerMessageStoreTests(PgBouncerStoreFixture fixture) : MessageStoreContract(fixture), IClassFixture<PgBouncerStoreFixture>;

using System.Collections.Concurrent;
using System.Diagnostics;
using Mnemo.Messages;
using Mnemo.Storage.Messages;
using Mnemo.Testing;
using Xunit.Abstractions;

namespace Mnemo.Tests.Messages;

/// <summary>
/// Issue 13: one client's failing appends must never fail another's. Eight clients append good
/// messages while eight append messages PostgreSQL refuses inside the group-committed batch:
/// NUL in text or in jsonb (refused at Bind, which used to leave an auto-prepared statement
/// half-recorded and the pooled connection out of step) and a trigger-injected error (refused at
/// execution). Every good append must be acknowledged and stored once.
/// </summary>
public sealed class PostgresAppendPoisonTests(ITestOutputHelper output)
{
    private const string TriggerMarker = "poison-3f7a";
    private static readonly TimeSpan RunLength = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Failing_items_in_the_batch_never_fail_good_appends_in_five_runs_of_ten_seconds()
    {
        var storage = await MigratedDatabaseAsync();
        await using (var database = Storage.MnemoDatabaseFactory.Create(storage))
        {
            await ExecuteAsync(database, $"""
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'poison refused'; END $$;
                CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW WHEN (NEW.content = '{TriggerMarker}') EXECUTE FUNCTION refuse_poison();
                """);
        }
        for (var run = 1; run <= 5; run++)
        {
            // A new pool each run: its statements are prepared afresh, under fire.
            await using var database = Storage.MnemoDatabaseFactory.Create(storage);
            var (good, refused) = await RunAsync(database);
            output.WriteLine($"run {run}: {good} good appends acknowledged and stored once, {refused} poisoned appends refused");
            Assert.True(good > 0 && refused > 0, $"run {run}: {good} good, {refused} refused");
        }
    }

    /// <summary>
    /// The root cause, deterministically: on one pooled connection, a value refused at Bind on the
    /// run that auto-prepares the insert (Npgsql prepares a text on its fifth use) must not break
    /// the next append of the same shape. Each attempt starts a new pool of one connection and
    /// puts the refused value at another use, so one of them lands on the preparing run.
    /// </summary>
    [Fact]
    public async Task A_value_refused_while_its_statement_is_being_prepared_does_not_break_the_next_append()
    {
        var storage = await MigratedDatabaseAsync();
        for (var goodBefore = 0; goodBefore <= 6; goodBefore++)
        {
            await using var database = new Storage.Postgres.PostgresDatabase($"{storage.ConnectionString};Maximum Pool Size=1");
            var messages = new MessageStore(database, TimeProvider.System);
            var tenant = await TestTenants.CreateAsync(database);
            for (var n = 0; n < goodBefore; n++)
            {
                await messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = $"fine {n}" }], CancellationToken.None);
            }
            await Assert.ThrowsAnyAsync<Exception>(() => messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "nul \0" }], CancellationToken.None));

            var after = await messages.AppendAsync(tenant, "u", [new NewMessage { Role = "user", Content = "fine after" }], CancellationToken.None);

            Assert.Equal("fine after", after.Messages[0].Content);
        }
    }

    private static async Task<Storage.Configuration.ResolvedStorage> MigratedDatabaseAsync()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        await using var database = Storage.MnemoDatabaseFactory.Create(storage);
        await new Storage.Migrations.MigrationRunner(database, TimeProvider.System).ApplyAsync(CancellationToken.None);
        return storage;
    }

    private static async Task<(int Good, int Refused)> RunAsync(Storage.MnemoDatabase database)
    {
        var messages = new MessageStore(database, TimeProvider.System);
        var tenant = await TestTenants.CreateAsync(database);
        var acknowledged = new ConcurrentDictionary<string, Guid>();
        var goodFailures = new ConcurrentQueue<Exception>();
        var refused = 0;
        var clock = Stopwatch.StartNew();

        var goodClients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < RunLength; n++)
            {
                var key = $"good-{client}-{n}";
                try
                {
                    var result = await messages.AppendAsync(tenant, $"good-{client}", [new NewMessage { Role = "user", Content = $"fine {n}", IdempotencyKey = key }], CancellationToken.None);
                    acknowledged[key] = result.Messages[0].Id;
                }
#pragma warning disable CA1031 // Every failure of a good append is the finding.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    goodFailures.Enqueue(exception);
                }
            }
        }));
        var badClients = Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < RunLength; n++)
            {
                var poisoned = (n % 3) switch
                {
                    0 => new NewMessage { Role = "user", Content = "nul \0 in text" },
                    1 => new NewMessage { Role = "user", Content = "nul in jsonb", MetadataJson = """{"k":"a\u0000b"}""" },
                    _ => new NewMessage { Role = "user", Content = TriggerMarker },
                };
                await Assert.ThrowsAnyAsync<Exception>(() => messages.AppendAsync(tenant, $"bad-{client}", [poisoned], CancellationToken.None));
                Interlocked.Increment(ref refused);
            }
        }));
        await Task.WhenAll(goodClients.Concat(badClients));

        Assert.True(goodFailures.IsEmpty, $"{goodFailures.Count} good appends failed; first: {goodFailures.FirstOrDefault()}");
        var stored = await StoredAsync(database, tenant);
        Assert.Equal(acknowledged.Count, stored.Count);
        Assert.All(acknowledged, pair => Assert.Equal(pair.Value, stored[pair.Key]));
        return (acknowledged.Count, refused);
    }

    /// <summary>Every stored message of the tenant by idempotency key; a key stored twice fails the test.</summary>
    private static async Task<Dictionary<string, Guid>> StoredAsync(Storage.MnemoDatabase database, string tenant)
    {
        await using var session = await database.ReadAsync(CancellationToken.None);
        await using var command = session.Command("SELECT idempotency_key, id, user_id FROM messages WHERE tenant_id = @tenant_id")
            .With("tenant_id", tenant);
        var rows = await command.ListAsync(reader => (Key: reader.IsDBNull(0) ? null : reader.GetString(0), Id: reader.GetGuid(1), User: reader.GetString(2)), CancellationToken.None);
        Assert.All(rows, row => Assert.StartsWith("good-", row.User, StringComparison.Ordinal));
        return rows.ToDictionary(row => row.Key!, row => row.Id);
    }

    private static Task<int> ExecuteAsync(Storage.MnemoDatabase database, string sql) =>
        database.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command(sql);
            return await command.ExecuteAsync(token);
        }, CancellationToken.None);
}

// Search latency against the size of one user's history: 1,000, 10,000 and 100,000 messages.
// The messages go through the API; their vectors are written by the bench (random unit vectors,
// as many as the messages), because embedding 100,000 messages on this machine takes over half an
// hour and a search's cost does not depend on what the vectors say: it reads them all and ranks
// them. The question is embedded by the server's model on every search, as in production.
// PostgreSQL's table is analyzed before the searches, as autovacuum would have done in service.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Mnemo.Storage;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>The <c>recall-latency</c> benchmark.</summary>
internal static class RecallLatencyBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        var model = options.Model ?? "snowflake-arctic-embed-xs";
        Console.WriteLine("| messages | mode | search p50 ms | search p95 ms |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var size in options.Sizes)
        {
            var storage = await TestStores.CreateEmptyAsync(options.Backend);
            // No indexer: the bench writes the vectors itself (see above).
            await using var server = await BenchServer.StartAsync(storage, new Dictionary<string, string>
            {
                ["Mnemo__Embeddings__Provider"] = "local",
                ["Mnemo__Embeddings__Model"] = model,
                ["Mnemo__Embeddings__Indexer"] = "false",
            });
            var (tenantId, client) = await server.NewTenantAsync();
            var random = new Random(size);
            await SyntheticHistory.AppendAsync(client, "u", size, random);
            await WriteVectorsAsync(storage, tenantId, model, random);
            if (options.Backend == Backend.Postgres)
            {
                await AnalyzeAsync(storage, tenantId);
            }
            while ((await client.Messages.SearchStatusAsync()).Semantic != "ready")
            {
                await Task.Delay(100);
            }
            foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
            {
                var times = new List<double>();
                for (var i = 0; i < 200; i++)
                {
                    var timer = Stopwatch.StartNew();
                    await client.Messages.SearchAsync("u", SyntheticHistory.Questions[i % SyntheticHistory.Questions.Length], limit: 10, options: new Client.MessageSearchOptions { Mode = mode });
                    if (i >= 20)
                    {
                        times.Add(timer.Elapsed.TotalMilliseconds); // the first 20 warm up
                    }
                }
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | {mode} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} |"));
            }
        }
    }

    /// <summary>
    /// PostgreSQL's statistics for the planner, as a server in service has them: autovacuum would
    /// analyze (and vacuum) the table within a minute of 10,000 inserts. Without them it plans the
    /// freshly loaded table as empty. (SQLite's are left as the server leaves them: never gathered.)
    /// </summary>
    private static async Task AnalyzeAsync(Storage.Configuration.ResolvedStorage storage, string tenantId)
    {
        await using var database = MnemoDatabaseFactory.Create(storage);
        await using var session = await database.ReadAsync(tenantId, CancellationToken.None);
        await using var analyze = session.Command("VACUUM ANALYZE messages");
        await analyze.ExecuteAsync(CancellationToken.None);
    }

    /// <summary>A random unit vector for every message of the tenant, in batches.</summary>
    private static async Task WriteVectorsAsync(Storage.Configuration.ResolvedStorage storage, string tenantId, string model, Random random)
    {
        await using var database = MnemoDatabaseFactory.Create(storage);
        List<(Guid Id, string User)> messages;
        await using (var session = await database.ReadAsync(tenantId, CancellationToken.None))
        {
            await using var select = session.Command("SELECT id, user_id FROM messages WHERE tenant_id = @tenant_id");
            messages = await select.ListAsync(reader => (database.Dialect.GetGuid(reader, 0), reader.GetString(1)), CancellationToken.None);
        }
        foreach (var batch in messages.Chunk(500))
        {
            await database.WriteAsync(tenantId, async (session, token) =>
            {
                foreach (var (id, user) in batch)
                {
                    var vector = new float[384];
                    for (var i = 0; i < vector.Length; i++)
                    {
                        vector[i] = (float)((random.NextDouble() * 2) - 1);
                    }
                    var length = MathF.Sqrt(vector.Sum(value => value * value));
                    for (var i = 0; i < vector.Length; i++)
                    {
                        vector[i] /= length;
                    }
                    await using var insert = session.Command(
                        "INSERT INTO message_vectors (tenant_id, message_id, user_id, model, vector) VALUES (@tenant_id, @id, @user_id, @model, @vector)")
                        .With("id", id).With("user_id", user).With("model", model).With("vector", MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
                    await insert.ExecuteAsync(token);
                }
                await using var done = session.Command("DELETE FROM embedding_backlog WHERE tenant_id = @tenant_id");
                return await done.ExecuteAsync(token);
            }, CancellationToken.None);
        }
    }
}

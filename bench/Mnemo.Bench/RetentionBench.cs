// Retention under load: a million expired messages among live ones on PostgreSQL; 32 clients
// append while a retention pass purges them. Reports the purge rate and the appends' latency
// during the pass against a run without it.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Tenants;
using Mnemo.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Mnemo.Bench;

/// <summary>The <c>retention</c> benchmark.</summary>
internal static class RetentionBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        await using var server = await BenchServer.StartAsync(storage);
        var (tenantId, client) = await server.NewTenantAsync();
        await server.Admin.Tenants.UpdateAsync(tenantId, new UpdateTenantRequest
        {
            Settings = JsonDocument.Parse("""{"message_retention_days":7}""").RootElement,
        });

        Console.WriteLine($"loading {options.Expired:N0} expired messages with COPY...");
        var load = Stopwatch.StartNew();
        await LoadExpiredAsync(storage.ConnectionString, tenantId, options.Expired);
        Console.WriteLine($"loaded in {load.Elapsed.TotalSeconds:F1} s");

        // Warm-up (JIT, connection pools, and the live users created), then the baseline without a pass.
        await AppendForAsync(client, options.Concurrency, TimeSpan.FromSeconds(3), untilDone: null);
        var baseline = await AppendForAsync(client, options.Concurrency, TimeSpan.FromSeconds(options.Seconds), untilDone: null);
        var pass = Stopwatch.StartNew();
        var passTask = server.Admin.Campaigns.RunRetentionAsync();
        var during = await AppendForAsync(client, options.Concurrency, TimeSpan.FromHours(1), untilDone: passTask);
        var counts = await passTask;
        pass.Stop();
        // A second baseline after the pass separates the pass's effect from warm-up and ordering.
        var after = await AppendForAsync(client, options.Concurrency, TimeSpan.FromSeconds(options.Seconds), untilDone: null);

        var result = new RetentionResult(
            Benchmark: "retention",
            Backend: "postgres",
            Cores: Environment.ProcessorCount,
            ExpiredRows: options.Expired,
            Concurrency: options.Concurrency,
            RowsPurged: counts.Messages,
            PassSeconds: pass.Elapsed.TotalSeconds,
            RowsPurgedPerSecond: counts.Messages / pass.Elapsed.TotalSeconds,
            BaselineAppends: baseline.Length,
            BaselineP50Ms: Stats.Percentile(baseline, 0.50),
            BaselineP99Ms: Stats.Percentile(baseline, 0.99),
            DuringPassAppends: during.Length,
            DuringPassP50Ms: Stats.Percentile(during, 0.50),
            DuringPassP99Ms: Stats.Percentile(during, 0.99),
            AfterPassP50Ms: Stats.Percentile(after, 0.50),
            AfterPassP99Ms: Stats.Percentile(after, 0.99),
            Note: "the typed client in the benchmark, Mnemo.Server in its own process on loopback; single-message appends; retention batch 1000");

        Console.WriteLine();
        Console.WriteLine("| expired rows | purged | pass s | rows/s | appends p50/p99 ms before pass | during pass | after pass |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.ExpiredRows} | {result.RowsPurged} | {result.PassSeconds:F1} | {result.RowsPurgedPerSecond:F0} | {result.BaselineP50Ms:F2} / {result.BaselineP99Ms:F2} | {result.DuringPassP50Ms:F2} / {result.DuringPassP99Ms:F2} | {result.AfterPassP50Ms:F2} / {result.AfterPassP99Ms:F2} |"));
        var file = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results", "retention-postgres.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.RetentionResult));
        Console.WriteLine($"written to {file}");
    }

    private static async Task LoadExpiredAsync(string connectionString, string tenantId, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var old = DateTime.UtcNow.AddDays(-30);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY messages (tenant_id, id, user_id, role, content, metadata, tags, created_at) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < count; i++)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(tenantId, NpgsqlDbType.Text);
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync($"old-{i % 1000}", NpgsqlDbType.Text);
            await writer.WriteAsync(i % 2 == 0 ? "user" : "assistant", NpgsqlDbType.Text);
            await writer.WriteAsync($"expired message {i}", NpgsqlDbType.Text);
            await writer.WriteAsync("{}", NpgsqlDbType.Jsonb);
            await writer.WriteAsync("[]", NpgsqlDbType.Jsonb);
            await writer.WriteAsync(old.AddTicks(i * 10L), NpgsqlDbType.TimestampTz);
        }
        await writer.CompleteAsync();
        await writer.DisposeAsync();
        // Settle the table now, so autovacuum after the bulk load does not run inside the baseline.
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE messages", connection);
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>Clients append single messages until <paramref name="duration"/> passes or <paramref name="untilDone"/> finishes; every latency in ms, sorted.</summary>
    private static async Task<double[]> AppendForAsync(Client.MnemoClient client, int concurrency, TimeSpan duration, Task? untilDone)
    {
        var latencies = new ConcurrentBag<double>();
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var n = 0;
            while (deadline.Elapsed < duration && untilDone is not { IsCompleted: true })
            {
                var started = Stopwatch.GetTimestamp();
                await client.Messages.AppendAsync($"live-{worker}-{n % 10}", new AppendMessagesRequest { Role = "user", Content = $"live {n++}" });
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}

/// <summary>The retention benchmark's figures.</summary>
internal sealed record RetentionResult(
    string Benchmark, string Backend, int Cores, int ExpiredRows, int Concurrency, long RowsPurged, double PassSeconds, double RowsPurgedPerSecond,
    int BaselineAppends, double BaselineP50Ms, double BaselineP99Ms, int DuringPassAppends, double DuringPassP50Ms, double DuringPassP99Ms,
    double AfterPassP50Ms, double AfterPassP99Ms, string Note);

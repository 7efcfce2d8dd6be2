// Append and read throughput through HTTP at N clients, against pgbench doing the same
// single-row insert and last-20 select on the same PostgreSQL in the same run.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mnemo.Messages;
using Mnemo.Testing;
using Npgsql;

namespace Mnemo.Bench;

/// <summary>The <c>append</c> benchmark.</summary>
internal static partial class AppendBench
{
    private const int Users = 10_000;

    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(options.Backend);
        var ready = Stopwatch.StartNew();
        await using var server = await BenchServer.StartAsync(storage);
        ready.Stop();
        var (tenantId, client) = await server.NewTenantAsync();
        var duration = TimeSpan.FromSeconds(options.Seconds);

        await AppendAsync(client, options.Concurrency, TimeSpan.FromSeconds(3)); // warm-up
        var (appends, appendSeconds) = await AppendAsync(client, options.Concurrency, duration);
        var (reads, readSeconds) = await ReadAsync(client, Users, options.Concurrency, duration);
        var peakRssMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);

        double? pgbenchInsert = null, pgbenchSelect = null;
        if (options.Backend == Backend.Postgres)
        {
            pgbenchInsert = await PgbenchAsync(storage.ConnectionString, options.Concurrency, options.Seconds, tenantId, insert: true);
            pgbenchSelect = await PgbenchAsync(storage.ConnectionString, options.Concurrency, options.Seconds, tenantId, insert: false);
        }

        var result = new AppendResult(
            Benchmark: "append", Backend: options.Backend.ToString().ToLowerInvariant(), Cores: Environment.ProcessorCount, Clients: options.Concurrency,
            AppendsPerSecond: appends.Length / appendSeconds, AppendP50Ms: Stats.Percentile(appends, 0.5), AppendP95Ms: Stats.Percentile(appends, 0.95),
            AppendP99Ms: Stats.Percentile(appends, 0.99), AppendMaxMs: appends[^1],
            ReadsPerSecond: reads.Length / readSeconds, ReadP50Ms: Stats.Percentile(reads, 0.5), ReadP95Ms: Stats.Percentile(reads, 0.95),
            ReadP99Ms: Stats.Percentile(reads, 0.99), ReadMaxMs: reads[^1],
            PgbenchInsertTps: pgbenchInsert, PgbenchSelectTps: pgbenchSelect,
            AppendRatio: pgbenchInsert is { } insertTps ? appends.Length / appendSeconds / insertTps : null,
            ReadRatio: pgbenchSelect is { } selectTps ? reads.Length / readSeconds / selectTps : null,
            PeakRssMb: peakRssMb, ReadySeconds: ready.Elapsed.TotalSeconds,
            Note: "client and server in one process (RSS covers both); test cluster runs with fsync=off for Mnemo and pgbench alike");

        Console.WriteLine();
        Console.WriteLine("| backend | clients | appends/s | append p50/p95/p99/max ms | reads/s | read p50/p95/p99/max ms | pgbench insert tps | pgbench select tps | append ratio | read ratio | peak RSS MB | ready s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.Backend} | {result.Clients} | {result.AppendsPerSecond:F0} | {result.AppendP50Ms:F2}/{result.AppendP95Ms:F2}/{result.AppendP99Ms:F2}/{result.AppendMaxMs:F1} | {result.ReadsPerSecond:F0} | {result.ReadP50Ms:F2}/{result.ReadP95Ms:F2}/{result.ReadP99Ms:F2}/{result.ReadMaxMs:F1} | {result.PgbenchInsertTps:F0} | {result.PgbenchSelectTps:F0} | {result.AppendRatio:F2} | {result.ReadRatio:F2} | {result.PeakRssMb:F0} | {result.ReadySeconds:F2} |"));
        var file = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results", $"append-{result.Backend}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.AppendResult));
        Console.WriteLine($"written to {file}");
    }

    private static async Task<(double[] Latencies, double Seconds)> AppendAsync(Client.MnemoClient client, int clients, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (wall.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await client.Messages.AppendAsync($"u{random.Next(Users)}", new AppendMessagesRequest { Role = "user", Content = "hello, how are you today?" });
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        return (Sorted(latencies), wall.Elapsed.TotalSeconds);
    }

    /// <summary>Clients fetch the last 20 messages of random users among <paramref name="users"/>; latencies in ms, sorted.</summary>
    internal static async Task<(double[] Latencies, double Seconds)> ReadAsync(Client.MnemoClient client, int users, int clients, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(worker => Task.Run(async () =>
        {
            var random = new Random(1000 + worker);
            while (wall.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.Messages.ListAsync($"u{random.Next(users)}", limit: 20);
                }
                catch (Client.MnemoApiException)
                {
                    // A user the append phase never reached: still one indexed lookup.
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        return (Sorted(latencies), wall.Elapsed.TotalSeconds);
    }

    /// <summary>pgbench with a custom script on the same cluster: the single-row insert, or the last-20 select.</summary>
    private static async Task<double> PgbenchAsync(string connectionString, int clients, int seconds, string tenantId, bool insert)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (insert)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            // The same shape as messages: the same columns, keys, generated search column and indexes.
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bench_messages (LIKE messages INCLUDING ALL)", connection);
            await create.ExecuteNonQueryAsync();
        }
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, insert
            ? $$"""
              \set u random(0, {{Users - 1}})
              INSERT INTO bench_messages (tenant_id, id, user_id, role, content, metadata, tags, created_at) VALUES ('{{tenantId}}', gen_random_uuid(), 'u' || :u, 'user', 'hello, how are you today?', '{}', '[]', now()) RETURNING seq;
              """
            : $$"""
              \set u random(0, {{Users - 1}})
              SELECT id, seq, user_id, role, content, metadata, tags, created_at FROM messages WHERE tenant_id = '{{tenantId}}' AND user_id = 'u' || :u ORDER BY created_at DESC, seq DESC LIMIT 20;
              """);
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pgbench")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-f", script, "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database! },
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = TpsLine().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    private static double[] Sorted(ConcurrentBag<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsLine();
}

/// <summary>The append benchmark's figures.</summary>
internal sealed record AppendResult(
    string Benchmark, string Backend, int Cores, int Clients, double AppendsPerSecond, double AppendP50Ms, double AppendP95Ms, double AppendP99Ms, double AppendMaxMs,
    double ReadsPerSecond, double ReadP50Ms, double ReadP95Ms, double ReadP99Ms, double ReadMaxMs, double? PgbenchInsertTps, double? PgbenchSelectTps,
    double? AppendRatio, double? ReadRatio, double PeakRssMb, double ReadySeconds, string Note);

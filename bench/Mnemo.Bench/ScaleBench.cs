// Read latency as the table grows: the last-20 read (wrk against Mnemo.Server in its own process)
// at 100,000 messages and again after a binary COPY brings the same tenant to 10,000,000
// (PostgreSQL only).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mnemo.Testing;
using Npgsql;
using NpgsqlTypes;

namespace Mnemo.Bench;

/// <summary>The <c>scale</c> benchmark.</summary>
internal static class ScaleBench
{
    // Few enough users that each has well over 20 messages at the small size too, so both
    // measurements read full pages.
    private const int Users = 1_000;
    private const int Small = 100_000;

    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var server = await ServerProcess.StartAsync(storage);
        try
        {
            await RunAsync(options, storage.ConnectionString, server);
        }
        finally
        {
            server.Kill();
        }
    }

    private static async Task RunAsync(BenchOptions options, string connectionString, ServerProcess server)
    {
        var (tenantId, apiKey) = await server.NewTenantAsync("scale");
        Task<WrkRun> ReadsAsync() => Wrk.RunAsync(server.Address, apiKey, Users, options.Concurrency, options.Seconds, append: false);

        var load = Stopwatch.StartNew();
        await LoadAsync(connectionString, tenantId, from: 0, count: Small);
        Console.WriteLine($"{Small:N0} messages loaded in {load.Elapsed.TotalSeconds:F1} s");
        await ReadsAsync(); // warm-up: JIT and tiering, pools, cache
        var small = await ReadsAsync();

        load.Restart();
        await LoadAsync(connectionString, tenantId, from: Small, count: options.Messages - Small);
        var loadSeconds = load.Elapsed.TotalSeconds;
        Console.WriteLine($"{options.Messages - Small:N0} more loaded in {loadSeconds:F1} s");
        await ReadsAsync();
        var large = await ReadsAsync();

        var result = new ScaleResult(
            Benchmark: "scale", Backend: "postgres", Cores: Environment.ProcessorCount, Clients: options.Concurrency, Users: Users,
            SmallMessages: Small, SmallP50Ms: small.P50Ms, SmallP99Ms: small.P99Ms, SmallReadsPerSecond: small.RequestsPerSecond,
            LargeMessages: options.Messages, LargeP50Ms: large.P50Ms, LargeP99Ms: large.P99Ms, LargeReadsPerSecond: large.RequestsPerSecond,
            P50Ratio: large.P50Ms / small.P50Ms, LoadSeconds: loadSeconds);
        Console.WriteLine();
        Console.WriteLine("| messages | reads/s | read p50 ms | read p99 ms |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {result.SmallMessages:N0} | {result.SmallReadsPerSecond:F0} | {result.SmallP50Ms:F2} | {result.SmallP99Ms:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {result.LargeMessages:N0} | {result.LargeReadsPerSecond:F0} | {result.LargeP50Ms:F2} | {result.LargeP99Ms:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50 ratio {result.P50Ratio:F2}"));
        var file = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results", "scale-postgres.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.ScaleResult));
        Console.WriteLine($"written to {file}");
    }

    /// <summary>Messages <paramref name="from"/>.. for users u0..u999 round robin, a second apart, then VACUUM ANALYZE.</summary>
    private static async Task LoadAsync(string connectionString, string tenantId, int from, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var start = DateTime.UtcNow.AddYears(-1);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY messages (tenant_id, id, user_id, role, content, metadata, tags, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = from; i < from + count; i++)
            {
                var createdAt = start.AddSeconds(i);
                await writer.StartRowAsync();
                await writer.WriteAsync(tenantId, NpgsqlDbType.Text);
                await writer.WriteAsync(Guid.CreateVersion7(createdAt), NpgsqlDbType.Uuid);
                await writer.WriteAsync($"u{i % Users}", NpgsqlDbType.Text);
                await writer.WriteAsync(i % 2 == 0 ? "user" : "assistant", NpgsqlDbType.Text);
                await writer.WriteAsync($"message {i} of the scale run", NpgsqlDbType.Text);
                await writer.WriteAsync("{}", NpgsqlDbType.Jsonb);
                await writer.WriteAsync("[]", NpgsqlDbType.Jsonb);
                await writer.WriteAsync(createdAt, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE messages", connection) { CommandTimeout = 0 };
        await vacuum.ExecuteNonQueryAsync();
    }
}

/// <summary>What the scale benchmark measured.</summary>
internal sealed record ScaleResult(
    string Benchmark, string Backend, int Cores, int Clients, int Users, int SmallMessages, double SmallP50Ms, double SmallP99Ms, double SmallReadsPerSecond,
    int LargeMessages, double LargeP50Ms, double LargeP99Ms, double LargeReadsPerSecond, double P50Ratio, double LoadSeconds);

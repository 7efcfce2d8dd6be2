// Append and read throughput through HTTP at N clients against a running Mnemo.Server (its own
// process), driven by wrk, and pgbench doing the same single-row insert and last-20 select on
// the same PostgreSQL in the same run.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mnemo.Storage.Configuration;
using Mnemo.Testing;
using Npgsql;

namespace Mnemo.Bench;

/// <summary>The <c>append</c> benchmark.</summary>
internal static partial class AppendBench
{
    internal const int Users = 10_000;

    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await DurableStoreAsync(options.Backend, options.ThroughPgBouncer);
        // The database itself (not through PgBouncer): for settling it and for pgbench's baseline.
        var direct = storage.MigrationConnectionString ?? storage.ConnectionString;
        // --indexing off: no embedding model, so no recall indexer beside the appends (for the append ratio with it on and off).
        var server = await ServerProcess.StartAsync(storage, environment: options.Indexing
            ? null
            : new Dictionary<string, string> { ["Mnemo__Embeddings__Provider"] = "none" });
        Console.WriteLine($"recall indexing {(options.Indexing ? "on" : "off")}, {(options.ThroughPgBouncer ? "through PgBouncer (transaction pooling)" : "straight to the database")}");
        WrkRun appends, reads;
        CpuUse appendCpu, readCpu;
        double peakRssMb;
        string tenantId;
        try
        {
            (tenantId, var apiKey) = await server.NewTenantAsync("bench");
            // Warm-up of both paths: JIT and tiering (tier-1 code takes seconds of load to arrive),
            // connection pools, and nearly every user created once.
            await Wrk.RunAsync(server.Address, apiKey, Users, options.Concurrency, 10, append: true);
            await Wrk.RunAsync(server.Address, apiKey, Users, options.Concurrency, 5, append: false);
            await SettleAsync(storage);
            var cpu = CpuMeter.Start(server.ProcessId);
            appends = await Wrk.RunAsync(server.Address, apiKey, Users, options.Concurrency, options.Seconds, append: true);
            appendCpu = cpu.Stop();
            await SettleAsync(storage);
            cpu = CpuMeter.Start(server.ProcessId);
            reads = await Wrk.RunAsync(server.Address, apiKey, Users, options.Concurrency, options.Seconds, append: false);
            readCpu = cpu.Stop();
            peakRssMb = server.PeakRssMb();
        }
        finally
        {
            server.Kill();
        }

        Pgbench? pgbenchInsert = null, pgbenchSelect = null;
        if (options.Backend == Backend.Postgres)
        {
            await SettleAsync(storage);
            pgbenchInsert = await PgbenchAsync(direct, options.Concurrency, options.Seconds, tenantId, insert: true);
            await SettleAsync(storage);
            pgbenchSelect = await PgbenchAsync(direct, options.Concurrency, options.Seconds, tenantId, insert: false);
        }
        static double PerRequestUs(double seconds, double requests) => seconds / requests * 1e6;

        var result = new AppendResult(
            Benchmark: "append", Backend: options.Backend.ToString().ToLowerInvariant(), Cores: Environment.ProcessorCount, Clients: options.Concurrency,
            AppendsPerSecond: appends.RequestsPerSecond, AppendP50Ms: appends.P50Ms, AppendP95Ms: appends.P95Ms, AppendP99Ms: appends.P99Ms, AppendMaxMs: appends.MaxMs,
            AppendFailures: appends.Non2xx + appends.SocketErrors,
            ReadsPerSecond: reads.RequestsPerSecond, ReadP50Ms: reads.P50Ms, ReadP95Ms: reads.P95Ms, ReadP99Ms: reads.P99Ms, ReadMaxMs: reads.MaxMs,
            ReadNon2xx: reads.Non2xx, ReadSocketErrors: reads.SocketErrors,
            PgbenchInsertTps: pgbenchInsert?.Tps, PgbenchSelectTps: pgbenchSelect?.Tps,
            AppendRatio: appends.RequestsPerSecond / pgbenchInsert?.Tps, ReadRatio: reads.RequestsPerSecond / pgbenchSelect?.Tps,
            PeakRssMb: peakRssMb, ReadySeconds: server.ReadySeconds,
            AppendMachineCpuUs: PerRequestUs(appendCpu.MachineSeconds, appends.Requests), AppendServerCpuUs: PerRequestUs(appendCpu.ProcessSeconds, appends.Requests),
            ReadMachineCpuUs: PerRequestUs(readCpu.MachineSeconds, reads.Requests), ReadServerCpuUs: PerRequestUs(readCpu.ProcessSeconds, reads.Requests),
            PgbenchInsertMachineCpuUs: pgbenchInsert is { } insertRun ? PerRequestUs(insertRun.Cpu.MachineSeconds, insertRun.Transactions) : null,
            PgbenchSelectMachineCpuUs: pgbenchSelect is { } selectRun ? PerRequestUs(selectRun.Cpu.MachineSeconds, selectRun.Transactions) : null,
            PgbenchInsertP50Ms: pgbenchInsert?.P50Ms, PgbenchInsertP99Ms: pgbenchInsert?.P99Ms,
            PgbenchSelectP50Ms: pgbenchSelect?.P50Ms, PgbenchSelectP99Ms: pgbenchSelect?.P99Ms,
            Note: "Mnemo.Server in its own process driven by wrk (2 threads); pgbench -M prepared -j 2; PostgreSQL with default durability "
                + "(fsync, synchronous_commit, full_page_writes on), VACUUM ANALYZE and CHECKPOINT before each measured phase; all on the same machine and cores");

        Console.WriteLine();
        Console.WriteLine("| backend | clients | appends/s | append p50/p95/p99/max ms | reads/s | read p50/p95/p99/max ms | pgbench insert tps | pgbench select tps | append ratio | read ratio | peak RSS MB | ready s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.Backend} | {result.Clients} | {result.AppendsPerSecond:F0} | {result.AppendP50Ms:F2}/{result.AppendP95Ms:F2}/{result.AppendP99Ms:F2}/{result.AppendMaxMs:F1} | {result.ReadsPerSecond:F0} | {result.ReadP50Ms:F2}/{result.ReadP95Ms:F2}/{result.ReadP99Ms:F2}/{result.ReadMaxMs:F1} | {result.PgbenchInsertTps:F0} | {result.PgbenchSelectTps:F0} | {result.AppendRatio:F2} | {result.ReadRatio:F2} | {result.PeakRssMb:F0} | {result.ReadySeconds:F2} |"));
        Console.WriteLine();
        Console.WriteLine("CPU per request, µs (all cores; of it the server process):");
        Console.WriteLine("| append | of it server | pgbench insert | read | of it server | pgbench select |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.AppendMachineCpuUs:F0} | {result.AppendServerCpuUs:F0} | {result.PgbenchInsertMachineCpuUs:F0} | {result.ReadMachineCpuUs:F0} | {result.ReadServerCpuUs:F0} | {result.PgbenchSelectMachineCpuUs:F0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pgbench latency (its -l log), p50/p99 ms: insert {result.PgbenchInsertP50Ms:F2}/{result.PgbenchInsertP99Ms:F2}, select {result.PgbenchSelectP50Ms:F2}/{result.PgbenchSelectP99Ms:F2}; Mnemo's p99 over pgbench's: append {result.AppendP99Ms / result.PgbenchInsertP99Ms:F1}x, read {result.ReadP99Ms / result.PgbenchSelectP99Ms:F1}x"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failed appends: {result.AppendFailures}; reads answered other than 200 (404 for a user never appended to): {result.ReadNon2xx}; read socket errors: {result.ReadSocketErrors}"));
        var file = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results", $"append-{result.Backend}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.AppendResult));
        Console.WriteLine($"written to {file}");
    }

    /// <summary>
    /// A fresh store as production would run it: PostgreSQL on a cluster of its own with the
    /// default durability (the test clusters run without fsync), reached directly or
    /// <paramref name="throughPgBouncer"/> (transaction pooling), or an SQLite file.
    /// </summary>
    internal static async Task<ResolvedStorage> DurableStoreAsync(Backend backend, bool throughPgBouncer = false)
    {
        if (backend == Backend.Sqlite)
        {
            return await TestStores.CreateEmptyAsync(Backend.Sqlite);
        }
        var cluster = await PostgresServer.StartDurableAsync();
        var direct = await cluster.CreateDatabaseAsync();
        if (!throughPgBouncer)
        {
            return new ResolvedStorage(StorageProvider.Postgres, direct);
        }
        var bouncer = await PgBouncer.InFrontOfAsync(direct);
        return new ResolvedStorage(StorageProvider.Postgres, bouncer.Through(direct)) { Pooler = ConnectionPooler.PgBouncer, MigrationConnectionString = direct };
    }

    /// <summary>
    /// Before each measured phase on PostgreSQL: VACUUM ANALYZE and CHECKPOINT, so that the
    /// autovacuum and checkpoint work left by the previous phase's writes does not land in the
    /// next phase (Mnemo's or pgbench's alike).
    /// </summary>
    private static async Task SettleAsync(ResolvedStorage storage)
    {
        if (storage.Provider != StorageProvider.Postgres)
        {
            return;
        }
        await using var connection = new NpgsqlConnection(storage.MigrationConnectionString ?? storage.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { "VACUUM ANALYZE", "CHECKPOINT" })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>pgbench with a custom script on the same cluster: the single-row insert, or the last-20 select.</summary>
    private static async Task<Pgbench> PgbenchAsync(string connectionString, int clients, int seconds, string tenantId, bool insert)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (insert)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            // The same table as messages: columns, checks, generated search column, indexes and the tenant foreign key.
            await using var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS bench_messages (LIKE messages INCLUDING ALL, FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE)", connection);
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
        // -l: one line per transaction, its latency (µs) in the third column, for the percentiles.
        var logDirectory = Directory.CreateTempSubdirectory("mnemo-pgbench-").FullName;
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pgbench")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-f", script, "-l", "--log-prefix", Path.Combine(logDirectory, "latency"), "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database! },
        };
        var cpu = CpuMeter.Start();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var used = cpu.Stop();
        File.Delete(script);
        var latencies = Directory.EnumerateFiles(logDirectory)
            .SelectMany(File.ReadLines)
            .Select(line => double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture) / 1000)
            .Order()
            .ToList();
        Directory.Delete(logDirectory, recursive: true);
        var tps = TpsLine().Match(output);
        var transactions = TransactionsLine().Match(output);
        if (!tps.Success || !transactions.Success)
        {
            throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {output}");
        }
        static double Percentile(List<double> sorted, double share) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, sorted.Count * share)];
        return new Pgbench(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(transactions.Groups[1].Value, CultureInfo.InvariantCulture), used, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    /// <summary>One pgbench run: its throughput, how many transactions, the machine's CPU meanwhile, and its latency percentiles.</summary>
    private sealed record Pgbench(double Tps, long Transactions, CpuUse Cpu, double P50Ms, double P99Ms);

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex TransactionsLine();
}

/// <summary>The append benchmark's figures.</summary>
internal sealed record AppendResult(
    string Benchmark, string Backend, int Cores, int Clients, double AppendsPerSecond, double AppendP50Ms, double AppendP95Ms, double AppendP99Ms, double AppendMaxMs,
    long AppendFailures, double ReadsPerSecond, double ReadP50Ms, double ReadP95Ms, double ReadP99Ms, double ReadMaxMs, long ReadNon2xx, long ReadSocketErrors,
    double? PgbenchInsertTps, double? PgbenchSelectTps, double? AppendRatio, double? ReadRatio, double PeakRssMb, double ReadySeconds,
    double AppendMachineCpuUs, double AppendServerCpuUs, double ReadMachineCpuUs, double ReadServerCpuUs,
    double? PgbenchInsertMachineCpuUs, double? PgbenchSelectMachineCpuUs, double? PgbenchInsertP50Ms, double? PgbenchInsertP99Ms,
    double? PgbenchSelectP50Ms, double? PgbenchSelectP99Ms, string Note);

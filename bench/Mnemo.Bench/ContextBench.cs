// Context-assembly latency: GET /api/v1/users/{id}/context for a user with a long history, on a
// real Mnemo (its own process, on loopback) over a real database.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mnemo.Messages;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>The <c>context</c> benchmark.</summary>
internal static class ContextBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(options.Backend);
        await using var server = await BenchServer.StartAsync(storage);
        var (tenantId, client) = await server.NewTenantAsync();

        Console.WriteLine($"loading {options.Messages:N0} messages for one user on {options.Backend}...");
        var load = Stopwatch.StartNew();
        for (var start = 0; start < options.Messages; start += 100)
        {
            var batch = Enumerable.Range(start, Math.Min(100, options.Messages - start))
                .Select(i => new MessageInput { Role = i % 2 == 0 ? "user" : "assistant", Content = $"message {i}: " + new string('x', 200) })
                .ToList();
            await client.Messages.AppendAsync("bench-user", new AppendMessagesRequest { Messages = batch });
        }
        Console.WriteLine($"loaded in {load.Elapsed.TotalSeconds:F1} s");

        for (var i = 0; i < Math.Min(200, options.Requests); i++)
        {
            await client.Memory.GetContextAsync("bench-user", maxMessages: 20, maxChars: 8000);
        }

        var latencies = new double[options.Requests];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.Requests)
            {
                var started = Stopwatch.GetTimestamp();
                var context = await client.Memory.GetContextAsync("bench-user", maxMessages: 20, maxChars: 8000);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (context.Messages.Count == 0)
                {
                    throw new InvalidOperationException("The context came back empty.");
                }
            }
        })));
        wall.Stop();

        Array.Sort(latencies);
        var result = new BenchResult(
            Benchmark: "context",
            Backend: options.Backend.ToString().ToLowerInvariant(),
            Cores: Environment.ProcessorCount,
            HistoryMessages: options.Messages,
            Requests: options.Requests,
            Concurrency: options.Concurrency,
            P50Ms: Stats.Percentile(latencies, 0.50),
            P95Ms: Stats.Percentile(latencies, 0.95),
            P99Ms: Stats.Percentile(latencies, 0.99),
            MaxMs: latencies[^1],
            RequestsPerSecond: options.Requests / wall.Elapsed.TotalSeconds,
            Note: "the typed client in the benchmark, Mnemo.Server in its own process on loopback; GET /context?max_messages=20&max_chars=8000");

        Console.WriteLine();
        Console.WriteLine($"| benchmark | backend | cores | history | requests | concurrency | p50 ms | p95 ms | p99 ms | max ms | req/s |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {result.Benchmark} | {result.Backend} | {result.Cores} | {result.HistoryMessages} | {result.Requests} | {result.Concurrency} | {result.P50Ms:F2} | {result.P95Ms:F2} | {result.P99Ms:F2} | {result.MaxMs:F2} | {result.RequestsPerSecond:F0} |"));

        var resultsDirectory = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results");
        Directory.CreateDirectory(resultsDirectory);
        var file = Path.Combine(resultsDirectory, $"context-{result.Backend}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.BenchResult));
        Console.WriteLine($"written to {file}");
        Console.WriteLine($"tenant {tenantId}");
    }
}

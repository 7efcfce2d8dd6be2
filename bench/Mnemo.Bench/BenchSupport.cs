using System.Globalization;
using System.Text.Json.Serialization;
using Mnemo.Client;
using Mnemo.Storage.Configuration;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>Command-line options.</summary>
internal sealed record BenchOptions(
    Backend Backend, int Messages, int Requests, int Concurrency, int Expired, int Seconds, string? Data, string? Model, bool Indexing, string? Threads, int[] Sizes,
    bool ThroughPgBouncer)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }
        int Number(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        var backend = values.GetValueOrDefault("backend", "postgres") == "sqlite" ? Backend.Sqlite : Backend.Postgres;
        return new BenchOptions(backend, Number("messages", 10_000), Number("requests", 2_000), Number("concurrency", 1),
            Number("expired", 1_000_000), Number("seconds", 10), values.GetValueOrDefault("data"), values.GetValueOrDefault("model"),
            values.GetValueOrDefault("indexing", "on") == "on", values.GetValueOrDefault("threads"),
            [.. values.GetValueOrDefault("sizes", "1000,10000,100000").Split(',').Select(size => int.Parse(size, CultureInfo.InvariantCulture))],
            values.GetValueOrDefault("pooler", "none") == "pgbouncer");
    }
}

/// <summary>Mnemo.Server in its own process (<see cref="ServerProcess"/>), with typed clients for it.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly HttpClient _http;

    private BenchServer(ServerProcess process)
    {
        _process = process;
        // A retention pass over a million rows outlasts HttpClient's default 100 s timeout.
        _http = new HttpClient { BaseAddress = process.Address, Timeout = TimeSpan.FromMinutes(30) };
    }

    public static async Task<BenchServer> StartAsync(ResolvedStorage storage, IReadOnlyDictionary<string, string>? environment = null) =>
        new(await ServerProcess.StartAsync(storage, environment: environment));

    public MnemoClient Admin => new(_http, MnemoTestServer.AdminKey);

    /// <summary>The server's root address.</summary>
    public Uri Address => _process.Address;

    public async Task<(string TenantId, MnemoClient Client)> NewTenantAsync()
    {
        var (tenantId, apiKey) = await _process.NewTenantAsync("bench");
        return (tenantId, Admin.WithApiKey(apiKey));
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _process.Kill();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One benchmark's figures.</summary>
internal sealed record BenchResult(
    string Benchmark, string Backend, int Cores, int HistoryMessages, int Requests, int Concurrency,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs, double RequestsPerSecond, string Note);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(BenchResult))]
[JsonSerializable(typeof(RetentionResult))]
[JsonSerializable(typeof(AppendResult))]
[JsonSerializable(typeof(CrashDrillResult))]
[JsonSerializable(typeof(ScaleResult))]
internal sealed partial class BenchJson : JsonSerializerContext;

internal static class Stats
{
    /// <summary>The value at <paramref name="quantile"/> of an ascending array (nearest rank).</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal static class BenchPaths
{
    /// <summary>The folder holding Mnemo.slnx, searched upwards from the working directory.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mnemo.slnx")))
            {
                return directory.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}

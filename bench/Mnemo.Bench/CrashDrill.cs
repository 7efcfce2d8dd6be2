// The crash drill: clients append with idempotency keys and keep a ledger of every acknowledged
// append while the server, a separate process, is killed with SIGKILL mid-load and restarted on
// the same store. Afterwards every acknowledged message must be there, and no key twice.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>The <c>crash</c> drill.</summary>
internal static class CrashDrill
{
    private const int Users = 50;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(options.Backend);
        var server = await ServerProcess.StartAsync(storage);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        var admin = new MnemoClient(http, MnemoTestServer.AdminKey);
        var tenantId = TestIds.Tenant("crash");
        await admin.Tenants.CreateAsync(new Tenants.CreateTenantRequest { Id = tenantId });
        var key = await admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "drill", Scopes = ApiKeyScopes.All });
        var client = admin.WithApiKey(key.Key);

        var ledger = new ConcurrentDictionary<string, (string UserId, Guid MessageId)>(StringComparer.Ordinal);
        var failedAttempts = 0;
        var inFlight = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var idempotencyKey = $"w{worker}-{i}";
                var userId = $"u{(worker * 7 + i) % Users}";
                // Retry the same key until it is acknowledged: the append that was in flight when
                // the server died must come back as the one already stored, or be stored now.
                while (true)
                {
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        var answer = await client.Messages.AppendAsync(userId, new AppendMessagesRequest { Role = "user", Content = idempotencyKey }, idempotencyKey);
                        ledger[idempotencyKey] = (userId, answer.Messages[0].Id);
                        break;
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or MnemoApiException)
                    {
                        Interlocked.Increment(ref failedAttempts);
                        await Task.Delay(20);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(options.Seconds / 2.0));
        var acknowledgedBeforeKill = ledger.Count;
        var inFlightAtKill = Volatile.Read(ref inFlight);
        server.Kill();
        server = await ServerProcess.StartAsync(storage, server.Port);
        var readySeconds = server.ReadySeconds;
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds / 2.0));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var stored = await History.AllAsync(client, Enumerable.Range(0, Users).Select(user => $"u{user}"));
        var storedIds = stored.Select(message => message.Id).ToHashSet();
        var missing = ledger.Values.Count(entry => !storedIds.Contains(entry.MessageId));
        var duplicates = stored.GroupBy(message => message.IdempotencyKey).Count(group => group.Count() > 1);
        server.Kill();

        var result = new CrashDrillResult(
            Benchmark: "crash", Backend: options.Backend.ToString().ToLowerInvariant(), Cores: Environment.ProcessorCount, Clients: options.Concurrency,
            Acknowledged: ledger.Count, AcknowledgedBeforeKill: acknowledgedBeforeKill, Stored: stored.Count, InFlightAtKill: inFlightAtKill, FailedAttempts: failedAttempts,
            MissingAcknowledged: missing, DuplicatedKeys: duplicates, RestartToReadySeconds: readySeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Backend}: {result.Acknowledged} acknowledged ({result.AcknowledgedBeforeKill} before SIGKILL, {result.InFlightAtKill} in flight at it), {result.Stored} stored, {result.FailedAttempts} attempts failed past the client's own retries, {result.MissingAcknowledged} acknowledged but missing, {result.DuplicatedKeys} keys stored twice, ready again in {result.RestartToReadySeconds:F2} s"));
        var file = Path.Combine(BenchPaths.RepositoryRoot(), "bench", "results", $"crash-{result.Backend}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, BenchJson.Default.CrashDrillResult));
        return missing == 0 && duplicates == 0 && ledger.Count > acknowledgedBeforeKill ? 0 : 1;
    }
}

/// <summary>What the crash drill saw.</summary>
internal sealed record CrashDrillResult(
    string Benchmark, string Backend, int Cores, int Clients, int Acknowledged, int AcknowledgedBeforeKill, int Stored, int InFlightAtKill, int FailedAttempts,
    int MissingAcknowledged, int DuplicatedKeys, double RestartToReadySeconds);

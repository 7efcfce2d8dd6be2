using System.Collections.Concurrent;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

/// <summary>
/// The crash drill of issue 8, in the suite: clients append with an idempotency key each and keep
/// a ledger of what was acknowledged while Mnemo.Server, a process of its own, is killed with
/// SIGKILL mid-load and restarted on the same store. Every acknowledged message must be stored,
/// and no retried key stored twice.
/// </summary>
public abstract class CrashTests(Backend backend)
{
    private const int Users = 20;

    [Fact]
    public async Task Every_acknowledged_append_survives_a_SIGKILL_and_no_retried_key_is_stored_twice()
    {
        var storage = await TestStores.CreateEmptyAsync(backend);
        var server = await ServerProcess.StartAsync(storage);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var admin = new MnemoClient(http, MnemoTestServer.AdminKey);
            var tenantId = TestIds.Tenant("crash");
            await admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest { Id = tenantId });
            var client = admin.WithApiKey((await admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "drill", Scopes = ApiKeyScopes.All })).Key);

            var ledger = new ConcurrentDictionary<string, Guid>(StringComparer.Ordinal);
            var serverUp = Task.CompletedTask;
            var target = new Milestone(100);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{worker}-{i}";
                    // The same key until acknowledged: an append in flight at the kill is either
                    // found stored after the restart or stored then, never twice.
                    while (true)
                    {
                        try
                        {
                            var answer = await client.Messages.AppendAsync($"u{(worker + i) % Users}", new AppendMessagesRequest { Role = "user", Content = key }, key);
                            ledger[key] = answer.Messages[0].Id;
                            target.Reached(ledger.Count);
                            break;
                        }
                        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or MnemoApiException)
                        {
                            // The server is down (it is swapped for a pending restart before the
                            // kill): wait for the restart rather than spin.
                            await Volatile.Read(ref serverUp).WaitAsync(TimeSpan.FromSeconds(60));
                        }
                    }
                }
            })).ToList();

            await target.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref serverUp, restarted.Task);
            server.Kill();
            var acknowledgedAtKill = ledger.Count;
            server = await ServerProcess.StartAsync(storage, server.Port);
            restarted.SetResult();
            await target.Again(acknowledgedAtKill + 100).WaitAsync(TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

            var stored = await History.AllAsync(client, Enumerable.Range(0, Users).Select(user => $"u{user}"));
            var storedIds = stored.Select(message => message.Id).ToHashSet();
            Assert.True(ledger.Count >= acknowledgedAtKill + 100);
            Assert.All(ledger, entry => Assert.Contains(entry.Value, storedIds));
            Assert.DoesNotContain(stored.GroupBy(message => message.IdempotencyKey), group => group.Count() > 1);
        }
        finally
        {
            server.Kill();
        }
    }
}

public sealed class SqliteCrashTests() : CrashTests(Backend.Sqlite);

public sealed class PostgresCrashTests() : CrashTests(Backend.Postgres);

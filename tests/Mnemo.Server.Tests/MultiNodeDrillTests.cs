using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Placement;
using Mnemo.Tenants;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 18 (item 4), the multi-node drill: three Mnemo processes share a catalog database, a
/// second registered database and Redis; four tenants are spread over both databases. Clients
/// append with an idempotency key each and read, moving to the next node whenever one fails. Mid-load,
/// node 2 is killed with SIGKILL and started again, a key revoked on node 1 must be refused by
/// nodes 2 and 3, and a tenant is moved from the catalog to the second database. Afterwards every
/// acknowledged append is stored exactly once, in the database its tenant lives in.
/// </summary>
public sealed class MultiNodeDrillTests(ITestOutputHelper output)
{
    private const int WritersPerTenant = 3;

    [Fact]
    public async Task Three_nodes_two_databases_and_Redis_survive_a_SIGKILL_a_revocation_and_a_move_without_losing_or_doubling_an_append()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var catalog = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var second = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["Mnemo__Redis__Configuration"] = redis.Configuration,
            ["Mnemo__EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Mnemo__Embeddings__Provider"] = "none",
        };
        var nodes = new ServerProcess[3];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = await ServerProcess.StartAsync(catalog, environment: environment);
        }
        var clients = nodes.Select(node => new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
        try
        {
            var admin = new MnemoClient(clients[0], MnemoTestServer.AdminKey);
            await admin.Databases.RegisterAsync(new RegisterDatabaseRequest { Id = "second", ConnectionString = second });
            var tenants = new List<(string Id, string Key)>();
            foreach (var database in new[] { "default", "second", "default", "second" })
            {
                var tenantId = TestIds.Tenant("drill");
                await admin.Tenants.CreateAsync(new CreateTenantRequest { Id = tenantId, DatabaseId = database });
                tenants.Add((tenantId, (await admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "drill", Scopes = ApiKeyScopes.All })).Key));
            }

            var acknowledged = new ConcurrentDictionary<(string Tenant, string Key), bool>();
            var milestone = new Milestone(200);
            long retriedOnAnotherNode = 0, reads = 0, readsRetried = 0;
            using var stop = new CancellationTokenSource();
            async Task<T> OnAnyNodeAsync<T>(string apiKey, int first, Func<MnemoClient, Task<T>> call, Action retried)
            {
                for (var attempt = 0; ; attempt++)
                {
                    var client = new MnemoClient(clients[(first + attempt) % clients.Length], apiKey);
                    try
                    {
                        return await call(client);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException
                        || exception is MnemoApiException { StatusCode: >= HttpStatusCode.InternalServerError })
                    {
                        Assert.True(attempt < 500, $"no node took the call after {attempt} attempts: {exception.Message}");
                        retried();
                        await Task.Yield();
                    }
                }
            }
            var work = tenants.SelectMany((tenant, t) => Enumerable.Range(0, WritersPerTenant).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{w}-{i}";
                    await OnAnyNodeAsync(tenant.Key, t + w + i, client => client.Messages.AppendAsync(
                        $"user{w}", new AppendMessagesRequest { Role = "user", Content = key }, key), () => Interlocked.Increment(ref retriedOnAnotherNode));
                    acknowledged[(tenant.Id, key)] = true;
                    milestone.Reached(acknowledged.Count);
                    if (i % 10 == 0)
                    {
                        await OnAnyNodeAsync(tenant.Key, t + w + i + 1, client => client.Messages.ListAsync($"user{w}", limit: 5),
                            () => Interlocked.Increment(ref readsRetried));
                        Interlocked.Increment(ref reads);
                    }
                }
            }))).ToList();

            await milestone.Task.WaitAsync(TimeSpan.FromSeconds(60));
            nodes[1].Kill();
            var killedAt = acknowledged.Count;
            nodes[1] = await ServerProcess.StartAsync(catalog, nodes[1].Port, environment);
            var restartedAt = acknowledged.Count;

            // A key of the first tenant, known to nodes 2 and 3, revoked on node 1.
            var (revokedTenant, _) = tenants[0];
            var extra = await admin.ApiKeys.CreateAsync(revokedTenant, new CreateApiKeyRequest { Name = "revoked", Scopes = ApiKeyScopes.All });
            foreach (var node in clients[1..])
            {
                await new MnemoClient(node, extra.Key).GetMeAsync();
            }
            var revoked = Stopwatch.StartNew();
            await admin.ApiKeys.RevokeAsync(revokedTenant, extra.Id);
            var answered = revoked.Elapsed;
            var delays = await Task.WhenAll(clients[1..].Select(node => RefusedAfterAsync(new MnemoClient(node, extra.Key), revoked)));

            var moved = await new MnemoClient(clients[2], MnemoTestServer.AdminKey).Databases.MoveTenantAsync(
                tenants[0].Id, new MoveTenantRequest { DatabaseId = "second" });
            var movedAt = acknowledged.Count;
            await milestone.Again(movedAt + 200).WaitAsync(TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(work);

            var placements = new Dictionary<string, string>
            {
                [tenants[0].Id] = "second", [tenants[1].Id] = "second", [tenants[2].Id] = "default", [tenants[3].Id] = "second",
            };
            long stored = 0, duplicates = 0, missing = 0, misplaced = 0;
            foreach (var (tenantId, _) in tenants)
            {
                var home = placements[tenantId] == "second" ? second : catalog.ConnectionString;
                var away = placements[tenantId] == "second" ? catalog.ConnectionString : second;
                var keys = await TenantRowCounts.MessageKeysAsync(home, tenantId);
                stored += keys.Values.Sum();
                duplicates += keys.Values.Count(count => count > 1);
                missing += acknowledged.Keys.Count(ack => ack.Tenant == tenantId && !keys.ContainsKey(ack.Key));
                misplaced += (await TenantRowCounts.MessageKeysAsync(away, tenantId)).Values.Sum();
                Assert.Equal(placements[tenantId], (await admin.Databases.OfTenantAsync(tenantId)).DatabaseId);
            }
            output.WriteLine($"acknowledged {acknowledged.Count}, stored {stored}, duplicates {duplicates}, missing {missing}, in the wrong database {misplaced}");
            output.WriteLine($"node 2 killed after {killedAt} acknowledged and serving again after {restartedAt}; {Interlocked.Read(ref retriedOnAnotherNode)} appends and {Interlocked.Read(ref readsRetried)} of {Interlocked.Read(ref reads)} reads retried on another node");
            output.WriteLine($"revocation answered by node 1 in {answered.TotalMilliseconds:0.0} ms; refused by node 2 {(delays[0] - answered).TotalMilliseconds:0.0} ms and node 3 {(delays[1] - answered).TotalMilliseconds:0.0} ms after that answer");
            output.WriteLine($"moved {moved.MovedRows.Values.Sum()} rows ({moved.MovedRows.GetValueOrDefault("messages")} messages) from {moved.FromDatabaseId} to {moved.DatabaseId}; its writes paused {moved.WritesPausedMs} ms");
            Assert.Equal((0L, 0L, 0L), (duplicates, missing, misplaced));
            Assert.Equal(acknowledged.Count, stored);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
            foreach (var node in nodes)
            {
                node.Kill();
            }
        }
    }

    private static async Task<TimeSpan> RefusedAfterAsync(MnemoClient caller, Stopwatch since)
    {
        while (true)
        {
            try
            {
                await caller.GetMeAsync();
            }
            catch (MnemoApiException refused) when (refused.StatusCode == HttpStatusCode.Unauthorized)
            {
                return since.Elapsed;
            }
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(10), "a node still accepts the revoked key after 10 s");
        }
    }
}

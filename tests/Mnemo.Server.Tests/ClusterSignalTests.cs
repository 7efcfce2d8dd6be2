using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Health;
using Xunit.Abstractions;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 18 (item 3, in part): two nodes on one PostgreSQL share Redis, so a key revoked or a tenant
/// suspended on one is refused by the other as the message arrives. The nodes' clocks are frozen,
/// so their credential caches never expire by themselves: only Redis can make node 2 forget (the
/// test without Redis shows node 2 keeping the key). Without Redis, a node serves and says it is degraded.
/// </summary>
public sealed class ClusterSignalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_key_revoked_and_a_tenant_suspended_on_one_node_are_refused_by_the_other_through_Redis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var (node1, node2) = await TwoNodesAsync(redis.Configuration);
        await using (node1)
        await using (node2)
        {
            Assert.Equal("ok", (await node2.Admin.GetReadinessAsync()).Status);
            var (tenantId, key) = await NewKeyAsync(node1);
            var (_, other) = await NewKeyAsync(node1, tenantId);
            await node2.As(key.Key).GetMeAsync(); // node 2 now holds the credential
            await node2.As(other.Key).GetMeAsync();

            var revoked = Stopwatch.StartNew();
            await node1.Admin.ApiKeys.RevokeAsync(tenantId, key.Id);
            await RefusedAsync(node2.As(key.Key));
            output.WriteLine($"node 2 refused the revoked key {revoked.Elapsed.TotalMilliseconds:0.0} ms after node 1 answered the revocation");

            await node2.As(other.Key).GetMeAsync();
            await node1.Admin.Tenants.UpdateAsync(tenantId, new Mnemo.Tenants.UpdateTenantRequest { Status = "suspended" });
            await RefusedAsync(node2.As(other.Key));
        }
    }

    [Fact]
    public async Task Without_Redis_the_other_node_keeps_a_revoked_key_while_its_cache_holds_it()
    {
        var (node1, node2) = await TwoNodesAsync(redisConfiguration: null);
        await using (node1)
        await using (node2)
        {
            var (tenantId, key) = await NewKeyAsync(node1);
            await node2.As(key.Key).GetMeAsync();

            await node1.Admin.ApiKeys.RevokeAsync(tenantId, key.Id);

            await Expect.ProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials", () => node1.As(key.Key).GetMeAsync());
            Assert.NotNull(await node2.As(key.Key).GetMeAsync()); // the frozen clock keeps node 2's cached credential
        }
    }

    [Fact]
    public async Task A_node_serves_without_Redis_says_it_is_degraded_and_recovers_when_Redis_comes()
    {
        var redis = RedisServer.OnFreePort();
        await using (redis)
        {
            await using var node = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Postgres),
                new Dictionary<string, string?> { ["Mnemo:Redis:Configuration"] = redis.Configuration });

            Assert.Equal("degraded", (await node.Admin.GetReadinessAsync()).Status);
            var (tenantId, key) = await NewKeyAsync(node);
            await node.Admin.ApiKeys.RevokeAsync(tenantId, key.Id); // published nowhere, refused here at once
            await RefusedAsync(node.As(key.Key));

            await redis.StartAsync();
            await ReadinessAsync(node, "ok");
            redis.Stop();
            await ReadinessAsync(node, "degraded");
        }
    }

    [Fact]
    public async Task Three_nodes_share_one_token_bucket_per_key_through_Redis()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var (accepted, elapsed) = await FloodThreeNodesAsync(redis.Configuration);

        // One bucket of 20, refilled at 2 a second, whichever node a request reaches.
        Assert.InRange(accepted, Burst, OneBucketAtMost(elapsed));
        output.WriteLine($"{accepted} of {Flood} accepted across three nodes in {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Without_Redis_each_node_has_a_bucket_of_its_own()
    {
        var (accepted, elapsed) = await FloodThreeNodesAsync(redisConfiguration: null);

        // Three buckets: at least three bursts (60), however slow the machine, while one bucket
        // could pass 60 only after 19 s of refilling.
        Assert.True(accepted > OneBucketAtMost(elapsed), $"{accepted} accepted in {elapsed.TotalMilliseconds:0} ms");
    }

    // A small refill and a large burst: what one bucket can pass grows slowly with the flood's
    // duration, so the two cases stay apart on a slow, busy machine.
    private const int Rate = 2, Burst = 20, Flood = 90;

    private static int OneBucketAtMost(TimeSpan elapsed) => Burst + (int)Math.Ceiling(elapsed.TotalSeconds * Rate) + 1;

    /// <summary>Ninety requests of one key limited to 2 a second (burst 20), sent one after another to three nodes in turn.</summary>
    private static async Task<(int Accepted, TimeSpan Elapsed)> FloodThreeNodesAsync(string? redisConfiguration)
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var settings = new Dictionary<string, string?> { ["Mnemo:Redis:Configuration"] = redisConfiguration };
        var nodes = new List<MnemoTestServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await MnemoTestServer.StartAsync(storage, settings));
            }
            var tenantId = TestIds.Tenant();
            await nodes[0].Admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest
            {
                Id = tenantId, Settings = new Mnemo.Tenants.TenantSettings { RequestsPerSecond = Rate, Burst = Burst },
            });
            var key = await nodes[0].Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "flood", Scopes = ApiKeyScopes.All });
            var accepted = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Flood; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me") { Headers = { { "X-API-Key", key.Key } } };
                using var response = await nodes[i % 3].Http.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{response.StatusCode}");
                accepted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }
            return (accepted, clock.Elapsed);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<(MnemoTestServer, MnemoTestServer)> TwoNodesAsync(string? redisConfiguration)
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        var settings = new Dictionary<string, string?> { ["Mnemo:Redis:Configuration"] = redisConfiguration };
        var node1 = await MnemoTestServer.StartAsync(storage, settings, builder => builder.Services.AddSingleton<TimeProvider>(new ManualClock()));
        var node2 = await MnemoTestServer.StartAsync(storage, settings, builder => builder.Services.AddSingleton<TimeProvider>(new ManualClock()));
        return (node1, node2);
    }

    private static async Task<(string TenantId, CreatedApiKeyResponse Key)> NewKeyAsync(MnemoTestServer node, string? tenantId = null)
    {
        if (tenantId is null)
        {
            tenantId = TestIds.Tenant();
            await node.Admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest { Id = tenantId });
        }
        return (tenantId, await node.Admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "node", Scopes = ApiKeyScopes.All }));
    }

    /// <summary>Asks until the caller is refused (401 or 403), for at most ten seconds; no sleeping in between.</summary>
    private static async Task RefusedAsync(MnemoClient caller)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await caller.GetMeAsync();
            }
            catch (MnemoApiException refused) when (refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return;
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the other node still accepts the caller after 10 s");
            await Task.Yield();
        }
    }

    /// <summary>Asks the node's readiness until it says <paramref name="status"/>, for at most 30 seconds (Redis reconnects every second).</summary>
    private static async Task ReadinessAsync(MnemoTestServer node, string status)
    {
        var deadline = Stopwatch.StartNew();
        HealthResponse ready;
        while ((ready = await node.Admin.GetReadinessAsync()).Status != status)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"readiness still says {ready.Status}");
            await Task.Yield();
        }
    }
}

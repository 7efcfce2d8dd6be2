using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Observability;
using Mnemo.Server.Tenants;
using StackExchange.Redis;

namespace Mnemo.Server.Cluster;

/// <summary>
/// What one node changes that every node's caches must forget: a revoked key, a tenant suspended,
/// changed or deleted. The node forgets it at once; with Redis (<c>Mnemo__Redis__Configuration</c>)
/// it also publishes it, and every node forgets it as the message arrives. Without Redis, or while
/// Redis is away, the others forget within the caches' lifetimes (2 s for credentials): nodes keep
/// serving, readiness says <c>degraded</c>, <c>mnemo_redis_connected</c> is 0, and on reconnection
/// each node drops its caches whole, since it may have missed messages meanwhile.
/// </summary>
public sealed partial class ClusterSignals(
    IOptions<MnemoOptions> options, ApiKeyCache keys, TenantSettingsCache tenantSettings, Storage.Placement.RoutedDatabase placements,
    IMeterFactory meterFactory, ILogger<ClusterSignals> logger)
    : IHostedService, IAsyncDisposable
{
    private const string KeyPrefix = "key:", TenantPrefix = "tenant:";

    private readonly RedisOptions _options = options.Value.Redis;
    private ConnectionMultiplexer? _redis;
    private int _subscribed;

    /// <summary>True when Redis is configured.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(_options.Configuration);

    /// <summary>True when Redis is configured and this node is connected to it.</summary>
    public bool Connected => _redis?.IsConnected == true;

    /// <summary>
    /// Spends one token of <paramref name="limit"/>'s bucket, kept in Redis so that every node
    /// spends from the same one (one script call: refill by Redis's own clock, take, expire);
    /// null when Redis is not there to ask, and the caller falls back to this node's bucket.
    /// </summary>
    /// <returns>Whether the request may go on, and otherwise how long until a token comes.</returns>
    public async Task<(bool Allowed, TimeSpan RetryAfter)?> TryTakeTokenAsync(RateLimits.KeyLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        if (_redis is not { IsConnected: true } redis)
        {
            return null;
        }
        try
        {
            var key = new RedisKey($"mnemo:rate:{limit.Holder}:{limit.PerSecond}:{limit.Burst}");
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(TokenBucketScript, [key], [limit.PerSecond, limit.Burst]))!;
            return ((long)result[0] == 1, TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisCallFailed(logger, exception, "take a rate-limit token (this node's bucket decides)");
            return null;
        }
    }

    // KEYS[1] the bucket; ARGV[1] tokens a second; ARGV[2] the bucket's size. Time is Redis's, so
    // the nodes' clocks need not agree. Returns {1, 0} when a token was taken, else {0, ms to wait}.
    private const string TokenBucketScript = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or burst
        local at = tonumber(state[2]) or now
        tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
        local allowed = 0
        local wait = 0
        if tokens >= 1 then
            tokens = tokens - 1
            allowed = 1
        else
            wait = math.ceil((1 - tokens) * 1000 / rate)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
        return {allowed, wait}
        """;

    /// <summary>A key was revoked here.</summary>
    public Task KeyRevokedAsync(Guid keyId)
    {
        keys.ForgetKey(keyId);
        return PublishAsync(KeyPrefix + keyId.ToString());
    }

    /// <summary>A tenant was changed (its status, settings or database) or deleted here.</summary>
    public Task TenantChangedAsync(string tenantId)
    {
        ForgetTenant(tenantId);
        return PublishAsync(TenantPrefix + tenantId);
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Configured)
        {
            return;
        }
        var configuration = ConfigurationOptions.Parse(_options.Configuration!);
        // Serve without Redis rather than refuse to start; reconnect by itself, soon.
        configuration.AbortOnConnectFail = false;
        configuration.ReconnectRetryPolicy = new LinearRetry(1000);
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        _redis.ConnectionFailed += (_, failure) =>
        {
            if (failure.ConnectionType == ConnectionType.Subscription)
            {
                LogRedisLost(logger, failure.EndPoint, failure.FailureType);
            }
        };
        _redis.ConnectionRestored += (_, restored) =>
        {
            if (restored.ConnectionType == ConnectionType.Subscription)
            {
                // Messages sent while this node was away are lost: forget everything instead.
                keys.ForgetAll();
                tenantSettings.InvalidateAll();
                placements.ForgetAll();
                LogRedisBack(logger, restored.EndPoint);
                if (Interlocked.Exchange(ref _subscribed, 1) == 0)
                {
                    _ = SubscribeAsync();
                }
            }
        };
        meterFactory.Create(MnemoMetrics.MeterName).CreateObservableGauge("mnemo_redis_connected", () => Connected ? 1 : 0,
            description: "1 while this node is connected to the Redis the nodes share, else 0 (only when Redis is configured)");
        // Once subscribed, the client subscribes again by itself after each reconnection; a node
        // that starts while Redis is away subscribes when it first connects.
        if (Connected && Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            await SubscribeAsync();
        }
        else if (!Connected)
        {
            LogRedisUnreachable(logger);
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _redis!.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_options.Channel), (_, message) => Receive(message.ToString()));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Interlocked.Exchange(ref _subscribed, 0); // the next reconnection tries again
            LogRedisCallFailed(logger, exception, "subscribe to invalidations (retried on reconnection)");
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private void Receive(string message)
    {
        if (message.StartsWith(KeyPrefix, StringComparison.Ordinal) && Guid.TryParse(message.AsSpan(KeyPrefix.Length), out var keyId))
        {
            keys.ForgetKey(keyId);
        }
        else if (message.StartsWith(TenantPrefix, StringComparison.Ordinal))
        {
            ForgetTenant(message[TenantPrefix.Length..]);
        }
    }

    private void ForgetTenant(string tenantId)
    {
        keys.ForgetTenant(tenantId);
        tenantSettings.Invalidate(tenantId);
        placements.Forget(tenantId);
    }

    private async Task PublishAsync(string message)
    {
        if (_redis is not { IsConnected: true } redis)
        {
            return; // Degraded: the other nodes' caches expire by themselves.
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_options.Channel), message);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisCallFailed(logger, exception, "publish an invalidation (other nodes' caches expire by themselves)");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis lost ({Endpoint}: {Failure}): other nodes learn of revocations within the caches' lifetimes until it returns")]
    private static partial void LogRedisLost(ILogger logger, System.Net.EndPoint? endpoint, ConnectionFailureType failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not reachable at start-up: serving without it, and connecting when it comes")]
    private static partial void LogRedisUnreachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis back ({Endpoint}): caches dropped, revocations reach every node again")]
    private static partial void LogRedisBack(ILogger logger, System.Net.EndPoint? endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis: could not {What}")]
    private static partial void LogRedisCallFailed(ILogger logger, Exception exception, string what);
}

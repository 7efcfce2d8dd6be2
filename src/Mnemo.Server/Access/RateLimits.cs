using System.Globalization;
using System.Threading.RateLimiting;
using Mnemo.Problems;

namespace Mnemo.Server.Access;

/// <summary>
/// Per-API-key token buckets (ASP.NET Core's rate limiter), sized by the tenant's
/// <c>requests_per_second</c> and <c>burst</c>. Each key has its own bucket, so a flood from one
/// tenant spends only that tenant's tokens. Platform keys and tenants without a rate are not limited.
/// </summary>
public static class RateLimits
{
    /// <summary>Where <see cref="ApiKeyAuthenticationHandler"/> leaves the caller's limit for the partitioner.</summary>
    public const string ItemKey = "mnemo.rate-limit";

    /// <summary>A key's limit.</summary>
    /// <param name="Holder">Whose bucket: an API key's id, or an end-user token's tenant and user.</param>
    /// <param name="PerSecond">Tokens added each second.</param>
    /// <param name="Burst">The bucket's size.</param>
    public sealed record KeyLimit(string Holder, int PerSecond, int Burst);

    /// <summary>
    /// With Redis, a key's bucket is shared by every node (<see cref="Cluster.ClusterSignals.TryTakeTokenAsync"/>):
    /// three nodes together let a 10-a-second key through at 10 a second, not 30. A request Redis
    /// let through skips this node's bucket; without Redis, this node's bucket decides alone.
    /// </summary>
    public static IApplicationBuilder UseClusterRateLimits(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            if (context.Items[ItemKey] is KeyLimit limit
                && await context.RequestServices.GetRequiredService<Cluster.ClusterSignals>().TryTakeTokenAsync(limit) is { } shared)
            {
                if (!shared.Allowed)
                {
                    await RejectAsync(context, shared.RetryAfter);
                    return;
                }
                context.Items.Remove(ItemKey);
            }
            await next(context);
        });

    /// <summary>Registers the limiter and its 429 answer.</summary>
    public static IServiceCollection AddMnemoRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[ItemKey] is KeyLimit limit
                    // The rate is part of the partition key: a changed setting gets a new bucket.
                    ? RateLimitPartition.GetTokenBucketLimiter($"{limit.Holder}:{limit.PerSecond}:{limit.Burst}", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limit.Burst,
                        TokensPerPeriod = limit.PerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("unlimited"));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => new ValueTask(RejectAsync(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1)));
        });

    /// <summary>429 <c>rate_limited</c>, with <c>Retry-After</c> in whole seconds (at least one).</summary>
    private static async Task RejectAsync(HttpContext http, TimeSpan wait)
    {
        var retryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This key is limited to its tenant's requests_per_second; retry after {retryAfter} s.",
                Extensions = { ["code"] = ProblemCodes.RateLimited },
            },
        });
    }
}

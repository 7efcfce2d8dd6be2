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
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
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
            };
        });
}

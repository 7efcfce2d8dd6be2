using System.Net;
using Polly;
using Polly.Retry;

namespace Mnemo.Client;

/// <summary>
/// Retries with exponential backoff and jitter, only for calls that are safe to repeat: reads,
/// <c>PUT</c> and <c>DELETE</c>, and creates and appends that carry an <c>Idempotency-Key</c> (the server
/// answers a repeat with the first result). Transient answers are network failures, 429 (after
/// its <c>Retry-After</c>), 502, 503 and 504.
/// </summary>
internal static class ClientRetries
{
    private static readonly ResiliencePipeline<HttpResponseMessage> Pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Exception: HttpRequestException } => true,
                { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
                _ => false,
            }),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result?.Headers.RetryAfter?.Delta is { } wait && wait <= TimeSpan.FromSeconds(30) ? wait : (TimeSpan?)null),
            OnRetry = args =>
            {
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>True when repeating the call cannot do the work twice.</summary>
    public static bool IsRetryable(HttpMethod method, bool hasIdempotencyKey) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
        || (method == HttpMethod.Post && hasIdempotencyKey);

    /// <summary>Sends through the retry pipeline; <paramref name="send"/> builds a fresh request each attempt.</summary>
    public static ValueTask<HttpResponseMessage> SendAsync(Func<CancellationToken, ValueTask<HttpResponseMessage>> send, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(static (send, token) => send(token), send, cancellationToken);
}

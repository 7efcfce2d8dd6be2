using System.Diagnostics;
using Mnemo.Server.Access;

namespace Mnemo.Server.Observability;

/// <summary>
/// Logs every request once: method, route template (never the raw path, which holds user ids),
/// status, duration, request id and tenant. Never bodies, keys, tokens or addresses.
/// </summary>
public static partial class RequestLogging
{
    /// <summary>Adds the request log.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        // Made once: LoggerFactory.CreateLogger takes a lock on every call.
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mnemo.Requests");
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? "unknown" : "unmatched";
                    var tenant = context.Features.Get<TenantScope>()?.TenantId ?? context.User.CallerOf()?.TenantId ?? "-";
                    var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogRequest(logger, context.Request.Method, route, context.Response.StatusCode, elapsedMs, context.TraceIdentifier, tenant);
                }
            }
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "HTTP {Method} {Route} responded {Status} in {ElapsedMs:F1} ms (request {RequestId}, tenant {TenantId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double elapsedMs, string requestId, string tenantId);
}

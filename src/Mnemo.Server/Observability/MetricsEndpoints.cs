using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Routing.Patterns;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Observability;

/// <summary><c>/metrics</c>, and the middleware that measures every request by route template.</summary>
public static class MetricsEndpoints
{
    /// <summary>Maps <c>/metrics</c>: open from loopback (unless <c>Mnemo:Metrics:OpenOnLoopback</c> is false), the platform key from anywhere else.</summary>
    public static RouteHandlerBuilder MapMetrics(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/metrics", (HttpContext http, PrometheusExporter exporter, Hosting.ServerSettings settings) =>
        {
            var open = settings.Options.Metrics.OpenOnLoopback && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
            if (!open && http.Features.Get<CallerFeature>()?.Caller is not { IsPlatform: true })
            {
                throw new ApiProblemException(StatusCodes.Status401Unauthorized, ProblemCodes.MissingCredentials, "Unauthorized",
                    "Send the platform key to read metrics (Mnemo:Metrics:OpenOnLoopback opens them to loopback).");
            }
            return Results.Text(exporter.Scrape(), PrometheusExporter.ContentType);
        }).ExcludeFromDescription();

    /// <summary>Records each request's method, route template and status, and its duration.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = context.GetEndpoint() is RouteEndpoint endpoint ? Template(endpoint.RoutePattern) : "unmatched";
                context.RequestServices.GetRequiredService<MnemoMetrics>()
                    .HttpRequest(context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });

    private static string Template(RoutePattern pattern) => pattern.RawText ?? "unknown";
}

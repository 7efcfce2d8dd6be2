using System.Diagnostics;
using Microsoft.AspNetCore.Routing.Patterns;
using Mnemo.Server.Access;

namespace Mnemo.Server.Observability;

/// <summary><c>/metrics</c>, and the middleware that measures every request by route template.</summary>
public static class MetricsEndpoints
{
    /// <summary>
    /// Maps <c>/metrics</c> (OpenTelemetry's Prometheus exporter, see <see cref="OpenTelemetrySetup"/>):
    /// open from loopback (unless <c>Mnemo:Metrics:OpenOnLoopback</c> is false), the platform key from anywhere else.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder routes) =>
        routes.MapPrometheusScrapingEndpoint("/metrics")
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .RequireAuthorization(AccessPolicies.Metrics)
            .ExcludeFromDescription();

    /// <summary>Records each request's method, route template and status, and its duration.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var activity = context.RequestServices.GetRequiredService<ApiActivity>();
            activity.RequestStarted();
            try
            {
                await next(context);
            }
            finally
            {
                activity.RequestEnded();
                var route = context.GetEndpoint() is RouteEndpoint endpoint ? Template(endpoint.RoutePattern) : "unmatched";
                context.RequestServices.GetRequiredService<MnemoMetrics>()
                    .HttpRequest(MethodLabel(context.Request.Method), route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            }
        });

    private static string Template(RoutePattern pattern) => pattern.RawText ?? "unknown";

    // A client may send any token as its method, before any key is checked: only the methods
    // Mnemo serves become label values, the rest one "_OTHER" (as OpenTelemetry's own meters do).
    private static string MethodLabel(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : "_OTHER";
}

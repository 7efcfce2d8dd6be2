using Mnemo.Diagnostics;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mnemo.Server.Observability;

/// <summary>
/// OpenTelemetry. Metrics always: Mnemo's meters (seed 003's names), the stores' and ASP.NET
/// Core's, served at <c>/metrics</c> by OpenTelemetry's Prometheus exporter. Traces and logs, and
/// metrics over OTLP as well, when the standard variable <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c> and the others the SDK
/// reads): ASP.NET Core, HttpClient, Npgsql and Mnemo's own spans (<see cref="MnemoTracing"/>).
/// Without it no span is made, so a server nobody traces pays nothing for tracing.
/// </summary>
/// <remarks>
/// A MeterProvider listens to meters by name, so every server in one process feeds every
/// provider's <c>/metrics</c>. A deployment runs one server a process; tests that count read a
/// server started as a process of its own.
/// </remarks>
public static class OpenTelemetrySetup
{
    /// <summary>The variable that turns OTLP export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds OpenTelemetry: the Prometheus metrics always, OTLP when <see cref="EndpointVariable"/> is configured.</summary>
    public static void AddMnemoOpenTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]);
        var version = typeof(OpenTelemetrySetup).Assembly.GetName().Version?.ToString();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: "mnemo", serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(MnemoMetrics.MeterName, Storage.StoreMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (exportOtlp)
                {
                    // HttpClient's meters label each series with the peer's host name (a merchant's
                    // shop domain in the Shopify exchange): to the operator's collector only, never
                    // on /metrics, which loopback reads without a key.
                    metrics.AddHttpClientInstrumentation().AddOtlpExporter();
                }
            });
        if (!exportOtlp)
        {
            return;
        }
        telemetry.WithTracing(tracing => tracing
            .AddSource(MnemoTracing.SourceName)
            .AddAspNetCoreInstrumentation(aspNetCore =>
            {
                aspNetCore.Filter = context => !IsProbe(context.Request.Path);
                // The path names users and messages; its route template says the same without them.
                aspNetCore.EnrichWithHttpResponse = (activity, response) =>
                    activity.SetTag("url.path", (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)");
            })
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .AddOtlpExporter());
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.AddOtlpExporter();
        });
    }

    /// <summary>Health checks and scrapes: every few seconds from machines, no one's request.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}

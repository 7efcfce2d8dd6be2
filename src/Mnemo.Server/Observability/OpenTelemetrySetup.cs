using Mnemo.Diagnostics;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mnemo.Server.Observability;

/// <summary>
/// OpenTelemetry, exported over OTLP when the standard variable <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c> and the others the SDK
/// reads): traces of ASP.NET Core, HttpClient, Npgsql and Mnemo's own spans
/// (<see cref="MnemoTracing"/>), the metrics of ASP.NET Core and Mnemo, and the logs. Without it
/// nothing is collected, so a server nobody traces pays nothing for it.
/// </summary>
public static class OpenTelemetrySetup
{
    /// <summary>The variable that turns export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds OpenTelemetry when <see cref="EndpointVariable"/> is configured.</summary>
    public static void AddMnemoOpenTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable]))
        {
            return;
        }
        var version = typeof(OpenTelemetrySetup).Assembly.GetName().Version?.ToString();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: "mnemo", serviceVersion: version))
            .WithTracing(tracing => tracing
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
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(MnemoMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
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

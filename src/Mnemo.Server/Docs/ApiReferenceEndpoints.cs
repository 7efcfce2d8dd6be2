using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Scalar.AspNetCore;

namespace Mnemo.Server.Docs;

/// <summary>
/// <c>/docs</c>: the API reference (Scalar) over <c>/openapi/v1.json</c>, to read and try the API
/// from a browser. Its script is served from the package by Mnemo itself: no CDN, so it works on a
/// machine without internet, and the page makes no request to any other host. Anonymous, like the document it shows; every call it makes carries
/// the key the reader types in.
/// </summary>
public static partial class ApiReferenceEndpoints
{
    /// <summary>Where the reference is.</summary>
    public const string Path = "/docs";

    /// <summary>Maps the reference page and its assets.</summary>
    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder routes) =>
        routes.MapScalarApiReference(Path, options => options
                .WithTitle("Mnemo API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                // Nothing leaves the machine: no fonts from Scalar's CDN, no telemetry, no hosted AI agent or MCP helper.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools())
            .AllowAnonymous();

    /// <summary>Says where the reference is once the server listens (the start-up banner).</summary>
    public static void AnnounceApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mnemo.Server");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                LogListening(logger, address, Path);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mnemo is listening on {Address}; the API reference is at {Address}{Reference}")]
    private static partial void LogListening(ILogger logger, string address, string reference);
}

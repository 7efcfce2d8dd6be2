using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mnemo.Testing;

/// <summary>
/// A small web app on a free loopback port: the fakes of what Mnemo talks to (an OpenAI-compatible
/// endpoint, Shopify, a chat model, an OTLP collector), and Mnemo itself.
/// </summary>
public static class LoopbackApp
{
    /// <summary>Starts an app answering with <paramref name="routes"/>.</summary>
    public static async Task<WebApplication> StartAsync(Action<WebApplication> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        routes(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>A started app's root, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Mnemo.Server.Mcp;

/// <summary>
/// <c>mnemo mcp --url</c>: a stdio MCP server that forwards every list, call and read to a Mnemo
/// server's <c>/mcp</c> with a key, unchanged — for desktop clients that start a process and a
/// Mnemo that runs elsewhere. The remote server decides everything (access, checks, answers).
/// </summary>
public static class McpForwarding
{
    /// <summary>The variable the key is read from (never a command-line argument, which others can see).</summary>
    public const string KeyVariable = "MNEMO_API_KEY";

    /// <summary>A client of <paramref name="server"/>'s <c>/mcp</c> with <paramref name="key"/>.</summary>
    public static async Task<McpClient> ConnectAsync(Uri server, string key, CancellationToken cancellationToken) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint(server),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
        }), cancellationToken: cancellationToken);

    /// <summary>The <c>/mcp</c> of a server's base address (with or without a path of its own).</summary>
    public static Uri Endpoint(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new Uri(server.AbsoluteUri.TrimEnd('/') + "/mcp");
    }

    /// <summary>Serves <paramref name="remote"/>'s tools and resources as this server's own.</summary>
    public static IMcpServerBuilder ForwardTo(this IMcpServerBuilder builder, McpClient remote) =>
        builder
            .WithListToolsHandler(async (request, cancellationToken) => await remote.ListToolsAsync(request.Params ?? new ListToolsRequestParams(), cancellationToken))
            .WithCallToolHandler(async (request, cancellationToken) => await remote.CallToolAsync(request.Params!, cancellationToken))
            .WithListResourceTemplatesHandler(async (request, cancellationToken) =>
                await remote.ListResourceTemplatesAsync(request.Params ?? new ListResourceTemplatesRequestParams(), cancellationToken))
            .WithReadResourceHandler(async (request, cancellationToken) => await remote.ReadResourceAsync(request.Params!, cancellationToken));
}

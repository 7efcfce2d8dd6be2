using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Mnemo.Json;
using Mnemo.Server.Access;

namespace Mnemo.Server.Mcp;

/// <summary>
/// The MCP server at <c>/mcp</c> (Streamable HTTP, stateless: every call stands alone, so any
/// node answers it), behind the same authentication as the REST API.
/// </summary>
public static class McpSetup
{
    /// <summary>Registers the tools, the resources and what they use.</summary>
    public static IServiceCollection AddMnemoMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<McpAccess>();
        services.AddSingleton<McpCalls>();
        services.AddMcpServer(options => options.ServerInfo = new() { Name = "mnemo", Version = typeof(McpSetup).Assembly.GetName().Version?.ToString() ?? "1" })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools<MemoryTools>(ToolJson)
            .WithResources<MemoryResources>()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => async (request, cancellationToken) =>
            {
                var calls = request.Services!.GetRequiredService<McpCalls>();
                var name = request.Params?.Name ?? "?";
                return calls.Screen(name, (request.MatchedPrimitive as McpServerTool)?.ProtocolTool, request.Params?.Arguments)
                    ?? await calls.BindAsync(name, () => next(request, cancellationToken));
            }));
        return services;
    }

    /// <summary>Maps <c>/mcp</c> for a caller acting for one active tenant; each tool then checks its own scope and user.</summary>
    public static IEndpointConventionBuilder MapMnemoMcp(this IEndpointRouteBuilder routes) =>
        routes.MapMcp("/mcp").RequireAuthorization(AccessPolicies.TenantCaller).WithTags("MCP").ExcludeFromDescription();

    /// <summary>
    /// The tools' arguments and output schemas in the REST API's JSON: snake_case, Mnemo's wire
    /// types first, then the SDK's own, then reflection for the rest.
    /// </summary>
    private static readonly JsonSerializerOptions ToolJson = new(MnemoJsonContext.Default.Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(
            MnemoJsonContext.Default, McpJsonUtilities.DefaultOptions.TypeInfoResolver, new DefaultJsonTypeInfoResolver()),
    };
}

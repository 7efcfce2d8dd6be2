using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mnemo.Server.Cli;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 16: <c>mnemo mcp --tenant</c>, the stdio MCP server a desktop client starts as a process,
/// over the embedded SQLite store: the same tools, acting for the tenant it was started for.
/// </summary>
public sealed class McpStdioTests
{
    [Fact]
    public async Task A_desktop_client_remembers_and_recalls_through_the_stdio_server()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Sqlite);
        string[] store = ["--provider", storage.ProviderName, "--connection-string", storage.ConnectionString];
        Assert.Equal(0, await MnemoCli.RunAsync(["tenants", "create", "acme", .. store], TextWriter.Null, TextWriter.Null));
        var standardError = new List<string>();

        await using (var mcp = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [ServerProcess.ServerDll(), "mcp", "--tenant", "acme", .. store],
            EnvironmentVariables = new Dictionary<string, string?> { ["Mnemo__Embeddings__Provider"] = "none", ["Mnemo__Retention__Enabled"] = "false" },
            StandardErrorLines = line => { lock (standardError) { standardError.Add(line); } },
        })))
        {
            var remembered = await mcp.CallToolAsync("remember", new Dictionary<string, object?>
            {
                ["user_id"] = "u",
                ["messages"] = new object[] { new { role = "user", content = "We are planning a hiking trip in the Alps" } },
            });
            var recalled = await mcp.CallToolAsync("recall", new Dictionary<string, object?> { ["user_id"] = "u", ["query"] = "hiking" });
            var refused = await mcp.CallToolAsync("get_profile", new Dictionary<string, object?> { ["user_id"] = "nobody" });

            Assert.True(remembered.IsError != true, Text(remembered));
            Assert.Equal("We are planning a hiking trip in the Alps",
                recalled.StructuredContent!.Value.GetProperty("results")[0].GetProperty("message").GetProperty("content").GetString());
            Assert.True(refused.IsError);
            Assert.StartsWith("not_found", Text(refused), StringComparison.Ordinal);
        }

        Assert.Equal(0, await MnemoCli.RunAsync(["search", "find", "acme", "u", "alps", "--mode", "keyword", .. store], TextWriter.Null, TextWriter.Null));
        Assert.DoesNotContain(standardError, line => line.Contains("fail", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_stdio_server_forwards_to_a_mnemo_server_with_the_key_from_the_environment()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        var (_, rest) = await server.NewTenantAsync();
        await rest.Messages.AppendAsync("u", new Mnemo.Messages.AppendMessagesRequest { Role = "user", Content = "The cat is called Miso" });

        await using var mcp = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [ServerProcess.ServerDll(), "mcp", "--url", server.Address.ToString()],
            EnvironmentVariables = new Dictionary<string, string?> { ["MNEMO_API_KEY"] = rest.ApiKey },
        }));
        var tools = await mcp.ListToolsAsync();
        var recalled = await mcp.CallToolAsync("recall", new Dictionary<string, object?> { ["user_id"] = "u", ["query"] = "cat" });
        var refused = await mcp.CallToolAsync("erase_user", new Dictionary<string, object?> { ["user_id"] = "u", ["confirm"] = "someone else" });

        Assert.Equal(11, tools.Count);
        Assert.Equal("The cat is called Miso", recalled.StructuredContent!.Value.GetProperty("results")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.True(refused.IsError);
        Assert.StartsWith("validation_failed", Text(refused), StringComparison.Ordinal);
        Assert.Single((await rest.Messages.ListAsync("u")).Messages);
    }

    [Fact]
    public async Task The_stdio_server_refuses_a_tenant_the_store_does_not_have()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Sqlite);
        using var error = new StringWriter();

        var exit = await MnemoCli.RunAsync(["mcp", "--tenant", "ghost", "--provider", storage.ProviderName, "--connection-string", storage.ConnectionString],
            TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("tenant 'ghost' does not exist", error.ToString(), StringComparison.Ordinal);
    }

    private static string Text(CallToolResult result) => string.Join(' ', result.Content.OfType<TextContentBlock>().Select(block => block.Text));
}

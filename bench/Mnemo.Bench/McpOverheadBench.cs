// What MCP costs over REST for an agent's most frequent call: the same question for the same
// user through the MCP tool `recall` (Streamable HTTP, stateless, the SDK's client) and through
// GET /users/{id}/messages/search (the typed client), one call at a time, alternating so both
// see the same machine. Keyword mode: the search itself is then cheapest, so the protocol's share
// is the largest it gets (a hybrid search adds the same embedding time to both).
using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol.Client;
using Mnemo.Testing;

namespace Mnemo.Bench;

/// <summary>The <c>mcp-overhead</c> benchmark.</summary>
internal static class McpOverheadBench
{
    private const int WarmUp = 50;

    public static async Task RunAsync(BenchOptions options)
    {
        var storage = await TestStores.CreateEmptyAsync(options.Backend);
        await using var server = await BenchServer.StartAsync(storage, new Dictionary<string, string> { ["Mnemo__Embeddings__Provider"] = "none" });
        var (_, rest) = await server.NewTenantAsync();
        await SyntheticHistory.AppendAsync(rest, "u", options.Messages, new Random(7));
        await using var mcp = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(server.Address, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {rest.ApiKey}" },
        }));

        var restTimes = new List<double>();
        var mcpTimes = new List<double>();
        for (var i = 0; i < WarmUp + options.Requests; i++)
        {
            var question = SyntheticHistory.Questions[i % SyntheticHistory.Questions.Length];
            var timer = Stopwatch.StartNew();
            var found = await rest.Messages.SearchAsync("u", question, limit: 10, options: new Client.MessageSearchOptions { Mode = "keyword" });
            var restTime = timer.Elapsed.TotalMilliseconds;
            timer.Restart();
            var called = await mcp.CallToolAsync("recall", new Dictionary<string, object?>
            {
                ["user_id"] = "u", ["query"] = question, ["limit"] = 10, ["mode"] = "keyword",
            });
            var mcpTime = timer.Elapsed.TotalMilliseconds;
            if (called.IsError == true || found.Results.Count == 0)
            {
                throw new InvalidOperationException($"recall failed or found nothing for '{question}'");
            }
            if (i >= WarmUp)
            {
                restTimes.Add(restTime);
                mcpTimes.Add(mcpTime);
            }
        }
        restTimes.Sort();
        mcpTimes.Sort();
        double P(List<double> times, double share) => times[(int)(times.Count * share)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Backend}, {options.Messages:N0} messages, {options.Requests} searches each (keyword, limit 10), alternating"));
        Console.WriteLine("| path | p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| REST GET …/messages/search | {P(restTimes, 0.5):F2} | {P(restTimes, 0.95):F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| MCP tools/call recall | {P(mcpTimes, 0.5):F2} | {P(mcpTimes, 0.95):F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MCP − REST: p50 {P(mcpTimes, 0.5) - P(restTimes, 0.5):F2} ms, p95 {P(mcpTimes, 0.95) - P(restTimes, 0.95):F2} ms"));
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Mnemo.Memory;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public sealed partial class MetricsTests
{
    /// <summary>
    /// A server of its own process: a MeterProvider listens to meters by name, so in this test
    /// process every other test's server would count too.
    /// </summary>
    [Fact]
    public async Task Metrics_follow_the_prometheus_text_format_keep_seed_003_names_and_carry_no_ids()
    {
        var server = await ServerProcess.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        try
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var (_, apiKey) = await server.NewTenantAsync("metrics");
            var client = new Client.MnemoClient(http, apiKey);
            await client.Messages.AppendAsync("secret-user-4711", new AppendMessagesRequest { Role = "user", Content = "hello" });
            await client.Memory.GetProfileAsync("secret-user-4711");
            await client.Memory.CompressAsync("secret-user-4711", new CompressMemoryRequest { Summary = "s", KeepLastN = 1 });
            await Assert.ThrowsAsync<Client.MnemoApiException>(() => client.Users.GetAsync("nobody-here"));

            using var response = await http.GetAsync("metrics");
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            var samples = StrictParse(text);
            Assert.DoesNotContain("secret-user-4711", text, StringComparison.Ordinal);
            Assert.DoesNotContain("nobody-here", text, StringComparison.Ordinal);
            Assert.Contains(samples, s => s.Name == "mnemo_http_requests_total" && s.Labels.Contains("route=\"/api/v1/users/{user_id}/messages/\"", StringComparison.Ordinal) && s.Labels.Contains("status=\"201\"", StringComparison.Ordinal));
            Assert.Contains(samples, s => s.Name == "mnemo_http_requests_total" && s.Labels.Contains("status=\"404\"", StringComparison.Ordinal));
            Assert.Contains(samples, s => s.Name == "mnemo_messages_appended_total" && s.Labels.Contains("role=\"user\"", StringComparison.Ordinal) && s.Value == 1);
            Assert.Contains(samples, s => s.Name == "user_profile_reads_total" && s.Value == 1);
            Assert.Contains(samples, s => s.Name == "user_memory_compressions_total" && s.Value == 1);
            Assert.Contains(samples, s => s.Name == "user_memory_compression_duration_seconds_bucket" && s.Labels.Contains("le=\"0.1\"", StringComparison.Ordinal));
            Assert.Contains(samples, s => s.Name == "mnemo_store_command_duration_seconds_count" && s.Labels.Contains("backend=\"sqlite\"", StringComparison.Ordinal));
            Assert.Contains(samples, s => s.Name == "mnemo_schema_migrations_applied_total" && s.Value > 0);
            // ASP.NET Core's own meters come along.
            Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count");
        }
        finally
        {
            server.Kill();
        }
    }

    [Fact]
    public async Task With_loopback_closed_a_scrape_needs_the_platform_key()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite),
            new Dictionary<string, string?> { ["Mnemo:Metrics:OpenOnLoopback"] = "false" });

        using var anonymous = await server.Http.GetAsync("metrics");
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics") { Headers = { { "X-API-Key", MnemoTestServer.AdminKey } } };
        using var withKey = await server.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, withKey.StatusCode);
    }

    /// <summary>
    /// Parses exposition format 0.0.4 strictly: every line is HELP, TYPE or a sample of a declared
    /// family; histogram buckets are cumulative, end with +Inf, and +Inf equals _count.
    /// </summary>
    private static List<(string Name, string Labels, double Value)> StrictParse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<(string Name, string Labels, double Value)>();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (HelpLine().Match(line) is { Success: true })
            {
                continue;
            }
            if (TypeLine().Match(line) is { Success: true } type)
            {
                Assert.True(types.TryAdd(type.Groups[1].Value, type.Groups[2].Value), $"TYPE twice: {line}");
                continue;
            }
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups[1].Value;
            var family = types.Keys.SingleOrDefault(f => name == f || (types[f] == "histogram" && (name == f + "_bucket" || name == f + "_sum" || name == f + "_count")));
            Assert.True(family is not null, $"sample before its TYPE: {line}");
            if (types[family!] == "counter")
            {
                Assert.EndsWith("_total", name, StringComparison.Ordinal);
            }
            var value = sample.Groups[3].Value == "+Inf" ? double.PositiveInfinity : double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture);
            samples.Add((name, sample.Groups[2].Value, value));
        }
        foreach (var histogram in types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var buckets = samples.Where(s => s.Name == histogram + "_bucket").ToList();
            foreach (var series in buckets.GroupBy(b => LeLabel().Replace(b.Labels, string.Empty).Trim(',')))
            {
                var values = series.Select(b => b.Value).ToList();
                Assert.Equal(values.OrderBy(v => v), values);
                Assert.EndsWith("le=\"+Inf\"", series.Last().Labels, StringComparison.Ordinal);
                var count = samples.Single(s => s.Name == histogram + "_count" && s.Labels == series.Key).Value;
                Assert.Equal(count, values[^1]);
            }
        }
        return samples;
    }

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)\})? ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)|\+Inf)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(^|,)le="[^"]*"$""")]
    private static partial Regex LeLabel();
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mnemo.Bench;

/// <summary>What one wrk run measured: wrk's own per-request latencies (send to full response).</summary>
internal sealed record WrkRun(double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs, long Requests, long Non2xx, long SocketErrors);

/// <summary>
/// The HTTP load generator: wrk (C, one connection per client), the counterpart of pgbench on
/// the database side, so neither reference nor Mnemo pays for a load generator in .NET.
/// Debian: <c>apt-get install wrk</c>.
/// </summary>
internal static partial class Wrk
{
    /// <summary>
    /// <paramref name="clients"/> connections for <paramref name="seconds"/>, each sending requests
    /// for random users u0..u(<paramref name="users"/>-1): a POST of one message, or a GET of the last 20.
    /// </summary>
    public static async Task<WrkRun> RunAsync(Uri server, string apiKey, int users, int clients, int seconds, bool append)
    {
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, Script(apiKey, users, append));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-t", Text(Threads(clients)), "-c", Text(clients), "-d", $"{Text(seconds)}s", "--timeout", "10s", "-s", script, server.ToString().TrimEnd('/') },
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException("wrk is not installed: apt-get install wrk", exception);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            File.Delete(script);
            var text = await output;
            var summary = Summary().Match(text);
            if (process.ExitCode != 0 || !summary.Success)
            {
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {text}{await error}");
            }
            double Number(string name) => double.Parse(summary.Groups[name].Value, CultureInfo.InvariantCulture);
            return new WrkRun(
                Number("rps"), Number("p50") / 1000, Number("p95") / 1000, Number("p99") / 1000, Number("max") / 1000,
                (long)Number("requests"), (long)Number("non2xx"), (long)Number("errors"));
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>wrk's threads: two (one a core), but never more than connections, which wrk refuses.</summary>
    internal static int Threads(int clients) => Math.Min(2, clients);

    /// <summary>
    /// The Lua script: each wrk thread seeds its own random users; done() prints one line with
    /// the figures (latencies in microseconds) that <see cref="Summary"/> reads.
    /// </summary>
    internal static string Script(string apiKey, int users, bool append) => $$"""
        local counter = 0
        function setup(thread)
          counter = counter + 1
          thread:set("seed", counter)
        end
        function init(args)
          math.randomseed(seed * 7919 + os.time())
        end
        wrk.headers["Authorization"] = "Bearer {{apiKey}}"
        wrk.headers["Content-Type"] = "application/json"
        function request()
          local user = "u" .. math.random(0, {{users - 1}})
          {{(append
              ? "return wrk.format(\"POST\", \"/api/v1/users/\" .. user .. \"/messages\", nil, '{\"role\":\"user\",\"content\":\"hello, how are you today?\"}')"
              : "return wrk.format(\"GET\", \"/api/v1/users/\" .. user .. \"/messages?limit=20\")")}}
        end
        function done(summary, latency, requests)
          local seconds = summary.duration / 1000000
          local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
          io.write(string.format("MNEMO rps=%.1f p50=%d p95=%d p99=%d max=%d requests=%d non2xx=%d errors=%d\n",
            summary.requests / seconds, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
            summary.requests, summary.errors.status, errors))
        end
        """;

    [GeneratedRegex(@"MNEMO rps=(?<rps>[0-9.]+) p50=(?<p50>[0-9]+) p95=(?<p95>[0-9]+) p99=(?<p99>[0-9]+) max=(?<max>[0-9]+) requests=(?<requests>[0-9]+) non2xx=(?<non2xx>[0-9]+) errors=(?<errors>[0-9]+)")]
    private static partial Regex Summary();
}

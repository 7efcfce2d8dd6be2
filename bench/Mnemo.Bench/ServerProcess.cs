using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mnemo.Storage.Configuration;

namespace Mnemo.Bench;

/// <summary>
/// Mnemo.Server as its own process (the Release build next to this benchmark), on a free
/// loopback port: what the benchmarks and the crash drill measure is a running server, not a
/// host sharing the load generator's process.
/// </summary>
internal sealed class ServerProcess(Process process, int port)
{
    public const string AdminKey = "bench-platform-admin-key-0123456789";

    public int Port { get; } = port;

    /// <summary>The server's process id.</summary>
    public int ProcessId => process.Id;

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>Seconds from starting the process to its first 200 from /health/ready.</summary>
    public double ReadySeconds { get; private init; }

    /// <summary>Starts the server on <paramref name="port"/> (a free one when 0) and waits until it is ready.</summary>
    public static async Task<ServerProcess> StartAsync(ResolvedStorage storage, int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var serverDll = Path.Combine(BenchPaths.RepositoryRoot(), "artifacts", "bin", "Mnemo.Server", "release", "Mnemo.Server.dll");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { serverDll, "--urls", $"http://127.0.0.1:{port}" }, RedirectStandardOutput = true };
        start.Environment["Mnemo__AdminKey"] = AdminKey;
        start.Environment["Mnemo__Storage__Provider"] = storage.Provider;
        start.Environment["Mnemo__Storage__ConnectionString"] = storage.ConnectionString;
        start.Environment["Mnemo__Retention__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var started = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        // Polling an outside process for readiness; bounded, and it stops at the first answer.
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return new ServerProcess(process, port) { ReadySeconds = started.Elapsed.TotalSeconds };
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (started.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
            {
                throw new InvalidOperationException($"Mnemo.Server ({serverDll}) did not become ready within 30 s; build it with -c Release");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>A new tenant and an API key with every scope, made through the admin API.</summary>
    public async Task<(string TenantId, string ApiKey)> NewTenantAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var admin = new Client.MnemoClient(http, AdminKey);
        var tenantId = Testing.TestIds.Tenant(name);
        await admin.Tenants.CreateAsync(new Tenants.CreateTenantRequest { Id = tenantId });
        var key = await admin.ApiKeys.CreateAsync(tenantId, new ApiKeys.CreateApiKeyRequest { Name = name, Scopes = ApiKeys.ApiKeyScopes.All });
        return (tenantId, key.Key);
    }

    /// <summary>The process's peak resident set so far (VmHWM), in MB.</summary>
    public double PeakRssMb()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Storage.Configuration;

namespace Mnemo.Testing;

/// <summary>
/// Mnemo.Server as a process of its own (the build beside the calling assembly, in the same
/// configuration), on a loopback port, ready once it says it is listening. For what only a
/// separate process can show: a SIGKILL, a restart, its own memory, its time to start.
/// </summary>
public sealed class ServerProcess
{
    private readonly Process _process;

    private ServerProcess(Process process, int port, double readySeconds)
    {
        _process = process;
        Port = port;
        ReadySeconds = readySeconds;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its root address.</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>Its process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Seconds from starting the process to its first 200 from /health/ready (asked once it says it is listening).</summary>
    public double ReadySeconds { get; }

    /// <summary>
    /// Starts the server on <paramref name="storage"/> and <paramref name="port"/> (a free one when 0), with
    /// <see cref="MnemoTestServer.AdminKey"/> and <paramref name="environment"/> added to its environment.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(ResolvedStorage storage, int port = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        port = port == 0 ? FreePort() : port;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerDll(), "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Mnemo__AdminKey"] = MnemoTestServer.AdminKey;
        start.Environment["Mnemo__Storage__Provider"] = storage.ProviderName;
        start.Environment["Mnemo__Storage__ConnectionString"] = storage.ConnectionString;
        if (storage.Pooler == ConnectionPooler.PgBouncer)
        {
            start.Environment["Mnemo__Storage__Pooler"] = "pgbouncer";
            start.Environment["Mnemo__Storage__MigrationConnectionString"] = storage.MigrationConnectionString;
        }
        start.Environment["Mnemo__Retention__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        var started = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Mnemo.Server.");
        void Read(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is { } text)
            {
                output.Enqueue(text);
                if (text.Contains("Now listening on", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            }
        }
        process.OutputDataReceived += Read;
        process.ErrorDataReceived += Read;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Mnemo.Server exited: {string.Join('\n', output)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
            ready.EnsureSuccessStatusCode();
        }
        catch
        {
            Kill(process);
            throw;
        }
        return new ServerProcess(process, port, started.Elapsed.TotalSeconds);
    }

    /// <summary>A new tenant and an API key with every scope, made through the admin API.</summary>
    public async Task<(string TenantId, string ApiKey)> NewTenantAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var admin = new MnemoClient(http, MnemoTestServer.AdminKey);
        var tenantId = TestIds.Tenant(name);
        await admin.Tenants.CreateAsync(new Tenants.CreateTenantRequest { Id = tenantId });
        var key = await admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = name, Scopes = ApiKeyScopes.All });
        return (tenantId, key.Key);
    }

    /// <summary>Its peak resident set so far (VmHWM), in MB.</summary>
    public double PeakRssMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
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
    public void Kill() => Kill(_process);

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
    }

    /// <summary>The server's build beside the calling assembly's (see <see cref="BuiltDll"/>).</summary>
    public static string ServerDll() => BuiltDll("Mnemo.Server");

    /// <summary>
    /// A project's build beside the calling assembly's: artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/
    /// is the layout, so it is artifacts/bin/<paramref name="project"/>/&lt;the same configuration&gt;/.
    /// </summary>
    public static string BuiltDll(string project)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(output.Parent!.Parent!.FullName, project, output.Name, project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built in the {output.Name} configuration.", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

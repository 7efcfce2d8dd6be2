using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mnemo.ApiKeys;
using Mnemo.Client;
using Mnemo.Messages;
using Mnemo.Storage.Configuration;

namespace Mnemo.Server.Tests;

/// <summary>
/// The crash drill of issue 8, in the suite: clients append with an idempotency key each and keep
/// a ledger of what was acknowledged while Mnemo.Server, a process of its own, is killed with
/// SIGKILL mid-load and restarted on the same store. Every acknowledged message must be stored,
/// and no retried key stored twice.
/// </summary>
public abstract class CrashTests(Backend backend)
{
    private const int Users = 20;

    [Fact]
    public async Task Every_acknowledged_append_survives_a_SIGKILL_and_no_retried_key_is_stored_twice()
    {
        var storage = await TestStores.CreateEmptyAsync(backend);
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        var server = await ServerProcess.StartAsync(storage, port);
        try
        {
            var admin = new MnemoClient(http, MnemoTestServer.AdminKey);
            var tenantId = TestIds.Tenant("crash");
            await admin.Tenants.CreateAsync(new Mnemo.Tenants.CreateTenantRequest { Id = tenantId });
            var client = admin.WithApiKey((await admin.ApiKeys.CreateAsync(tenantId, new CreateApiKeyRequest { Name = "drill", Scopes = ApiKeyScopes.All })).Key);

            var ledger = new ConcurrentDictionary<string, Guid>(StringComparer.Ordinal);
            var serverUp = Task.CompletedTask;
            var target = new Milestone(100);
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"w{worker}-{i}";
                    // The same key until acknowledged: an append in flight at the kill is either
                    // found stored after the restart or stored then, never twice.
                    while (true)
                    {
                        try
                        {
                            var answer = await client.Messages.AppendAsync($"u{(worker + i) % Users}", new AppendMessagesRequest { Role = "user", Content = key }, key);
                            ledger[key] = answer.Messages[0].Id;
                            target.Reached(ledger.Count);
                            break;
                        }
                        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or MnemoApiException)
                        {
                            // The server is down (it is swapped for a pending restart before the
                            // kill): wait for the restart rather than spin.
                            await Volatile.Read(ref serverUp).WaitAsync(TimeSpan.FromSeconds(60));
                        }
                    }
                }
            })).ToList();

            await target.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref serverUp, restarted.Task);
            server.Kill();
            var acknowledgedAtKill = ledger.Count;
            server = await ServerProcess.StartAsync(storage, port);
            restarted.SetResult();
            await target.Again(acknowledgedAtKill + 100).WaitAsync(TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

            var stored = new List<Message>();
            for (var user = 0; user < Users; user++)
            {
                string? before = null;
                do
                {
                    var page = await client.Messages.ListAsync($"u{user}", limit: 200, before: before);
                    stored.AddRange(page.Messages);
                    before = page.NextCursor;
                }
                while (before is not null);
            }
            var storedIds = stored.Select(message => message.Id).ToHashSet();
            Assert.True(ledger.Count >= acknowledgedAtKill + 100);
            Assert.All(ledger, entry => Assert.Contains(entry.Value, storedIds));
            Assert.DoesNotContain(stored.GroupBy(message => message.IdempotencyKey), group => group.Count() > 1);
        }
        finally
        {
            server.Kill();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Completes once a count reaches a target; <see cref="Again"/> sets the next one.</summary>
    private sealed class Milestone(int target)
    {
        private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _target = target;

        public Task Task => Volatile.Read(ref _reached).Task;

        public void Reached(int count)
        {
            if (count >= Volatile.Read(ref _target))
            {
                Volatile.Read(ref _reached).TrySetResult();
            }
        }

        public Task Again(int next)
        {
            Volatile.Write(ref _reached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _target, next);
            return Task;
        }
    }

    /// <summary>Mnemo.Server as a process of its own, built beside these tests; ready when it says it is listening.</summary>
    private sealed class ServerProcess(Process process)
    {
        public static async Task<ServerProcess> StartAsync(ResolvedStorage storage, int port)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { ServerDll(), "--urls", $"http://127.0.0.1:{port}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["Mnemo__AdminKey"] = MnemoTestServer.AdminKey;
            start.Environment["Mnemo__Storage__Provider"] = storage.Provider;
            start.Environment["Mnemo__Storage__ConnectionString"] = storage.ConnectionString;
            start.Environment["Mnemo__Retention__Enabled"] = "false";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new ConcurrentQueue<string>();
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
            var server = new ServerProcess(process);
            try
            {
                await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch
            {
                server.Kill();
                throw;
            }
            return server;
        }

        /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed.</summary>
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
        }

        /// <summary>The server's build beside this test assembly: artifacts/bin/Mnemo.Server/&lt;configuration&gt;/.</summary>
        private static string ServerDll()
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(testOutput.Parent!.Parent!.FullName, "Mnemo.Server", testOutput.Name, "Mnemo.Server.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Mnemo.Server is not built beside the tests.", path);
        }
    }
}

public sealed class SqliteCrashTests() : CrashTests(Backend.Sqlite);

public sealed class PostgresCrashTests() : CrashTests(Backend.Postgres);

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mnemo.Testing;

/// <summary>
/// Debian's <c>redis-server</c>, a child of the test process on a free loopback port with no
/// persistence, ready once it says it accepts connections. It can be stopped and started again on
/// the same port, to play a Redis that goes away and comes back.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>Its port on loopback.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string that reaches it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A port where a Redis will be once started (<see cref="StartAsync()"/>).</summary>
    public static RedisServer OnFreePort() => new(PostgresServer.FreePort());

    /// <summary>A Redis started on a free port.</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        var server = OnFreePort();
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts it (again), on its port.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Redis not found at {Binary}; install redis-server (the README's test command does).");
        }
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", Directory.CreateTempSubdirectory("mnemo-redis-").FullName })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var said = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                said.Enqueue(text);
                if (text.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited: {string.Join('\n', said)}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        _process = process;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops it at once (SIGKILL): every connection to it drops.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            Kill(process);
            _process = null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}

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
        var start = new ProcessStartInfo(Binary);
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", Directory.CreateTempSubdirectory("mnemo-redis-").FullName })
        {
            start.ArgumentList.Add(argument);
        }
        _process = await ChildProcess.StartAsync(start, "Ready to accept connections", "redis-server");
    }

    /// <summary>Stops it at once (SIGKILL): every connection to it drops.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            ChildProcess.Kill(process);
            _process = null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}

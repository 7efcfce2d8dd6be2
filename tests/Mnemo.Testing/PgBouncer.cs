using System.Collections.Concurrent;
using Npgsql;

namespace Mnemo.Testing;

/// <summary>
/// Debian's PgBouncer in transaction pooling in front of a test PostgreSQL (every database of it),
/// started once per test process from a configuration of its own in a temp directory (as the
/// postgres user when running as root, which PgBouncer refuses), stopped when the process exits.
/// </summary>
public sealed class PgBouncer
{
    private static readonly ConcurrentDictionary<int, Lazy<Task<PgBouncer>>> ByPostgresPort = new();

    private PgBouncer(int port) => Port = port;

    /// <summary>The port it listens on, on loopback.</summary>
    public int Port { get; }

    /// <summary>The PgBouncer in front of the PostgreSQL that <paramref name="postgresConnectionString"/> names.</summary>
    public static Task<PgBouncer> InFrontOfAsync(string postgresConnectionString)
    {
        var postgres = new NpgsqlConnectionStringBuilder(postgresConnectionString);
        return ByPostgresPort.GetOrAdd(postgres.Port, port => new Lazy<Task<PgBouncer>>(() => StartAsync(postgres.Host!, port))).Value;
    }

    /// <summary><paramref name="postgresConnectionString"/>, through this PgBouncer.</summary>
    public string Through(string postgresConnectionString) =>
        new NpgsqlConnectionStringBuilder(postgresConnectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    private static async Task<PgBouncer> StartAsync(string postgresHost, int postgresPort)
    {
        var binary = "/usr/sbin/pgbouncer";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("PgBouncer not found at /usr/sbin/pgbouncer; install pgbouncer (the README's test command does).");
        }
        var root = Directory.CreateTempSubdirectory("mnemo-pgbouncer-").FullName;
        var port = PostgresServer.FreePort();
        var configuration = Path.Combine(root, "pgbouncer.ini");
        var pidFile = Path.Combine(root, "pgbouncer.pid");
        await File.WriteAllTextAsync(Path.Combine(root, "userlist.txt"), "\"postgres\" \"\"\n");
        await File.WriteAllTextAsync(configuration, $"""
            [databases]
            * = host={postgresHost} port={postgresPort}
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {Path.Combine(root, "userlist.txt")}
            pool_mode = transaction
            max_client_conn = 1000
            default_pool_size = 20
            ignore_startup_parameters = extra_float_digits,options
            logfile = {Path.Combine(root, "pgbouncer.log")}
            pidfile = {pidFile}
            """);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await PostgresServer.RunAsync("chown", ["-R", "postgres", root], asPostgres: false);
        }
        await PostgresServer.RunAsync(binary, ["-d", configuration], asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
                {
                    // Gone already.
                }
            }
        };
        var bouncer = new PgBouncer(port);
        await bouncer.WaitUntilListeningAsync();
        return bouncer;
    }

    /// <summary>
    /// Returns once a connection through it answers: <c>-d</c> returns when the daemon has forked,
    /// which may be before it listens.
    /// </summary>
    private async Task WaitUntilListeningAsync()
    {
        var probe = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 2 };
        var deadline = TimeProvider.System.GetTimestamp() + (TimeProvider.System.TimestampFrequency * 15);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe.ConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (TimeProvider.System.GetTimestamp() < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Mnemo.Testing;

/// <summary>
/// Debian's PgBouncer in transaction pooling in front of a test PostgreSQL (every database of it),
/// started once per test process from a configuration of its own in a temp directory (as the
/// postgres user when running as root, which PgBouncer refuses), ready once it says it listens,
/// stopped when the process exits.
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
            """);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await PostgresServer.RunAsync("chown", ["-R", "postgres", root], asPostgres: false);
        }
        // In the foreground, a child of this process: it says on standard error when it listens.
        var start = new ProcessStartInfo(asRoot ? "runuser" : binary);
        foreach (var argument in (string[])(asRoot ? ["-u", "postgres", "--", binary, configuration] : [configuration]))
        {
            start.ArgumentList.Add(argument);
        }
        await ChildProcess.StartAsync(start, "listening on 127.0.0.1", "PgBouncer");
        return new PgBouncer(port);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Mnemo.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: <c>initdb</c> into a temp directory, started
/// with <c>pg_ctl</c> on a free loopback port (through <c>runuser -u postgres</c> when running as
/// root, which PostgreSQL refuses), stopped when the process exits. With
/// <c>MNEMO_TEST_POSTGRES</c> set, that server is used instead. There is no skip: a PostgreSQL
/// that cannot be started fails the tests that need it.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false));
    private static int _databaseCounter;

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    /// <summary>The cluster shared by every test in this process.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A cluster of its own with PostgreSQL's default durability (fsync, synchronous commit and
    /// full-page writes on), for benchmarks whose figures must mean what they would in
    /// production; stopped when the process exits. <c>MNEMO_TEST_POSTGRES</c> overrides it too.
    /// </summary>
    public static Task<PostgresServer> StartDurableAsync() => StartAsync(durable: true);

    /// <summary>Creates an empty database of its own for one test class, and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"mnemo_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync(bool durable)
    {
        var external = Environment.GetEnvironmentVariable("MNEMO_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external);
        }

        var binaries = FindBinaries();
        RemoveStaleClusters();
        var root = Directory.CreateTempSubdirectory("mnemo-pg-").FullName;
        var dataDirectory = Path.Combine(root, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["-R", "postgres", root], asPostgres: false);
        }
        var port = FreePort();
        await RunAsync(Path.Combine(binaries, "initdb"),
            ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], asRoot);
        // Durability settings are off for tests: these clusters live for one test run.
        var durability = durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300{durability}";
        await RunAsync(Path.Combine(binaries, "pg_ctl"),
            ["-D", dataDirectory, "-o", serverOptions, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"], asRoot);

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunAsync(Path.Combine(binaries, "pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "stop"], asRoot).GetAwaiter().GetResult();
            TryDelete(root);
        };
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 20,
        }.ConnectionString;
        return new PostgresServer(connectionString);
    }

    /// <summary>
    /// Deletes clusters that earlier runs left behind (a test host killed before its exit
    /// handler ran): no postmaster.pid means no server, and ten minutes of age mean no run still
    /// initialising it.
    /// </summary>
    private static void RemoveStaleClusters()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "mnemo-pg-*"))
        {
            if (!File.Exists(Path.Combine(directory, "data", "postmaster.pid"))
                && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddMinutes(-10))
            {
                TryDelete(directory);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory is harmless; the next run removes it.
        }
    }

    private static string FindBinaries()
    {
        foreach (var candidate in new[] { "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin" })
        {
            if (File.Exists(Path.Combine(candidate, "initdb")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; install postgresql (.ci/run does) or set MNEMO_TEST_POSTGRES.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}

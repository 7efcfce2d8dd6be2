using Mnemo.Storage;
using Mnemo.Storage.Configuration;

namespace Mnemo.Testing;

/// <summary>The two storage backends every contract runs against.</summary>
public enum Backend
{
    /// <summary>An SQLite file in a temp directory.</summary>
    Sqlite,

    /// <summary>A database of its own on the test run's PostgreSQL cluster.</summary>
    Postgres,
}

/// <summary>Makes a fresh, empty store of either backend.</summary>
public static class TestStores
{
    private static readonly Lazy<string> SqliteRoot = new(() =>
    {
        // One folder per test process for every SQLite file it makes, removed when it exits.
        var root = Directory.CreateTempSubdirectory("mnemo-sqlite-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        };
        return root;
    });

    /// <summary>
    /// Settings for a new empty database of <paramref name="backend"/>; for PostgreSQL
    /// <paramref name="behindPgBouncer"/>, reached through PgBouncer in transaction pooling (and
    /// migrated directly).
    /// </summary>
    public static async Task<ResolvedStorage> CreateEmptyAsync(Backend backend, bool behindPgBouncer = false)
    {
        if (backend == Backend.Postgres)
        {
            var server = await PostgresServer.GetAsync();
            var direct = await server.CreateDatabaseAsync();
            if (!behindPgBouncer)
            {
                return new ResolvedStorage(StorageProvider.Postgres, direct);
            }
            var bouncer = await PgBouncer.InFrontOfAsync(direct);
            return new ResolvedStorage(StorageProvider.Postgres, bouncer.Through(direct))
            {
                Pooler = ConnectionPooler.PgBouncer,
                MigrationConnectionString = direct,
            };
        }
        var file = Path.Combine(SqliteRoot.Value, $"{Guid.NewGuid():N}.db");
        return new ResolvedStorage(StorageProvider.Sqlite, $"Data Source={file}");
    }

    /// <summary>A migrated database of <paramref name="backend"/> (see <see cref="CreateEmptyAsync"/>).</summary>
    public static async Task<MnemoDatabase> CreateMigratedAsync(Backend backend, bool behindPgBouncer = false)
    {
        var database = MnemoDatabaseFactory.Create(await CreateEmptyAsync(backend, behindPgBouncer));
        await new Storage.Migrations.MigrationRunner(database, TimeProvider.System).ApplyAsync(CancellationToken.None);
        return database;
    }
}

using Xunit;
using Mnemo.Storage;

namespace Mnemo.Testing;

/// <summary>One migrated database per test class and backend; test classes isolate further by fresh tenant ids.</summary>
public abstract class StoreFixture(Backend backend, bool behindPgBouncer = false) : IAsyncLifetime
{
    private MnemoDatabase? _database;

    /// <summary>The backend.</summary>
    public Backend Backend { get; } = backend;

    /// <summary>The migrated database.</summary>
    public MnemoDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _database = await TestStores.CreateMigratedAsync(Backend, behindPgBouncer);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>A migrated SQLite database.</summary>
public sealed class SqliteStoreFixture() : StoreFixture(Backend.Sqlite);

/// <summary>A migrated PostgreSQL database.</summary>
public sealed class PostgresStoreFixture() : StoreFixture(Backend.Postgres);

/// <summary>A migrated PostgreSQL database reached through PgBouncer in transaction pooling.</summary>
public sealed class PgBouncerStoreFixture() : StoreFixture(Backend.Postgres, behindPgBouncer: true);

/// <summary>Unique ids so tests never depend on each other's rows.</summary>
public static class TestIds
{
    /// <summary>A tenant id no other test uses.</summary>
    public static string Tenant(string hint = "t") => $"{hint}-{Guid.NewGuid():N}";
}

/// <summary>Tenants for store tests.</summary>
public static class TestTenants
{
    /// <summary>Creates a fresh active tenant in <paramref name="database"/> and returns its id.</summary>
    public static async Task<string> CreateAsync(MnemoDatabase database)
    {
        var id = TestIds.Tenant();
        var now = TimeProvider.System.GetUtcNow();
        await new Storage.Tenants.TenantStore(database).CreateAsync(new Tenants.Tenant
        {
            Id = id, Name = id, Status = Tenants.TenantStatus.Active, Settings = new Tenants.TenantSettings(), CreatedAt = now, UpdatedAt = now,
        }, databaseId: null, CancellationToken.None);
        return id;
    }
}

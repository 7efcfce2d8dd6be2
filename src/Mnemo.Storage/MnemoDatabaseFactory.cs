using Mnemo.Storage.Configuration;
using Mnemo.Storage.Postgres;
using Mnemo.Storage.Sqlite;

namespace Mnemo.Storage;

/// <summary>Creates the database for resolved settings.</summary>
public static class MnemoDatabaseFactory
{
    /// <summary>The backend named by <paramref name="storage"/>.</summary>
    public static MnemoDatabase Create(ResolvedStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.Provider switch
        {
            StorageProvider.Postgres => new PostgresDatabase(storage.ConnectionString, storage.Pooler, storage.MigrationConnectionString),
            StorageProvider.Sqlite => new SqliteDatabase(storage.ConnectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(storage), storage.Provider, "Not a storage provider."),
        };
    }
}

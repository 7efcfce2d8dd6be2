namespace Mnemo.Storage.Configuration;

/// <summary>The <c>Mnemo:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; unset means "postgres if a PostgreSQL URL or POSTGRES_HOST is configured, else sqlite".</summary>
    public string? Provider { get; set; }

    /// <summary>An ADO.NET connection string, or a <c>postgres://</c> URL.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The storage backends.</summary>
public enum StorageProvider
{
    /// <summary>The embedded default: one file, one node.</summary>
    Sqlite,

    /// <summary>The production backend: any number of nodes.</summary>
    Postgres,
}

/// <summary>The backend and connection string in force after every source has been considered.</summary>
public sealed record ResolvedStorage(StorageProvider Provider, string ConnectionString)
{
    /// <summary>The provider as configuration spells it: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string ProviderName => Provider == StorageProvider.Postgres ? "postgres" : "sqlite";

    /// <summary>Where the data is, for messages: never the password the connection string may hold.</summary>
    public override string ToString()
    {
        if (Provider == StorageProvider.Postgres)
        {
            var postgres = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            return $"the PostgreSQL database {postgres.Database} at {postgres.Host}:{postgres.Port}";
        }
        return $"the SQLite database {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}";
    }
}

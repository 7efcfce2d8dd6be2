namespace Mnemo.Storage.Configuration;

/// <summary>The <c>Mnemo:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; unset means "postgres if a PostgreSQL URL or POSTGRES_HOST is configured, else sqlite".</summary>
    public string? Provider { get; set; }

    /// <summary>An ADO.NET connection string, or a <c>postgres://</c> URL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// What stands between Mnemo and PostgreSQL: <c>none</c> (default) or <c>pgbouncer</c>, in
    /// transaction pooling — then no server-side prepared statements, and migrations over
    /// <see cref="MigrationConnectionString"/>.
    /// </summary>
    public string? Pooler { get; set; }

    /// <summary>
    /// PostgreSQL itself, not through a pooler, for migrations (their lock is a session's);
    /// required with <see cref="Pooler"/> <c>pgbouncer</c>, else the connection string is used.
    /// </summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary>The configured database's id among the databases tenants live in (<c>default</c>); choose it before the first start.</summary>
    public string? DatabaseId { get; set; }
}

/// <summary>What pools PostgreSQL's connections besides Npgsql.</summary>
public enum ConnectionPooler
{
    /// <summary>Nothing: Mnemo talks to PostgreSQL.</summary>
    None,

    /// <summary>PgBouncer in transaction pooling: no session state survives a transaction.</summary>
    PgBouncer,
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
    /// <summary>The pooler in front of PostgreSQL.</summary>
    public ConnectionPooler Pooler { get; init; }

    /// <summary>PostgreSQL directly, for migrations; null to migrate over <see cref="ConnectionString"/>.</summary>
    public string? MigrationConnectionString { get; init; }

    /// <summary>The configured database's id among the databases tenants live in.</summary>
    public string DatabaseId { get; init; } = Placement.PlacementNames.CatalogId;

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

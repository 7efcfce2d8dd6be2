namespace Mnemo.Storage.Configuration;

/// <summary>The <c>Mnemo:Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; unset means "postgres if a PostgreSQL URL or POSTGRES_HOST is configured, else sqlite".</summary>
    public string? Provider { get; set; }

    /// <summary>An ADO.NET connection string, or a <c>postgres://</c> URL.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>The backend and connection string in force after every source has been considered.</summary>
public sealed record ResolvedStorage(string Provider, string ConnectionString);

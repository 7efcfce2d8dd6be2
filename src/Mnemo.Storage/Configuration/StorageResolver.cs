using Npgsql;

namespace Mnemo.Storage.Configuration;

/// <summary>
/// Works out which database to use from Mnemo's own settings and from the variables the seeds'
/// services use: <c>DATABASE_URL</c> (<c>postgres://user:pass@host:port/db</c>), seed 004's
/// <c>IDENTITY_DATABASE_URL</c> and <c>POSTGRES_HOST</c>/<c>PORT</c>/<c>USER</c>/<c>PASSWORD</c>/<c>DB</c>.
/// Explicit Mnemo settings win. A database URL that Mnemo cannot use stops start-up naming its
/// variable: it never means "fall back to SQLite".
/// </summary>
public static class StorageResolver
{
    /// <summary>The SQLite file used when nothing else is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=./data/mnemo.db";

    /// <summary>Resolves the storage to use; throws <see cref="StorageConfigurationException"/> with every problem when it cannot.</summary>
    public static ResolvedStorage Resolve(StorageOptions options, Func<string, string?> configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (provider is not (null or "" or "sqlite" or "postgres" or "postgresql"))
        {
            throw new StorageConfigurationException($"Mnemo:Storage:Provider must be 'sqlite' or 'postgres', not '{options.Provider}'.");
        }
        if (provider == "postgresql")
        {
            provider = "postgres";
        }

        // An explicit sqlite provider ignores the URL variables (they may serve another program).
        var databaseUrl = provider == "sqlite" ? null : DatabaseUrl(configuration);
        var postgresHost = configuration("POSTGRES_HOST");
        if (string.IsNullOrEmpty(provider))
        {
            var impliesPostgres = IsPostgresUrl(options.ConnectionString)
                || IsPostgresUrl(databaseUrl)
                || (string.IsNullOrEmpty(options.ConnectionString) && !string.IsNullOrEmpty(postgresHost));
            provider = impliesPostgres ? "postgres" : "sqlite";
        }

        if (provider == "sqlite")
        {
            var sqlite = string.IsNullOrWhiteSpace(options.ConnectionString) ? DefaultSqliteConnectionString : options.ConnectionString;
            try
            {
                _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqlite);
            }
            catch (ArgumentException exception)
            {
                throw new StorageConfigurationException($"Mnemo:Storage:ConnectionString is not a valid SQLite connection string: {exception.Message}");
            }
            return new ResolvedStorage(StorageProvider.Sqlite, sqlite);
        }

        var postgres = options.ConnectionString;
        if (string.IsNullOrWhiteSpace(postgres))
        {
            postgres = IsPostgresUrl(databaseUrl) ? databaseUrl : FromPostgresVariables(configuration);
        }
        if (string.IsNullOrWhiteSpace(postgres))
        {
            throw new StorageConfigurationException("The postgres provider needs Mnemo:Storage:ConnectionString, DATABASE_URL, IDENTITY_DATABASE_URL or POSTGRES_HOST.");
        }
        var pooler = options.Pooler?.Trim().ToLowerInvariant() switch
        {
            null or "" or "none" => ConnectionPooler.None,
            "pgbouncer" => ConnectionPooler.PgBouncer,
            _ => throw new StorageConfigurationException($"Mnemo:Storage:Pooler must be 'none' or 'pgbouncer', not '{options.Pooler}'."),
        };
        var migrations = options.MigrationConnectionString;
        if (pooler == ConnectionPooler.PgBouncer && string.IsNullOrWhiteSpace(migrations))
        {
            throw new StorageConfigurationException(
                "Mnemo:Storage:Pooler 'pgbouncer' needs Mnemo:Storage:MigrationConnectionString, straight to PostgreSQL: migrations hold a session's lock, which transaction pooling does not keep.");
        }
        var databaseId = string.IsNullOrWhiteSpace(options.DatabaseId) ? Placement.PlacementNames.CatalogId : options.DatabaseId.Trim();
        if (!Mnemo.Validation.Identifiers.IsTenantId(databaseId))
        {
            throw new StorageConfigurationException($"Mnemo:Storage:DatabaseId {Mnemo.Validation.Identifiers.TenantIdRule}.");
        }
        return new ResolvedStorage(StorageProvider.Postgres, IsPostgresUrl(postgres) ? FromUrl(postgres) : Validate(postgres))
        {
            DatabaseId = databaseId,
            Pooler = pooler,
            MigrationConnectionString = string.IsNullOrWhiteSpace(migrations) ? null : IsPostgresUrl(migrations) ? FromUrl(migrations) : Validate(migrations),
        };
    }

    /// <summary>The variables that may name the database by URL, in the order they are read.</summary>
    public static readonly IReadOnlyList<string> DatabaseUrlVariables = ["DATABASE_URL", "IDENTITY_DATABASE_URL"];

    /// <summary>
    /// The database URL from <see cref="DatabaseUrlVariables"/>: the first that is set; two set to
    /// different values, or one that is not a PostgreSQL URL, is a configuration error (its value
    /// is not repeated: it may hold a password).
    /// </summary>
    private static string? DatabaseUrl(Func<string, string?> configuration)
    {
        string? chosen = null, chosenName = null;
        foreach (var name in DatabaseUrlVariables)
        {
            if (configuration(name) is not { Length: > 0 } value)
            {
                continue;
            }
            if (!IsPostgresUrl(value))
            {
                throw new StorageConfigurationException($"{name} is set but is not a postgres:// or postgresql:// URL; Mnemo stores data in PostgreSQL or SQLite only.");
            }
            if (chosen is not null && chosen != value)
            {
                throw new StorageConfigurationException($"{chosenName} and {name} name different databases; set one of them.");
            }
            (chosen, chosenName) = (value, name);
        }
        return chosen;
    }

    /// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=require</c> into an Npgsql connection string.</summary>
    public static string FromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StorageConfigurationException("The PostgreSQL URL is not a valid postgres://user:password@host:port/database URL.");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }
        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var value = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            try
            {
                builder[key.Replace("sslmode", "SSL Mode", StringComparison.OrdinalIgnoreCase)] = value;
            }
            catch (ArgumentException)
            {
                throw new StorageConfigurationException($"The PostgreSQL URL has an unsupported option '{key}'.");
            }
        }
        return builder.ConnectionString;
    }

    private static string? FromPostgresVariables(Func<string, string?> configuration)
    {
        var host = configuration("POSTGRES_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = host };
        var port = configuration("POSTGRES_PORT");
        if (!string.IsNullOrWhiteSpace(port))
        {
            if (!int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new StorageConfigurationException($"POSTGRES_PORT must be a port number, not '{port}'.");
            }
            builder.Port = number;
        }
        builder.Username = configuration("POSTGRES_USER") is { Length: > 0 } user ? user : null;
        builder.Password = configuration("POSTGRES_PASSWORD") is { Length: > 0 } password ? password : null;
        builder.Database = configuration("POSTGRES_DB") is { Length: > 0 } database ? database : null;
        return builder.ConnectionString;
    }

    private static string Validate(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;
        }
        catch (ArgumentException exception)
        {
            throw new StorageConfigurationException($"Mnemo:Storage:ConnectionString is not a valid PostgreSQL connection string: {exception.Message}");
        }
    }

    private static bool IsPostgresUrl(string? value) =>
        value is not null
        && (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));
}

/// <summary>The storage settings cannot be used; the message says why, in one line.</summary>
public sealed class StorageConfigurationException(string message) : Exception(message);

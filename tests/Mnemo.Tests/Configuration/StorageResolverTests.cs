using Mnemo.Storage.Configuration;
using Npgsql;

namespace Mnemo.Tests.Configuration;

public sealed class StorageResolverTests
{
    private static ResolvedStorage Resolve(StorageOptions options, Dictionary<string, string?>? environment = null) =>
        StorageResolver.Resolve(options, key => environment?.GetValueOrDefault(key));

    [Fact]
    public void Nothing_configured_means_the_default_sqlite_file()
    {
        Assert.Equal(new ResolvedStorage(StorageProvider.Sqlite, StorageResolver.DefaultSqliteConnectionString), Resolve(new StorageOptions()));
    }

    [Theory]
    [InlineData("postgres://fidus:fidus%40pw@db.local:5433/fidus")]
    [InlineData("postgresql://fidus:fidus%40pw@db.local:5433/fidus")]
    public void A_database_url_selects_postgres_and_is_converted(string url)
    {
        var resolved = Resolve(new StorageOptions(), new() { ["DATABASE_URL"] = url });

        Assert.Equal(StorageProvider.Postgres, resolved.Provider);
        var builder = new NpgsqlConnectionStringBuilder(resolved.ConnectionString);
        Assert.Equal(("db.local", 5433, "fidus", "fidus@pw", "fidus"), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void Pgbouncer_pooling_needs_a_migration_connection_straight_to_postgresql()
    {
        var options = new StorageOptions { Provider = "postgres", ConnectionString = "Host=bouncer;Port=6432;Database=mnemo", Pooler = "PgBouncer" };

        var refused = Assert.Throws<StorageConfigurationException>(() => Resolve(options));
        options.MigrationConnectionString = "postgres://mnemo@db.local:5432/mnemo";
        var resolved = Resolve(options);

        Assert.Contains("Mnemo:Storage:MigrationConnectionString", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionPooler.PgBouncer, resolved.Pooler);
        Assert.Equal(("db.local", 5432), (new NpgsqlConnectionStringBuilder(resolved.MigrationConnectionString).Host, new NpgsqlConnectionStringBuilder(resolved.MigrationConnectionString).Port));
        Assert.Throws<StorageConfigurationException>(() => Resolve(new StorageOptions { Provider = "postgres", ConnectionString = "Host=db", Pooler = "pgpool" }));
        Assert.Equal(ConnectionPooler.None, Resolve(new StorageOptions { Provider = "postgres", ConnectionString = "Host=db" }).Pooler);
    }

    [Fact]
    public void The_seed_postgres_variables_build_a_connection_string()
    {
        var resolved = Resolve(new StorageOptions(), new()
        {
            ["POSTGRES_HOST"] = "localhost", ["POSTGRES_PORT"] = "5432", ["POSTGRES_USER"] = "fidus",
            ["POSTGRES_PASSWORD"] = "fidus_password", ["POSTGRES_DB"] = "fidus",
        });

        var builder = new NpgsqlConnectionStringBuilder(resolved.ConnectionString);
        Assert.Equal(StorageProvider.Postgres, resolved.Provider);
        Assert.Equal(("localhost", "fidus", "fidus"), (builder.Host, builder.Username, builder.Database));
    }

    [Fact]
    public void Seed_004s_identity_database_url_selects_postgres_like_database_url()
    {
        var resolved = Resolve(new StorageOptions(), new() { ["IDENTITY_DATABASE_URL"] = "postgresql://idp:pw@id.local/identity" });

        Assert.Equal(StorageProvider.Postgres, resolved.Provider);
        Assert.Equal(("id.local", "identity"), (new NpgsqlConnectionStringBuilder(resolved.ConnectionString).Host, new NpgsqlConnectionStringBuilder(resolved.ConnectionString).Database));
    }

    [Theory]
    [InlineData("DATABASE_URL", "mysql://u:secret@h/d")]
    [InlineData("IDENTITY_DATABASE_URL", "sqlite:///tmp/x.db")]
    public void A_database_url_mnemo_cannot_use_stops_start_up_naming_it_and_never_means_sqlite(string variable, string url)
    {
        var failure = Assert.Throws<StorageConfigurationException>(() => Resolve(new StorageOptions(), new() { [variable] = url }));

        Assert.Contains(variable, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_database_urls_naming_different_databases_are_refused()
    {
        var failure = Assert.Throws<StorageConfigurationException>(() => Resolve(new StorageOptions(), new()
        {
            ["DATABASE_URL"] = "postgres://u:p@a/one", ["IDENTITY_DATABASE_URL"] = "postgres://u:p@b/two",
        }));

        Assert.Contains("IDENTITY_DATABASE_URL", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_sqlite_provider_wins_over_a_database_url()
    {
        var resolved = Resolve(new StorageOptions { Provider = "sqlite" }, new() { ["DATABASE_URL"] = "postgres://u:p@h/d" });

        Assert.Equal(StorageProvider.Sqlite, resolved.Provider);
    }

    [Theory]
    [InlineData("oracle", null)]
    [InlineData("postgres", null)]
    [InlineData("postgres", "postgres://u:p@h/d?no_such_option=1")]
    [InlineData("postgres", "Host=h;Bogus Key=1")]
    public void Unusable_settings_fail_with_a_message(string provider, string? connectionString)
    {
        var failure = Assert.Throws<StorageConfigurationException>(() =>
            Resolve(new StorageOptions { Provider = provider, ConnectionString = connectionString }));

        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
    }
}

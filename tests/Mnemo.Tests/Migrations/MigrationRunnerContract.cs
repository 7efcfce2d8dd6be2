using Mnemo.Storage;
using Mnemo.Storage.Migrations;
using Mnemo.Testing;

namespace Mnemo.Tests.Migrations;

public abstract class MigrationRunnerContract(Backend backend)
{
    private static readonly Migration First = new(1, "0001_first.sql", "CREATE TABLE first_table (id integer PRIMARY KEY)");
    private static readonly Migration Second = new(2, "0002_second.sql", "CREATE TABLE second_table (id integer PRIMARY KEY)");

    private async Task<MnemoDatabase> EmptyDatabaseAsync() => MnemoDatabaseFactory.Create(await TestStores.CreateEmptyAsync(backend));

    [Fact]
    public async Task The_embedded_migrations_apply_and_a_second_run_changes_nothing()
    {
        await using var database = await EmptyDatabaseAsync();
        var runner = new MigrationRunner(database, TimeProvider.System);

        var version = await runner.ApplyAsync(CancellationToken.None);
        var again = await runner.ApplyAsync(CancellationToken.None);

        Assert.Equal(EmbeddedMigrations.For(database.Dialect)[^1].Version, version);
        Assert.Equal(version, again);
        Assert.Equal(version, await runner.CurrentVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_edited_applied_migration_stops_the_run_naming_the_file()
    {
        await using var database = await EmptyDatabaseAsync();
        var runner = new MigrationRunner(database, TimeProvider.System);
        await runner.ApplyAsync([First], CancellationToken.None);

        var edited = First with { Sql = First.Sql + " -- edited" };
        var failure = await Assert.ThrowsAsync<MigrationChecksumException>(() => runner.ApplyAsync([edited, Second], CancellationToken.None));

        Assert.Contains("0001_first.sql", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, await runner.CurrentVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Line_endings_do_not_count_as_an_edit()
    {
        await using var database = await EmptyDatabaseAsync();
        var runner = new MigrationRunner(database, TimeProvider.System);
        var multiLine = new Migration(1, "0001_lines.sql", "CREATE TABLE lines (\n  id integer PRIMARY KEY\n)");
        await runner.ApplyAsync([multiLine], CancellationToken.None);

        await runner.ApplyAsync([multiLine with { Sql = multiLine.Sql.Replace("\n", "\r\n", StringComparison.Ordinal) }], CancellationToken.None);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_trace_and_the_earlier_ones_stay()
    {
        await using var database = await EmptyDatabaseAsync();
        var runner = new MigrationRunner(database, TimeProvider.System);
        var broken = new Migration(2, "0002_broken.sql", "CREATE TABLE half_done (id integer); SELECT * FROM no_such_table");

        await Assert.ThrowsAnyAsync<Exception>(() => runner.ApplyAsync([First, broken], CancellationToken.None));

        Assert.Equal(1, await runner.CurrentVersionAsync(CancellationToken.None));
        var fixedSecond = new Migration(2, "0002_broken.sql", "CREATE TABLE half_done (id integer)");
        Assert.Equal(2, await runner.ApplyAsync([First, fixedSecond], CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_runners_on_one_empty_store_apply_each_migration_once()
    {
        var storage = await TestStores.CreateEmptyAsync(backend);
        var databases = Enumerable.Range(0, 4).Select(_ => MnemoDatabaseFactory.Create(storage)).ToList();
        try
        {
            var versions = await Task.WhenAll(databases.Select(database =>
                Task.Run(() => new MigrationRunner(database, TimeProvider.System).ApplyAsync(CancellationToken.None))));

            Assert.All(versions, version => Assert.Equal(versions[0], version));
            await using var session = await databases[0].ReadAsync(CancellationToken.None);
            await using var command = session.Command("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations");
            var counts = await command.SingleOrDefaultAsync(reader => (Rows: reader.GetInt64(0), Distinct: reader.GetInt64(1)), CancellationToken.None);
            Assert.Equal(counts.Distinct, counts.Rows);
            Assert.Equal(EmbeddedMigrations.For(databases[0].Dialect).Count, counts.Rows);
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }
}

public sealed class SqliteMigrationRunnerTests() : MigrationRunnerContract(Backend.Sqlite);

public sealed class PostgresMigrationRunnerTests() : MigrationRunnerContract(Backend.Postgres)
{
    [Fact]
    public async Task An_operator_may_turn_on_Npgsql_multiplexing_and_the_migration_lock_still_works()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Postgres);
        // The migration lock is held on a connection outside the pool, which must not multiplex.
        await using var database = MnemoDatabaseFactory.Create(storage with { ConnectionString = storage.ConnectionString + ";Multiplexing=true" });

        var version = await new MigrationRunner(database, TimeProvider.System).ApplyAsync(CancellationToken.None);

        Assert.Equal(EmbeddedMigrations.For(database.Dialect)[^1].Version, version);
    }
}
